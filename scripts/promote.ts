/**
 * `npm run data:promote -- --target <region> [--mode switchover|failover] [--config FILE]`
 *
 * Prints the exact commands that promote a secondary region's databases to primary. It only prints:
 * promotion is a human decision, taken with the output in front of them (docs/operations.md).
 */
import { parseArgs } from 'util';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig } from '../config/load';
import { PromotionMode, promotionPlan } from './promotion-plan';

const USAGE = 'usage: npm run data:promote -- --target <region> [--mode switchover|failover] [--config FILE]';

function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs({ args: argv, options: { target: { type: 'string' }, mode: { type: 'string', default: 'switchover' }, config: { type: 'string' } }, strict: true }).values;
    if (!args.target) throw new Error('--target is required');
    if (args.mode !== 'switchover' && args.mode !== 'failover') throw new Error(`--mode "${args.mode}" is not switchover or failover`);
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    console.log(promotionPlan(loadConfig(args.config ?? DEFAULT_CONFIG_FILE), args.target, args.mode as PromotionMode).join('\n'));
    return 0;
  } catch (e) {
    console.error(`error: ${e instanceof ConfigError ? e.message : (e as Error).message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
