/**
 * One measured run for `npm run bench`. Modes:
 * - `charts-floor` / `cluster-floor`: load the libraries (and our modules) of that app, do nothing;
 * - `charts`: render every region of the default environment into a temporary folder;
 * - `cluster`: synthesize every stack of the default environment, cdk-nag included.
 * Prints, as JSON on its last line, its peak resident memory and the in-process time of the work.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

async function run(mode: string): Promise<number> {
  const { loadConfig } = require('../config/load') as typeof import('../config/load');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    if (mode === 'charts-floor') {
      require('../charts/render');
      return 0;
    }
    if (mode === 'cluster-floor') {
      require('../cluster/synth');
      return 0;
    }
    if (mode === 'charts') {
      const { loadOutputs } = require('../config/outputs') as typeof import('../config/outputs');
      const { renderManifests } = require('../charts/render') as typeof import('../charts/render');
      const start = process.hrtime.bigint();
      const config = loadConfig();
      renderManifests({ config, outputs: loadOutputs(config), platformVersion: 'bench' }, path.join(out, 'manifests'));
      return Number(process.hrtime.bigint() - start) / 1e6;
    }
    if (mode === 'cluster') {
      const { synthCluster } = require('../cluster/synth') as typeof import('../cluster/synth');
      const start = process.hrtime.bigint();
      await synthCluster(loadConfig(), path.join(out, 'cdk.out'));
      return Number(process.hrtime.bigint() - start) / 1e6;
    }
    throw new Error(`unknown mode "${mode}": use charts-floor, charts, cluster-floor or cluster`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

run(process.argv[2]).then(
  (workMs) => console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, workMs })),
  (e) => {
    console.error((e as Error).message);
    process.exit(2);
  },
);
