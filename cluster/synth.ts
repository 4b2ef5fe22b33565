import { App } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import * as blueprints from '@aws-quickstart/eks-blueprints';
import { PlatformConfig } from '../config/schema';
import { Acknowledgement } from './nag-acknowledgements';
import { applyNag, unacknowledgedFindings } from './nag';
import { buildPlatform, Platform } from './platform';

export interface ClusterSynth {
  readonly assembly: CloudAssembly;
  readonly app: App;
  readonly platform: Platform;
  /** Acknowledgements that matched no finding (stale entries). */
  readonly unusedAcknowledgements: Acknowledgement[];
}

/**
 * Synthesizes every stack of an environment into `outdir`, checked by cdk-nag's AwsSolutions pack.
 * Fails when a finding is not acknowledged in cluster/nag-acknowledgements.ts, and when synth would
 * need an AWS lookup (credentials and network): every value must come from the config.
 */
export async function synthCluster(config: PlatformConfig, outdir?: string): Promise<ClusterSynth> {
  // Deprecation notices come from inside aws-cdk-lib and Blueprints, not from our calls (tsc checks
  // those); Blueprints' debug log narrates every add-on. Neither helps whoever reads the synth output.
  process.env.JSII_DEPRECATED ??= 'quiet';
  blueprints.utils.userLog.settings.minLevel = 3;
  // Findings are reported by our own check below, with the fix; CDK's would only set the exit code.
  const app = new App({
    outdir,
    context: {
      '@aws-cdk/core:failSynthOnValidationErrors': false,
      // Without it aws-cdk-lib names every S3 replication role "CDKReplicationRole": a second
      // environment in the account (IAM names are account-wide) would fail to deploy.
      '@aws-cdk/aws-s3:setUniqueReplicationRoleName': true,
    },
  });
  const platform = await buildPlatform(app, config);
  const unusedAcknowledgements = applyNag(app, platform.nagScopes);
  const assembly = app.synth();
  const findings = unacknowledgedFindings(app);
  if (findings.length) {
    throw new Error(
      `cdk-nag found ${findings.length} unacknowledged finding(s): fix them, or acknowledge each with a reason in cluster/nag-acknowledgements.ts\n` +
        findings.map((f) => `  - ${f.severity} ${f.id} on ${f.path}`).join('\n'),
    );
  }
  assertNoLookups(assembly);
  return { assembly, app, platform, unusedAcknowledgements };
}

/** Fails when the assembly still wants context from AWS (a lookup): synth must work without credentials. */
export function assertNoLookups(assembly: CloudAssembly): void {
  const missing = assembly.manifest.missing ?? [];
  if (missing.length) {
    throw new Error(`synth needs AWS lookups (${missing.map((m) => m.key).join(', ')}): put the value in the config instead`);
  }
}
