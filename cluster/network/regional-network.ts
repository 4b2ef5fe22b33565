import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { NETWORK_OUTPUT_KEYS } from '../../config/outputs';
import { PlatformConfig, RegionConfig } from '../../config/schema';
import { ImageCache } from './image-cache';
import { PartnerEndpoints, partnerId } from './partner-endpoints';
import { VpcEndpoints } from './vpc-endpoints';

export interface RegionalNetworkProps {
  readonly config: PlatformConfig;
  /** The stack's region (its VPC CIDR). */
  readonly region: RegionConfig;
  /** The region's VPC (the cluster's), with the isolated endpoint tier. */
  readonly vpc: ec2.IVpc;
  /** The roles of the cluster's nodes: they pull through the image cache. */
  readonly nodeRoles: readonly iam.IRole[];
}

/** The output key of a partner endpoint's DNS name: `PartnerEndpoint<Name>`. */
export function partnerOutputKey(name: string): string {
  return `PartnerEndpoint${partnerId(name)}`;
}

/**
 * A region's private network (config `network`): VPC endpoints for the AWS APIs, the ECR pull-through
 * cache when it is on, and the partners' PrivateLink endpoints, with the stack outputs the charts read
 * (NETWORK_OUTPUT_KEYS) and one per partner for operators.
 */
export class RegionalNetwork extends Construct {
  readonly endpoints: VpcEndpoints;
  /** @default none when network.pullThroughCache.enabled is false */
  readonly imageCache?: ImageCache;
  readonly partners: PartnerEndpoints;

  constructor(scope: Construct, id: string, props: RegionalNetworkProps) {
    super(scope, id);
    const { config, vpc } = props;
    const stack = Stack.of(this);
    this.endpoints = new VpcEndpoints(this, 'Endpoints', { vpc, vpcCidr: props.region.vpcCidr, account: config.accountId });
    const cache = config.network.pullThroughCache;
    if (cache.enabled) this.imageCache = new ImageCache(this, 'ImageCache', { prefix: cache.prefix, nodeRoles: props.nodeRoles });
    this.partners = new PartnerEndpoints(this, 'Partners', { vpc, partners: config.network.partners });

    // On the stack, named by their keys, like the other regional outputs (cluster/regional-prerequisites.ts).
    const outputs: Record<string, string> = {
      [NETWORK_OUTPUT_KEYS.endpointSubnetCidrs]: this.endpoints.endpointSubnetCidrs.join(','),
      ...(this.imageCache ? { [NETWORK_OUTPUT_KEYS.imageCacheRegistry]: this.imageCache.registry } : {}),
      ...Object.fromEntries(config.network.partners.map((p) => [partnerOutputKey(p.name), this.partners.dnsName(p.name)])),
    };
    for (const [key, value] of Object.entries(outputs)) new CfnOutput(stack, key, { value });
  }
}
