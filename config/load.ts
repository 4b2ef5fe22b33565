import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { z } from 'zod';
import { PlatformConfig, platformConfigSchema } from './schema';

/** The embedded default environment: renders offline with no AWS account. */
export const DEFAULT_CONFIG_FILE = path.join(__dirname, 'environments', 'prod.yaml');

/** A config (or outputs) file that cannot be used; the message names the file, the path and the fix. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`invalid config ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Formats zod issues as "path: message (fix)", one per line, in document order. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : '(top level)';
    switch (issue.code) {
      case 'unrecognized_keys':
        return `${where}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}: remove them or fix their spelling`;
      case 'invalid_type':
        if (issue.received === 'undefined') return `${where}: required field is missing: add it (${issue.expected})`;
        if ((issue.expected === 'string' || issue.expected.includes("'")) && (issue.received === 'number' || issue.received === 'boolean')) {
          return `${where}: expected a string (${issue.expected}), got ${issue.received}: quote the value (YAML reads 1.34 or 1 as a number)`;
        }
        if (issue.expected === 'integer') return `${where}: expected a whole number, got a fraction: round it`;
        return `${where}: expected ${issue.expected}, got ${issue.received}: fix the value's type`;
      case 'invalid_enum_value':
        return `${where}: "${String(issue.received)}" is not allowed: use one of ${issue.options.map((o) => `"${String(o)}"`).join(', ')}`;
      case 'invalid_union':
      case 'invalid_literal':
        return `${where}: invalid value: ${issue.message}`;
      default:
        return `${where}: ${issue.message}`;
    }
  });
}

/** Reads a YAML file into plain data; unreadable, empty and non-YAML files are config errors. */
export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)}): check the path passed to --config`]);
  }
  if (text.trim() === '') throw new ConfigError(file, ['the file is empty: start from config/environments/prod.yaml']);
  const docs = YAML.parseAllDocuments(text);
  const errors = docs.flatMap((d) => d.errors);
  if (errors.length) {
    // The parser's message is its first line; the lines after it quote the offending line of the file.
    const [what, ...context] = errors[0].message.split('\n');
    // The quoted line is the one right above the caret marker.
    const caret = context.findIndex((l) => /^\s*\^+\s*$/.test(l));
    const line = caret > 0 ? context[caret - 1] : undefined;
    throw new ConfigError(file, [`not valid YAML: ${what.replace(/:$/, '')}${line ? ` (near "${line.trim()}")` : ''}: fix the indentation or syntax there`]);
  }
  if (docs.length !== 1) throw new ConfigError(file, [`expected exactly one YAML document, found ${docs.length}`]);
  const data = docs[0].toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(file, [`expected a YAML mapping at the top level, got ${Array.isArray(data) ? 'a list' : JSON.stringify(data)}`]);
  }
  return data;
}

/** Validates already-parsed data as a platform config. */
export function parseConfig(data: unknown, source = '(inline)'): PlatformConfig {
  const result = platformConfigSchema.safeParse(data);
  if (!result.success) throw new ConfigError(source, formatIssues(result.error));
  return result.data;
}

/** Loads and validates a platform config file. */
export function loadConfig(file: string = DEFAULT_CONFIG_FILE): PlatformConfig {
  return parseConfig(readYamlFile(file), file);
}
