import { App } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import * as blueprints from '@aws-quickstart/eks-blueprints';
import { PlatformConfig } from '../config/schema';
import { buildPlatform } from './platform';

/**
 * Synthesizes every stack of an environment into `outdir`, refusing any synth that would need an AWS
 * lookup (credentials and network): every value must come from the config.
 */
export async function synthCluster(config: PlatformConfig, outdir?: string): Promise<CloudAssembly> {
  // Deprecation notices come from inside aws-cdk-lib and Blueprints, not from our calls (tsc checks
  // those); Blueprints' debug log narrates every add-on. Neither helps whoever reads the synth output.
  process.env.JSII_DEPRECATED ??= 'quiet';
  blueprints.utils.userLog.settings.minLevel = 3;
  const app = new App({ outdir });
  await buildPlatform(app, config);
  const assembly = app.synth();
  const missing = assembly.manifest.missing ?? [];
  if (missing.length) {
    throw new Error(`synth needs AWS lookups (${missing.map((m) => m.key).join(', ')}): put the value in the config instead`);
  }
  return assembly;
}
