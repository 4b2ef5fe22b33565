/**
 * `npm run drill -- --scenario <name> --region <region> [--zone <zone>] [--config FILE] [--manifests DIR] [--outputs FILE]`
 *
 * Prints how to run one AWS Fault Injection Service drill (resilience/drill-plan.ts): the commands that
 * start, follow and stop it, what the models predict from the rendered manifests, and how to check.
 * It only prints: starting an experiment on a real account is a person's decision.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DRILL_SCENARIO_NAMES, DRILL_SCENARIOS, DrillScenario } from '../config/drills';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig } from '../config/load';
import { defaultOutputsFile } from '../config/outputs';
import { renderedEnvironment } from '../charts/render';
import { drillPlan } from '../resilience/drill-plan';
import { readRendered } from '../resilience/report';
import { parseCli } from './cli';

const ROOT = path.resolve(__dirname, '..');
const USAGE = [
  'usage: npm run drill -- --scenario <name> --region <region> [--zone <zone>] [--config FILE] [--manifests DIR] [--outputs FILE]',
  '',
  '  prints how to run an AWS FIS drill, what the resilience model predicts, and how to check it',
  '',
  'scenarios:',
  ...DRILL_SCENARIO_NAMES.map((n) => `  ${n.padEnd(15)} ${DRILL_SCENARIOS[n].description}`),
].join('\n');

/** The template id from a `cdk deploy --outputs-file` file, when it has one. */
function templateIdFromOutputs(file: string, stack: string, key: string): string | undefined {
  if (!fs.existsSync(file)) return undefined;
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, string> | undefined>;
  return data[stack]?.[key];
}

function main(argv: string[]): number {
  const parsed = parseCli<{ scenario?: string; region?: string; zone?: string; config?: string; manifests?: string; outputs?: string }>(
    argv,
    { scenario: { type: 'string' }, region: { type: 'string' }, zone: { type: 'string' }, config: { type: 'string' }, manifests: { type: 'string' }, outputs: { type: 'string' } },
    USAGE,
    (v) => {
      if (!v.scenario) throw new Error('--scenario is required');
      if (!DRILL_SCENARIO_NAMES.includes(v.scenario as DrillScenario)) throw new Error(`--scenario "${v.scenario}" is not one of ${DRILL_SCENARIO_NAMES.join(', ')}`);
      if (!v.region) throw new Error('--region is required');
    },
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const args = parsed.values;
  try {
    const manifests = args.manifests ?? path.join(ROOT, 'manifests');
    // By default, the environment the manifests were rendered from.
    const config = loadConfig(args.config ?? renderedEnvironment(manifests)?.config ?? DEFAULT_CONFIG_FILE);
    const outputs = args.outputs ?? defaultOutputsFile(config.name);
    const lines = drillPlan({
      config,
      rendered: readRendered(manifests, config),
      scenario: args.scenario as DrillScenario,
      region: args.region!,
      zone: args.zone,
      recordedTemplateId: (stack, key) => templateIdFromOutputs(outputs, stack, key),
    });
    console.log(lines.join('\n'));
    return 0;
  } catch (e) {
    console.error(`error: ${e instanceof ConfigError ? e.message : (e as Error).message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
