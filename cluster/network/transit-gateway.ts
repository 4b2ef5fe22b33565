import { Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ENDPOINT_SUBNET_TIER } from '../../config/network';
import { SUBNET_TIERS } from '../vpc-provider';

export interface RegionalTransitGatewayProps {
  /** The region's VPC. */
  readonly vpc: ec2.IVpc;
  /** The VPC's IPv4 CIDR: the only destination this gateway sends into the VPC. */
  readonly vpcCidr: string;
  /**
   * The networks reached through the gateway: the other regions' VPC CIDRs and the on-premises CIDRs.
   * The VPC route tables send exactly these to the gateway.
   */
  readonly remoteCidrs: string[];
  /**
   * The Amazon-side BGP ASN; distinct per region (a Direct Connect gateway refuses two gateways with
   * the same ASN, and peering recommends unique ones).
   */
  readonly amazonSideAsn: number;
  /** Name tag and description of the gateway. */
  readonly name: string;
  /**
   * The subnet tier the gateway's VPC attachment puts its interfaces in (one subnet per AZ).
   * @default ENDPOINT_SUBNET_TIER ("endpoints"), isolated and holding no workload
   */
  readonly attachmentSubnetGroup?: string;
  /**
   * The subnet tiers whose route tables send `remoteCidrs` to the gateway.
   * @default ["private", "data"]: the pods and nodes, and the databases that answer them
   */
  readonly routedSubnetGroups?: string[];
}

/**
 * A region's Transit Gateway, attached to its VPC, with a route table of its own that holds static
 * routes only, so that the gateway admits nothing but the CIDRs the platform names: no default route
 * table (association and propagation disabled, so no attachment is routed by accident), no automatic
 * acceptance of shared attachments.
 *
 * The peering and on-premises attachments are associated with the same table by the region's transit
 * stack (cluster/network/transit-stack.ts), which also adds their routes. Security groups are not opened
 * to the other region: nothing calls across yet (the global database writer endpoint is future work), so
 * the routes only make the path exist.
 */
export class RegionalTransitGateway extends Construct {
  readonly gateway: ec2.CfnTransitGateway;
  readonly vpcAttachment: ec2.CfnTransitGatewayVpcAttachment;
  readonly routeTable: ec2.CfnTransitGatewayRouteTable;
  /** The VPC routes to the gateway, one per routed subnet and remote CIDR. */
  readonly vpcRoutes: ec2.CfnRoute[] = [];

  constructor(scope: Construct, id: string, props: RegionalTransitGatewayProps) {
    super(scope, id);
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-transitgateway.html
    // and https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html: with default association
    // and propagation disabled, an attachment is routed only through a table it is explicitly
    // associated with, and only to routes explicitly added there.
    this.gateway = new ec2.CfnTransitGateway(this, 'Gateway', {
      description: props.name,
      amazonSideAsn: props.amazonSideAsn,
      autoAcceptSharedAttachments: 'disable',
      defaultRouteTableAssociation: 'disable',
      defaultRouteTablePropagation: 'disable',
      dnsSupport: 'enable',
      vpnEcmpSupport: 'enable',
    });
    Tags.of(this.gateway).add('Name', props.name);

    // One subnet per AZ ("you must select one subnet per Availability Zone", tgw-vpc-attachments.html):
    // the endpoints tier, isolated, so the gateway's interfaces sit beside no workload.
    // https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html
    const subnets = props.vpc.selectSubnets({ subnetGroupName: props.attachmentSubnetGroup ?? ENDPOINT_SUBNET_TIER, onePerAz: true });
    this.vpcAttachment = new ec2.CfnTransitGatewayVpcAttachment(this, 'VpcAttachment', {
      transitGatewayId: this.gateway.attrId,
      vpcId: props.vpc.vpcId,
      subnetIds: subnets.subnetIds,
      options: { DnsSupport: 'enable', Ipv6Support: 'disable', ApplianceModeSupport: 'disable' },
    });
    Tags.of(this.vpcAttachment).add('Name', `${props.name}-vpc`);

    this.routeTable = new ec2.CfnTransitGatewayRouteTable(this, 'RouteTable', { transitGatewayId: this.gateway.attrId });
    Tags.of(this.routeTable).add('Name', props.name);
    new ec2.CfnTransitGatewayRouteTableAssociation(this, 'VpcAssociation', {
      transitGatewayAttachmentId: this.vpcAttachment.attrId,
      transitGatewayRouteTableId: this.routeTable.attrTransitGatewayRouteTableId,
    });
    // The return path: traffic arriving over the peering (or from on premises) is routed by the table of
    // the attachment it arrives on, this one, so the table must know the VPC. Static, not propagated: the
    // VPC attachment would propagate exactly this CIDR, but a static route says it in the template.
    // https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html ("Route tables")
    new ec2.CfnTransitGatewayRoute(this, 'ToVpc', {
      transitGatewayRouteTableId: this.routeTable.attrTransitGatewayRouteTableId,
      destinationCidrBlock: props.vpcCidr,
      transitGatewayAttachmentId: this.vpcAttachment.attrId,
    });

    // The VPC side: the other regions (and on premises) through the gateway, from the pods and nodes and
    // from the data subnets (the databases' replies). A route to a gateway the VPC is not yet attached to
    // fails, hence the dependency. https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html
    // ("update the VPC route tables"), https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-route.html
    for (const group of props.routedSubnetGroups ?? [SUBNET_TIERS.private, SUBNET_TIERS.data]) {
      props.vpc.selectSubnets({ subnetGroupName: group }).subnets.forEach((subnet, i) => {
        props.remoteCidrs.forEach((cidr) => {
          const route = new ec2.CfnRoute(this, `${group}${i + 1}To${cidrId(cidr)}`, {
            routeTableId: subnet.routeTable.routeTableId,
            destinationCidrBlock: cidr,
            transitGatewayId: this.gateway.attrId,
          });
          route.addDependency(this.vpcAttachment);
          this.vpcRoutes.push(route);
        });
      });
    }
  }
}

/** A CIDR as a construct id fragment: 10.20.0.0/16 becomes 10x20x0x0m16. */
export function cidrId(cidr: string): string {
  return cidr.replace(/\./g, 'x').replace('/', 'm');
}
