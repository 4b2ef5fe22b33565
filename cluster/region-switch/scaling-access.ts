import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';

/**
 * The EKS access policy ARC documents for its scaling block: get and update on `*\/scale`, get on
 * `*\/status`, get and patch on HorizontalPodAutoscalers (eks-resource-scaling-block.html).
 */
export const REGION_SWITCH_ACCESS_POLICY = 'AmazonARCRegionSwitchScalingPolicy';

export interface RegionSwitchScalingAccessProps {
  /** The cluster; its authentication mode must include the EKS API (API_AND_CONFIG_MAP or API). */
  readonly cluster: eks.ICluster;
  /** The plan's execution role (an ARN string: the role lives in the region-switch stack, deployed first). */
  readonly principalArn: string;
  /** The only namespace the plan may scale in. */
  readonly namespace: string;
}

/**
 * What lets ARC Region switch scale the shop's Deployments in one cluster: an access entry for the plan's
 * execution role with AmazonARCRegionSwitchScalingPolicy, scoped to the shop's namespace ("you must create
 * an EKS access entry for the IAM role that Region switch uses for plan execution",
 * https://docs.aws.amazon.com/r53recovery/latest/dg/eks-resource-scaling-block.html).
 */
export class RegionSwitchScalingAccess extends Construct {
  readonly accessEntry: eks.AccessEntry;

  constructor(scope: Construct, id: string, props: RegionSwitchScalingAccessProps) {
    super(scope, id);
    this.accessEntry = new eks.AccessEntry(this, 'AccessEntry', {
      cluster: props.cluster,
      principal: props.principalArn,
      accessPolicies: [eks.AccessPolicy.fromAccessPolicyName(REGION_SWITCH_ACCESS_POLICY, { accessScopeType: eks.AccessScopeType.NAMESPACE, namespaces: [props.namespace] })],
    });
  }
}
