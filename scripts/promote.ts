/**
 * `npm run data:promote -- --target <region> [--mode switchover|failover] [--config FILE]`
 *
 * Explains the Region switch that activates `--target`: what the plan (cluster/region-switch) does, in
 * order, with what each step waits for and the check an operator can run; how to start, approve, watch
 * and roll it back; and the same switch by hand if the plan cannot run (resilience/promotion.ts). It
 * only prints: starting the plan is a person's decision (docs/operations.md, "Region switch").
 */
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig } from '../config/load';
import { loadOutputs } from '../config/outputs';
import { parseCli } from './cli';
import { PromotionMode, promotionPlan } from '../resilience/promotion';

const USAGE = 'usage: npm run data:promote -- --target <region> [--mode switchover|failover] [--config FILE]';

function main(argv: string[]): number {
  const parsed = parseCli<{ target?: string; mode: string; config?: string }>(
    argv,
    { target: { type: 'string' }, mode: { type: 'string', default: 'switchover' }, config: { type: 'string' } },
    USAGE,
    (v) => {
      if (!v.target) throw new Error('--target is required');
      if (v.mode !== 'switchover' && v.mode !== 'failover') throw new Error(`--mode "${v.mode}" is not switchover or failover`);
    },
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const args = parsed.values;
  try {
    const config = loadConfig(args.config ?? DEFAULT_CONFIG_FILE);
    // The health check ids and the rest of what the commands name come from the deployed stacks.
    console.log(promotionPlan(config, loadOutputs(config), args.target!, args.mode as PromotionMode).join('\n'));
    return 0;
  } catch (e) {
    console.error(`error: ${e instanceof ConfigError ? e.message : (e as Error).message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
