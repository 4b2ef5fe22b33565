import * as eks from 'aws-cdk-lib/aws-eks';
import * as blueprints from '@aws-quickstart/eks-blueprints';

/**
 * Applies `manifests` once the add-on `dependency` (by class name) has been deployed, e.g. custom
 * resources whose CRDs that add-on's Helm chart installs. Fails at synth if the add-on is missing.
 */
export async function addManifestAfter(
  clusterInfo: blueprints.ClusterInfo,
  dependency: string,
  id: string,
  manifests: Array<Record<string, unknown>>,
): Promise<eks.KubernetesManifest> {
  const scheduled = clusterInfo.getScheduledAddOn(dependency);
  if (!scheduled) throw new Error(`${id} needs the ${dependency}: add it before this add-on`);
  const deployed = await scheduled;
  const manifest = clusterInfo.cluster.addManifest(id, ...manifests);
  manifest.node.addDependency(deployed);
  return manifest;
}
