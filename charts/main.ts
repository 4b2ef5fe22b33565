/** The cdk8s app (cdk8s.yaml): renders the manifests only. `npm run synth` renders everything. */
import { main } from '../scripts/synth';

main(['--only', 'charts', ...process.argv.slice(2)]).then((code) => (process.exitCode = code));
