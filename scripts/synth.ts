/**
 * `npm run synth -- [--config FILE] [--outputs FILE] [--out DIR] [--cdk-out DIR] [--only charts|cluster]`
 *
 * Renders an environment: the manifests of every region (atomically into manifests/) and the
 * CloudFormation templates of every stack (into cdk.out/). Defaults: the embedded environment
 * (config/environments/prod.yaml) and its outputs file. Bad input: every problem with its path and
 * the fix, exit 1, nothing written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig } from '../config/load';
import { defaultOutputsFile, loadOutputs } from '../config/outputs';

const ROOT = path.resolve(__dirname, '..');
import { parseCli } from './cli';

const USAGE = [
  'usage: npm run synth -- [--config FILE] [--outputs FILE] [--out DIR] [--argocd-out DIR] [--cdk-out DIR] [--only charts|cluster]',
  '',
  '  --config FILE      environment to render (default: config/environments/prod.yaml)',
  '  --outputs FILE     its CDK outputs (default: config/outputs/<name>.json)',
  '  --out DIR          where the manifests go (default: manifests/); written atomically',
  '  --argocd-out DIR   where the Argo CD files go (default: argocd/, only without --out)',
  '  --cdk-out DIR      where the CloudFormation templates go (default: cdk.out/)',
  '  --only charts|cluster   render only the manifests, or only the templates',
].join('\n');

type SynthArgs = { config?: string; outputs?: string; out?: string; 'cdk-out'?: string; only?: string; 'argocd-out'?: string };

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCli<SynthArgs>(
    argv,
    { config: { type: 'string' }, outputs: { type: 'string' }, out: { type: 'string' }, 'cdk-out': { type: 'string' }, only: { type: 'string' }, 'argocd-out': { type: 'string' } },
    USAGE,
    (v) => {
      if (v.only && !['charts', 'cluster'].includes(v.only)) throw new Error(`--only "${v.only}" is not charts or cluster`);
    },
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const args = parsed.values;
  try {
    const configFile = args.config ?? DEFAULT_CONFIG_FILE;
    const config = loadConfig(configFile);
    // Every input is read before anything is written.
    const outputsFile = args.outputs ?? defaultOutputsFile(config.name);
    const outputs = args.only === 'cluster' ? undefined : loadOutputs(config, outputsFile);
    // The templates first: if their synth fails (a cdk-nag finding, say), manifests/ is still untouched.
    if (args.only !== 'charts') {
      const { synthCluster } = await import('../cluster/synth');
      const cdkOut = args['cdk-out'] ?? path.join(ROOT, 'cdk.out');
      const { assembly } = await synthCluster(config, cdkOut);
      console.log(`synthesized ${assembly.stacks.length} stacks (${assembly.stacks.map((s) => s.stackName).join(', ')}) into ${path.relative(process.cwd(), cdkOut) || '.'}`);
    }
    if (args.only !== 'cluster') {
      // Loaded lazily: the cluster app alone does not need cdk8s, and vice versa.
      const { renderManifests } = await import('../charts/render');
      const platformVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
      const outDir = args.out ?? path.join(ROOT, 'manifests');
      // The repository's argocd/ only goes with the repository's manifests/: a render elsewhere (--out)
      // writes Argo CD files only where --argocd-out says.
      const argocdDir = args['argocd-out'] ?? (args.out ? undefined : path.join(ROOT, 'argocd'));
      const source = { config: repoPath(configFile), outputs: repoPath(outputsFile) };
      const files = renderManifests({ config, outputs: outputs!, platformVersion, source }, outDir, argocdDir);
      const where = (dir: string) => path.relative(process.cwd(), dir) || '.';
      console.log(`rendered ${files.length} files for ${config.regions.map((r) => r.name).join(', ')} into ${where(outDir)}${argocdDir ? ` and their Argo CD applications into ${where(argocdDir)}` : ' (Argo CD files not rendered: pass --argocd-out DIR)'}`);
    }
    return 0;
  } catch (e) {
    const what = e instanceof ConfigError ? e.message : `synth failed: ${(e as Error).message}`;
    console.error(`error: ${what}\nnothing was written: manifests are unchanged.`);
    return 1;
  }
}

/** A path relative to the repository root when it lies inside it (portable between checkouts). */
function repoPath(file: string): string {
  const relative = path.relative(ROOT, path.resolve(file));
  return relative.startsWith('..') ? path.resolve(file) : relative.split(path.sep).join('/');
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
