/**
 * `npm run bench [-- --runs N]`: median wall time and peak memory of rendering the manifests and of
 * synthesizing the CloudFormation templates, each next to its import floor (the same process loading
 * the same libraries without doing the work), over N fresh processes.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { parseArgs } from 'util';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got "${values.runs}"`);
  process.exit(2);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

interface Measure {
  wallMs: number;
  workMs: number;
  rssMb: number;
}

function measure(mode: string): Measure {
  const walls: number[] = [];
  const works: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(TSX, [path.join(__dirname, 'bench-worker.ts'), mode], { cwd: ROOT, encoding: 'utf8' });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`bench run "${mode}" failed (exit ${r.status}): ${r.stderr}`);
    const report = JSON.parse(r.stdout.trim().split('\n').pop()!);
    walls.push(wallMs);
    works.push(report.workMs);
    rss.push(report.maxRssKb / 1024);
  }
  return { wallMs: median(walls), workMs: median(works), rssMb: median(rss) };
}

const rows: Array<[string, Measure, Measure?]> = [];
for (const app of ['charts', 'cluster']) {
  const floor = measure(`${app}-floor`);
  rows.push([`${app}: import floor`, floor]);
  rows.push([`${app}: ${app === 'charts' ? 'render all regions' : 'synth all stacks + cdk-nag'}`, measure(app), floor]);
}
console.log(`median of ${runs} runs (tsx, a fresh process each)`);
console.log(`${'what'.padEnd(38)} ${'wall'.padStart(9)} ${'in-process'.padStart(11)} ${'peak RSS'.padStart(9)} ${'wall/floor'.padStart(10)}`);
for (const [name, m, floor] of rows) {
  const ratio = floor ? `${(m.wallMs / floor.wallMs).toFixed(2)}x` : '1.00x';
  console.log(`${name.padEnd(38)} ${`${m.wallMs.toFixed(0)} ms`.padStart(9)} ${`${m.workMs.toFixed(0)} ms`.padStart(11)} ${`${m.rssMb.toFixed(0)} MB`.padStart(9)} ${ratio.padStart(10)}`);
}
