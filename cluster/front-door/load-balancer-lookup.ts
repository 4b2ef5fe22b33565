import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { albGroupName } from '../../config/hostnames';
import { PlatformConfig } from '../../config/schema';
import { clusterName } from '../naming';
import { deployTimeLookup } from './deploy-time-lookup';

export interface LoadBalancerLookupProps {
  /** Region of the load balancer. */
  readonly region: string;
  /** EKS cluster whose load balancer controller created it. */
  readonly clusterName: string;
  /** The IngressGroup it serves. */
  readonly groupName: string;
}

/** Tags the AWS Load Balancer Controller puts on what it creates (v3.4.0 pkg/deploy/tracking/provider.go:110-131). */
export const LBC_TRACKING_TAGS = { cluster: 'elbv2.k8s.aws/cluster', stack: 'ingress.k8s.aws/stack', resource: 'ingress.k8s.aws/resource' } as const;

/**
 * The ARN of a region's ALB, which the load balancer controller created from the edge chart's Ingresses
 * (the cluster app never knew it), found at deploy time by the tags the controller puts on it: its
 * cluster, its IngressGroup and `ingress.k8s.aws/resource: LoadBalancer`. Deploying the stack that uses
 * it before Argo CD synced the edge application fails, naming the missing response field; so does an
 * ALB the controller replaced (e.g. a renamed group) until the stack is deployed again.
 */
export class LoadBalancerLookup extends Construct {
  readonly loadBalancerArn: string;

  constructor(scope: Construct, id: string, props: LoadBalancerLookupProps) {
    super(scope, id);
    // tag:GetResources has no resource-level permissions.
    this.loadBalancerArn = deployTimeLookup(
      this,
      {
        service: 'ResourceGroupsTaggingAPI',
        action: 'getResources',
        region: props.region,
        parameters: {
          ResourceTypeFilters: ['elasticloadbalancing:loadbalancer'],
          TagFilters: [
            { Key: LBC_TRACKING_TAGS.cluster, Values: [props.clusterName] },
            { Key: LBC_TRACKING_TAGS.stack, Values: [props.groupName] },
            { Key: LBC_TRACKING_TAGS.resource, Values: ['LoadBalancer'] },
          ],
        },
        physicalResourceId: cr.PhysicalResourceId.fromResponse('ResourceTagMappingList.0.ResourceARN'),
      },
      'ResourceTagMappingList.0.ResourceARN',
    );
  }
}

/** Every region's ALB of the environment, by region (constructs `Alb-<region>` in `scope`). */
export function lookUpAlbs(scope: Construct, config: PlatformConfig): Record<string, string> {
  return Object.fromEntries(
    config.regions.map((r) => [r.name, new LoadBalancerLookup(scope, `Alb-${r.name}`, { region: r.name, clusterName: clusterName(config, r.name), groupName: albGroupName(config) }).loadBalancerArn]),
  );
}
