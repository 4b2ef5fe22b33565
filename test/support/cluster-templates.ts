/**
 * The cluster app synthesized offline for a test file, and the ways its templates are read, shared by
 * the suites that assert on them (test/cluster.test.ts, test/fault-injection.test.ts).
 */
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { PlatformConfig } from '../../config/schema';
import { ClusterSynth, synthCluster } from '../../cluster/synth';
import { tmpDir } from '../helpers';

/** Every stack of the environment, synthesized into a fresh folder, with its template by stack name. */
export async function synthTemplates(config: PlatformConfig): Promise<{ synth: ClusterSynth; templates: Record<string, Template> }> {
  const synth = await synthCluster(config, path.join(tmpDir('cdk-'), 'cdk.out'));
  const templates = Object.fromEntries(synth.assembly.stacks.map((s) => [s.stackName, Template.fromJSON(s.template)]));
  return { synth, templates };
}

/** Resources of a type in a template, as [logicalId, resource] pairs. */
export const resourcesOf = (t: Template, type: string) => Object.entries(t.findResources(type)) as Array<[string, any]>;
