/**
 * `npm run bench [-- --runs N]`: median wall time and peak memory of rendering every region, next to
 * the import floor (the same process loading the libraries without rendering), over N fresh processes.
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

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

function measure(mode: string): { wallMs: number; rssMb: number } {
  const walls: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(TSX, [path.join(__dirname, 'bench-worker.ts'), mode], { cwd: ROOT, encoding: 'utf8' });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`bench run "${mode}" failed (exit ${r.status}): ${r.stderr}`);
    walls.push(wallMs);
    rss.push(JSON.parse(r.stdout.trim().split('\n').pop()!).maxRssKb / 1024);
  }
  return { wallMs: median(walls), rssMb: median(rss) };
}

const floor = measure('import');
const charts = measure('charts');
const row = (name: string, m: { wallMs: number; rssMb: number }) =>
  `${name.padEnd(28)} ${m.wallMs.toFixed(0).padStart(8)} ms ${m.rssMb.toFixed(0).padStart(7)} MB ${(m.wallMs / floor.wallMs).toFixed(2).padStart(7)}x`;
console.log(`median of ${runs} runs (tsx, fresh process each)`);
console.log(`${'what'.padEnd(28)} ${'wall'.padStart(11)} ${'peak RSS'.padStart(10)} ${'vs floor'.padStart(8)}`);
console.log(row('import floor (charts)', floor));
console.log(row('render all regions', charts));
