/**
 * Renders the manifests of an environment: `npm run synth -- [--config FILE] [--outputs FILE] [--out DIR]`.
 * Defaults: the embedded environment (config/environments/prod.yaml), its outputs file, manifests/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig } from '../config/load';
import { defaultOutputsFile, loadOutputs } from '../config/outputs';
import { renderManifests } from './render';

const ROOT = path.resolve(__dirname, '..');

function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, outputs: { type: 'string' }, out: { type: 'string' } },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`error: ${(e as Error).message}\nusage: npm run synth -- [--config FILE] [--outputs FILE] [--out DIR]`);
    return 2;
  }
  try {
    const config = loadConfig(args.config ?? DEFAULT_CONFIG_FILE);
    const outputs = loadOutputs(config, args.outputs ?? defaultOutputsFile(config.name));
    const platformVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
    const outDir = args.out ?? path.join(ROOT, 'manifests');
    const files = renderManifests({ config, outputs, platformVersion }, outDir);
    console.log(`rendered ${files.length} files for ${config.regions.map((r) => r.name).join(', ')} into ${path.relative(process.cwd(), outDir) || '.'}`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`error: ${e.message}\nnothing was written: manifests are unchanged.`);
    } else {
      console.error(`error: synth failed: ${(e as Error).message}\nnothing was written: manifests are unchanged.`);
    }
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
