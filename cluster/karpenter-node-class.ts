import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as blueprints from '@aws-quickstart/eks-blueprints';
import { NODE_CLASS_NAME } from '../config/karpenter';

export interface KarpenterNodeClassProps {
  /** The cluster's name: subnets and security groups are found by it. */
  readonly clusterName: string;
  /** The amazon-eks-ami release the nodes run, as an EC2NodeClass alias (al2023@vYYYYMMDD). */
  readonly amiAlias: string;
  /** Tags on every instance, volume and network interface Karpenter launches. */
  readonly tags: Record<string, string>;
}

/**
 * The EC2NodeClass every NodePool of the charts launches with: pinned AMI release, IMDSv2 with a hop
 * limit of 1, an encrypted gp3 root volume, the cluster's subnets and security group. It stays in the
 * cluster app because it names the node role the stack creates; the NodePools are in the charts.
 *
 * Written here rather than by the Blueprints add-on: Blueprints 1.19.0 creates its EC2NodeClass only
 * when it also creates a NodePool (dist/addons/karpenter/karpenter-v1.js: the `ec2NodeClassSpec`
 * branch sits inside `if (this.options.nodePoolSpec)`), while the node role is always created
 * (`setUpNodeRole`, construct id "karpenter-node-role").
 */
export function addKarpenterNodeClass(stack: blueprints.EksBlueprint, props: KarpenterNodeClassProps): eks.KubernetesManifest {
  const info = stack.getClusterInfo();
  const cluster = info.cluster;
  const role = cluster.node.tryFindChild('karpenter-node-role');
  if (!(role instanceof iam.Role)) throw new Error('the Karpenter add-on no longer creates "karpenter-node-role": review the EC2NodeClass');
  const karpenter = info.getProvisionedAddOn(blueprints.addons.KarpenterV1AddOn.name);
  if (!karpenter) throw new Error('the Karpenter add-on is not installed: the EC2NodeClass needs its CRDs');
  const manifest = cluster.addManifest('default-node-template', {
    apiVersion: 'karpenter.k8s.aws/v1',
    kind: 'EC2NodeClass',
    metadata: { name: NODE_CLASS_NAME },
    spec: {
      amiFamily: 'AL2023',
      amiSelectorTerms: [{ alias: props.amiAlias }],
      role: role.roleName,
      subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': props.clusterName } }],
      securityGroupSelectorTerms: [{ tags: { 'aws:eks:cluster-name': props.clusterName } }],
      metadataOptions: { httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 1, httpTokens: 'required' },
      blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '50Gi', volumeType: ec2.EbsDeviceVolumeType.GP3, encrypted: true, deleteOnTermination: true } }],
      tags: props.tags,
    },
  });
  manifest.node.addDependency(karpenter);
  return manifest;
}
