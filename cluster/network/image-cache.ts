import { Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as blueprints from '@aws-quickstart/eks-blueprints';
import { Construct } from 'constructs';
import { UPSTREAM_REGISTRY, cacheRegistry } from '../../config/network';

export interface ImageCacheProps {
  /** The ECR repository prefix of the cache (config network.pullThroughCache.prefix). */
  readonly prefix: string;
  /** The roles of the nodes that pull through the cache (kubelet pulls with the node role). */
  readonly nodeRoles: readonly iam.IRole[];
  /**
   * Images kept per cached repository, newest first (a few releases back, for a rollback); every entry
   * counts, the platform images of a multi-architecture tag included.
   * @default 50
   */
  readonly imagesPerRepository?: number;
}

/**
 * An ECR pull-through cache of Amazon ECR Public in this region: nodes pull `public.ecr.aws/<alias>/<repo>`
 * as `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<alias>/<repo>` (config/network.ts throughCache),
 * through the ECR and S3 endpoints, and a public registry outage no longer stops a node from starting a
 * pod whose image was pulled once. The repositories ECR creates on a first pull get their settings from
 * a repository creation template.
 *
 * The FIRST pull of an image through the cache needs a NAT route from the pulling subnet when ECR is
 * reached through interface endpoints (ECR User Guide, "Amazon ECR interface VPC endpoints", considerations:
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html); later pulls do not. The private subnets keep their NAT gateways, so this holds here.
 */
export class ImageCache extends Construct {
  readonly rule: ecr.CfnPullThroughCacheRule;
  readonly template: ecr.CfnRepositoryCreationTemplate;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>`. */
  readonly registry: string;

  constructor(scope: Construct, id: string, props: ImageCacheProps) {
    super(scope, id);
    const { prefix } = props;
    const stack = Stack.of(this);
    if (props.nodeRoles.length === 0) throw new Error(`the image cache "${prefix}" has no node roles: nodes could not pull through it`);
    const keep = props.imagesPerRepository ?? 50;
    if (!Number.isInteger(keep) || keep < 1) throw new Error(`imagesPerRepository must be a whole number of at least 1, not ${keep}`);

    // Settings of every repository the cache creates (AWS::ECR::RepositoryCreationTemplate; aws-cdk-lib
    // 2.261.0 CfnRepositoryCreationTemplateProps). The template has no scanning setting: scanning is the
    // registry's (AWS::ECR::RegistryScanningConfiguration, account-wide, not this stack's to own).
    this.template = new ecr.CfnRepositoryCreationTemplate(this, 'RepositoryTemplate', {
      prefix,
      appliedFor: ['PULL_THROUGH_CACHE'],
      description: `Repositories of the ${UPSTREAM_REGISTRY} pull-through cache`,
      encryptionConfiguration: { encryptionType: 'AES256' },
      // MUTABLE on purpose: the cache follows the upstream tag (ECR re-checks the upstream at most once a
      // day and moves the cached tag when the upstream one moved), which an IMMUTABLE repository refuses.
      // Nothing pushes into these repositories (the node roles may only import from the upstream), and
      // the charts pin release tags.
      imageTagMutability: 'MUTABLE',
      // A count, never an age: an image still in use must not expire, or the next node would fetch it
      // from the upstream again (through NAT, the dependency the cache removes). No rule on untagged
      // images either: a multi-architecture tag is an image index whose platform images are untagged in
      // the repository, and expiring one would break the tag. The oldest go first, so what expires is
      // the releases long replaced.
      lifecyclePolicy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `all but the newest ${keep} images`,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keep },
            action: { type: 'expire' },
          },
        ],
      }),
    });

    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecr-pullthroughcacherule.html:
    // Amazon ECR Public needs no credentials (UpstreamRegistry "ecr-public").
    this.rule = new ecr.CfnPullThroughCacheRule(this, 'Rule', {
      ecrRepositoryPrefix: prefix,
      upstreamRegistry: 'ecr-public',
      upstreamRegistryUrl: UPSTREAM_REGISTRY,
    });
    // The template must be there when the first pull creates a repository.
    this.rule.addDependency(this.template);

    // What pulling through the cache adds to the node roles' ECR read-only policy
    // (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html): importing an
    // upstream image, and creating its repository on the first pull; only under the cache's prefix.
    new iam.Policy(this, 'NodePullPolicy', {
      roles: [...props.nodeRoles],
      statements: [
        new iam.PolicyStatement({
          actions: ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
          resources: [stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: `${prefix}/*` })],
        }),
      ],
    });
    this.registry = cacheRegistry(stack.account, stack.region, prefix);
  }
}

/**
 * The roles the cluster's nodes pull images with: the managed node groups' (the system nodes) and
 * Karpenter's node role (eks-blueprints 1.19.0 dist/addons/karpenter/index.js `setUpNodeRole`, construct
 * id "karpenter-node-role" under the cluster).
 */
export function clusterNodeRoles(stack: blueprints.EksBlueprint): iam.IRole[] {
  const info = stack.getClusterInfo();
  const groups = (info.nodeGroups ?? []) as eks.Nodegroup[];
  if (groups.length === 0) throw new Error('the cluster has no managed node groups: review the image cache node roles');
  const karpenter = info.cluster.node.tryFindChild('karpenter-node-role');
  if (!(karpenter instanceof iam.Role)) throw new Error('the Karpenter add-on no longer creates "karpenter-node-role": review the image cache node roles');
  return [...groups.map((g) => g.role), karpenter];
}
