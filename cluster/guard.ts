/**
 * The AWS Control Tower proactive controls, run with cfn-guard over the synthesized templates: a second
 * policy engine beside cdk-nag, from another lineage. The rules and the guard binary come with the npm
 * package @cdklabs/cdk-validator-cfnguard (no download at run time); its CDK plugin wrapper is not used
 * because it reports through the synth's validation report, without a way to accept a finding per
 * resource with a reason. Every finding must be listed in cluster/guard-acknowledgements.ts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const PACKAGE_DIR = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
/** The Control Tower rules the package ships (one .guard file per control). */
export const CONTROL_TOWER_RULES = path.join(PACKAGE_DIR, 'rules', 'control-tower', 'cfn-guard');

/** The guard binary the package ships for this machine (the same layout its plugin uses). */
export function guardBinary(): string {
  const platform = os.platform() === 'linux' ? 'ubuntu' : os.platform() === 'darwin' ? 'macos' : undefined;
  const arch = os.arch() === 'x64' ? 'x86_64' : os.arch() === 'arm64' ? 'aarch64' : undefined;
  if (!platform || !arch) throw new Error(`cfn-guard is shipped for linux and macOS on x64 and arm64, not ${os.platform()} ${os.arch()}`);
  return path.join(PACKAGE_DIR, 'bin', platform, arch, 'cfn-guard');
}

/** One control a resource does not meet. */
export interface GuardFinding {
  /** Template file name, e.g. securecart-prod-us-east-1.template.json. */
  readonly template: string;
  /** Control id, e.g. CT.KMS.PR.3. */
  readonly control: string;
  readonly rule: string;
  readonly logicalId: string;
}

function ruleFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? ruleFiles(path.join(dir, e.name)) : e.name.endsWith('.guard') ? [path.join(dir, e.name)] : []));
}

/**
 * The rule files that can apply to a template: those naming one of its resource types. Each control
 * selects resources by type (`Resources.*[ Type == '<type>' ]`) and skips a template without them, so
 * leaving the others out changes no result (test/cluster.test.ts compares both on one template) and
 * cuts a regional template from ~8 s to ~2 s.
 */
export function relevantRules(template: { Resources?: Record<string, { Type: string }> }, all = ruleFiles(CONTROL_TOWER_RULES)): string[] {
  const types = new Set(Object.values(template.Resources ?? {}).map((r) => r.Type));
  return all.filter((file) => [...fs.readFileSync(file, 'utf8').matchAll(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g)].some((m) => types.has(m[0])));
}

/** Runs the controls against one template file; `rules` defaults to the relevant ones. */
export function runGuard(templateFile: string, rules?: string[]): GuardFinding[] {
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
  const selected = rules ?? relevantRules(template);
  if (selected.length === 0) return [];
  const run = spawnSync(guardBinary(), ['validate', ...selected.flatMap((r) => ['--rules', r]), '--data', templateFile, '--output-format', 'json', '--show-summary', 'none', '--structured'], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  // Exit 19: some rule failed; 0: all passed or skipped. Anything else is guard failing.
  if (run.status !== 0 && run.status !== 19) throw new Error(`cfn-guard failed (${run.status}) on ${templateFile}: ${run.stderr || run.error}`);
  const results = JSON.parse(run.stdout) as Array<{ not_compliant: Array<{ Rule: { name: string } }> }>;
  const findings = new Map<string, GuardFinding>();
  for (const file of results) {
    for (const failure of file.not_compliant) {
      const ids = new Set<string>();
      const controls = new Set<string>();
      const walk = (o: unknown): void => {
        if (!o || typeof o !== 'object') return;
        for (const [k, v] of Object.entries(o)) {
          if (k === 'path' && typeof v === 'string') {
            const m = /^\/Resources\/([^/]+)/.exec(v);
            if (m) ids.add(m[1]);
          }
          if (k === 'custom_message' && typeof v === 'string') {
            const m = /\[(CT\.[A-Z0-9.]+)\]/.exec(v);
            if (m) controls.add(m[1]);
          }
          walk(v);
        }
      };
      walk(failure);
      for (const logicalId of ids) {
        for (const control of controls) {
          const finding = { template: path.basename(templateFile), control, rule: failure.Rule.name, logicalId };
          findings.set(JSON.stringify(finding), finding);
        }
      }
    }
  }
  return [...findings.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
