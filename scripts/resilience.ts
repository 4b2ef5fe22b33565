/**
 * `npm run resilience [-- --config FILE] [--manifests DIR] [--out FILE]`: writes docs/resilience.md and
 * its chart docs/resilience.svg from the rendered manifests and the config, and exits 1 when a budget
 * is violated (each violation names the service or store and the shortfall).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig } from '../config/load';
import { parseCli } from './cli';
import { resilienceSvg } from '../resilience/chart';
import { renderedEnvironment } from '../charts/render';
import { buildReport, readRendered } from '../resilience/report';

const ROOT = path.resolve(__dirname, '..');

async function main(argv: string[]): Promise<number> {
  const parsed = parseCli<{ config?: string; manifests?: string; out?: string }>(
    argv,
    { config: { type: 'string' }, manifests: { type: 'string' }, out: { type: 'string' } },
    'usage: npm run resilience -- [--config FILE] [--manifests DIR] [--out FILE]\n\n  writes docs/resilience.md and docs/resilience.svg from the rendered manifests; exits 1 when a budget is broken',
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const args = parsed.values;
  try {
    const manifests = args.manifests ?? path.join(ROOT, 'manifests');
    // By default, the environment the manifests were rendered from.
    const config = loadConfig(args.config ?? renderedEnvironment(manifests)?.config ?? DEFAULT_CONFIG_FILE);
    const report = buildReport(config, readRendered(manifests, config));
    const out = args.out ?? path.join(ROOT, 'docs', 'resilience.md');
    fs.writeFileSync(out, report.markdown);
    fs.writeFileSync(path.join(path.dirname(out), 'resilience.svg'), await resilienceSvg(report, config.primaryRegion));
    console.log(`wrote ${path.relative(process.cwd(), out)} and its chart: region failover through ${config.edge.frontDoor} ${report.frontDoor.regionFailover.worstCaseSeconds ?? 'never'} s, ${report.violations.length} budget violation(s)`);
    for (const v of report.violations) console.error(`budget violated: ${v}`);
    return report.violations.length ? 1 : 0;
  } catch (e) {
    console.error(`error: ${e instanceof ConfigError ? e.message : (e as Error).message}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
