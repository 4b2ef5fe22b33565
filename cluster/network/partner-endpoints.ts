import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ENDPOINT_SUBNET_TIER, PartnerConfig } from '../../config/network';
import { regionalDnsName } from './vpc-endpoints';
import { SUBNET_TIERS } from '../vpc-provider';

export interface PartnerEndpointsProps {
  /** The regional VPC, with the isolated endpoint tier. */
  readonly vpc: ec2.IVpc;
  /** The partners (config network.partners); each needs a service name in this stack's region. */
  readonly partners: readonly PartnerConfig[];
  /**
   * The tier of the pods that call partners: the VPC CNI gives pods addresses of the nodes' subnets,
   * so only this tier's CIDRs are admitted (the charts' NetworkPolicies then narrow to the client service).
   * @default "private"
   */
  readonly clientSubnetGroup?: string;
  /**
   * The subnet tier that holds the endpoints.
   * @default ENDPOINT_SUBNET_TIER ("endpoints")
   */
  readonly endpointSubnetGroup?: string;
}

/** A partner's name as part of a construct id or output key: `payments` becomes `Payments`, `card-vault` `CardVault`. */
export function partnerId(name: string): string {
  return name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/**
 * PrivateLink endpoints to partners' endpoint services (the payment provider): one interface endpoint
 * per partner in the isolated endpoint subnets, private DNS as the partner's service offers it, and a
 * security group of its own that admits the pods' subnets on the partner's ports and sends nothing.
 *
 * No endpoint policy: a policy is enforced by the AWS service behind an endpoint through IAM, and a
 * partner's service (a Network Load Balancer in the partner's account) authorizes nothing through IAM,
 * so only the default full-access policy applies ("If an AWS service doesn't support endpoint policies,
 * we allow full access": https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
 * Who reaches the partner is decided by the security group here and the NetworkPolicies in the charts.
 */
export class PartnerEndpoints extends Construct {
  /** Each partner's endpoint, by partner name. */
  readonly endpoints: Readonly<Record<string, ec2.InterfaceVpcEndpoint>>;
  /** Each partner's security group, by partner name. */
  readonly securityGroups: Readonly<Record<string, ec2.SecurityGroup>>;

  constructor(scope: Construct, id: string, props: PartnerEndpointsProps) {
    super(scope, id);
    const { vpc } = props;
    const region = Stack.of(this).region;
    const clientTier = props.clientSubnetGroup ?? SUBNET_TIERS.private;
    const clients = vpc.selectSubnets({ subnetGroupName: clientTier }).subnets.map((s) => s.ipv4CidrBlock);
    if (clients.length === 0) throw new Error(`the VPC has no subnets in tier "${clientTier}": partners' endpoints would admit no client`);
    const endpoints: Record<string, ec2.InterfaceVpcEndpoint> = {};
    const groups: Record<string, ec2.SecurityGroup> = {};
    for (const partner of props.partners) {
      const serviceName = partner.serviceNames[region];
      if (!serviceName) throw new Error(`partner "${partner.name}" has no endpoint service in ${region}: add network.partners[].serviceNames.${region}`);
      const pid = partnerId(partner.name);
      const group = new ec2.SecurityGroup(this, `${pid}SecurityGroup`, {
        vpc,
        description: `PrivateLink endpoint of partner ${partner.name}: ports ${partner.ports.join(', ')} from the pod subnets only`,
        allowAllOutbound: false,
      });
      for (const cidr of clients) {
        for (const port of partner.ports) group.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(port), `${partner.name} from pods in ${cidr}`);
      }
      endpoints[partner.name] = new ec2.InterfaceVpcEndpoint(this, pid, {
        vpc,
        service: new ec2.InterfaceVpcEndpointService(serviceName, partner.ports[0]),
        subnets: { subnetGroupName: props.endpointSubnetGroup ?? ENDPOINT_SUBNET_TIER },
        securityGroups: [group],
        open: false,
        privateDnsEnabled: partner.privateDns,
      });
      groups[partner.name] = group;
    }
    this.endpoints = endpoints;
    this.securityGroups = groups;
  }

  /** A partner endpoint's regional DNS name (`vpce-<id>.vpce-svc-<id>.<region>.vpce.amazonaws.com`), for operators. */
  dnsName(partner: string): string {
    const endpoint = this.endpoints[partner];
    if (!endpoint) throw new Error(`no partner endpoint "${partner}": the partners are ${Object.keys(this.endpoints).join(', ') || 'none'}`);
    return regionalDnsName(endpoint);
  }
}
