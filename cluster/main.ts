/**
 * The AWS CDK app (EKS Blueprints), run by `npx cdk synth|deploy` through cdk.json: one stack per
 * region, the global data stack and the health checks. Works offline: no lookups, no credentials.
 * Another environment: `SECURECART_CONFIG=config/environments/<env>.yaml npx cdk synth`.
 */
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig } from '../config/load';
import { synthCluster } from './synth';

async function main(): Promise<void> {
  const config = loadConfig(process.env.SECURECART_CONFIG ?? DEFAULT_CONFIG_FILE);
  await synthCluster(config, process.env.CDK_OUTDIR);
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? `error: ${e.message}` : `error: cluster synth failed: ${(e as Error).message}`);
  process.exit(1);
});
