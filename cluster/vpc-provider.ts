import { Tags } from 'aws-cdk-lib';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as blueprints from '@aws-quickstart/eks-blueprints';
import { Construct } from 'constructs';
import { logGroupKey } from './log-group-key';
import { ENDPOINT_SUBNET_TIER } from '../config/network';
import { RegionConfig } from '../config/schema';

export interface ShopVpcProviderProps {
  /** The region: its CIDR and Availability Zones. */
  readonly region: RegionConfig;
  /** EKS cluster name, for Karpenter's subnet and security group discovery tag. */
  readonly clusterName: string;
  /**
   * Days to keep VPC flow logs (a CloudWatch Logs retention value).
   * @default 365 (PCI DSS 10.5.1: a year of audit trail)
   */
  readonly flowLogRetentionDays?: number;
}

/** Subnet tier names, for selections by the data tier and the cluster. */
export const SUBNET_TIERS = { public: 'public', private: 'private', data: 'data', endpoints: ENDPOINT_SUBNET_TIER } as const;

/** Subnet masks for a VPC prefix and AZ count: per AZ, half for pods and nodes, an eighth each for public and data. */
export function subnetMasks(vpcPrefix: number, zones: number): { private: number; public: number; data: number; endpoints: number } {
  const azBits = Math.ceil(Math.log2(zones));
  return { private: vpcPrefix + azBits + 1, public: vpcPrefix + azBits + 3, data: vpcPrefix + azBits + 3, endpoints: vpcPrefix + azBits + 3 };
}

/**
 * The regional VPC over the configured Availability Zones, named explicitly so that synth needs no
 * availability-zones lookup (and so no AWS credentials): public subnets for the ALB, private subnets
 * for nodes and pods (one NAT gateway per AZ, so an AZ loss never cuts the others' egress), isolated
 * data subnets for databases and Redis, isolated endpoint subnets (cluster/network), and flow logs (encrypted with a key of their own, retained).
 */
export class ShopVpcProvider implements blueprints.ResourceProvider<ec2.IVpc> {
  constructor(private readonly props: ShopVpcProviderProps) {}

  provide(context: blueprints.ResourceContext): ec2.IVpc {
    const { region, clusterName } = this.props;
    const masks = subnetMasks(Number(region.vpcCidr.split('/')[1]), region.availabilityZones.length);
    const vpc = new ec2.Vpc(context.scope, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(region.vpcCidr),
      availabilityZones: region.availabilityZones,
      natGateways: region.availabilityZones.length,
      subnetConfiguration: [
        { name: SUBNET_TIERS.public, subnetType: ec2.SubnetType.PUBLIC, cidrMask: masks.public, mapPublicIpOnLaunch: false },
        { name: SUBNET_TIERS.private, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: masks.private },
        { name: SUBNET_TIERS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: masks.data },
        // Last, so that the tiers above keep the addresses they had before it existed: the interface
        // endpoints (and partners' PrivateLink endpoints and the Transit Gateway attachments) in a tier
        // of their own, which the NetworkPolicies can name without naming every pod's subnet.
        { name: SUBNET_TIERS.endpoints, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: masks.endpoints },
      ],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL, destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup(context.scope)) } },
    });
    // Where the AWS Load Balancer Controller puts internet-facing and internal load balancers.
    for (const subnet of vpc.publicSubnets) Tags.of(subnet).add('kubernetes.io/role/elb', '1');
    for (const subnet of vpc.privateSubnets) {
      Tags.of(subnet).add('kubernetes.io/role/internal-elb', '1');
      // Karpenter launches nodes only into subnets carrying its discovery tag.
      Tags.of(subnet).add('karpenter.sh/discovery', clusterName);
    }
    return vpc;
  }

  /** The flow logs' log group: kept for the configured days and after the stack, encrypted with its own key. */
  private flowLogGroup(scope: Construct): logs.LogGroup {
    const key = logGroupKey(scope, 'VpcFlowLogsKey', `VPC flow logs of ${this.props.clusterName}`);
    return new logs.LogGroup(scope, 'VpcFlowLogs', {
      retention: this.props.flowLogRetentionDays ?? 365,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
