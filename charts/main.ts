/**
 * The cdk8s app (cdk8s.yaml). Renders the manifests only; `npm run synth` renders everything.
 *
 * Run by `cdk8s synth`, which empties its output folder and passes it as CDK8S_OUTDIR: the app then
 * renders the environment the committed manifests/ record (manifests/environment.json; or
 * SECURECART_CONFIG) into that folder and never touches manifests/, so a CI job can run
 * `npx cdk8s synth --check-upgrade=false && diff -r cdk8s.out manifests`.
 * Run directly (`npx tsx charts/main.ts`), it renders into manifests/ and argocd/ like `npm run synth:charts`.
 */
import * as path from 'path';
import { main } from '../scripts/synth';
import { renderedEnvironment } from './render';

function args(): string[] {
  const outdir = process.env.CDK8S_OUTDIR;
  if (!outdir) return ['--only', 'charts', ...process.argv.slice(2)];
  const recorded = renderedEnvironment(path.resolve(__dirname, '..', 'manifests'));
  const config = process.env.SECURECART_CONFIG ?? recorded?.config;
  return [
    '--only', 'charts',
    '--out', outdir,
    ...(config ? ['--config', config] : []),
    // The recorded outputs go with the recorded config only.
    ...(recorded && config === recorded.config ? ['--outputs', recorded.outputs] : []),
  ];
}

main(args()).then((code) => (process.exitCode = code));
