/**
 * One measured run for `npm run bench`: `import` loads the libraries the render needs and stops (the
 * floor); `charts` also renders every region of the default environment into a temporary folder.
 * Prints its peak resident memory as JSON on the last line.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const mode = process.argv[2];
if (mode === 'import') {
  require('cdk8s');
  require('cdk8s-plus-28');
  require('../config/load');
  require('../config/outputs');
  require('../charts/render');
} else if (mode === 'charts') {
  const { loadConfig } = require('../config/load') as typeof import('../config/load');
  const { loadOutputs } = require('../config/outputs') as typeof import('../config/outputs');
  const { renderManifests } = require('../charts/render') as typeof import('../charts/render');
  const config = loadConfig();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  renderManifests({ config, outputs: loadOutputs(config), platformVersion: 'bench' }, path.join(out, 'manifests'));
  fs.rmSync(out, { recursive: true, force: true });
} else {
  console.error(`unknown mode "${mode}": use import or charts`);
  process.exit(2);
}
console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
