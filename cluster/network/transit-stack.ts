import { CfnOutput, CrossStackReferences, ReferenceStrength, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { regionalStackName } from '../../config/outputs';
import { PlatformConfig, RegionConfig } from '../../config/schema';
import { commonTags } from '../naming';
import { TransitDirectConnect } from './transit-direct-connect';
import { TransitPeering } from './transit-peering';
import { TransitRoutes } from './transit-routes';
import { TransitVpn } from './transit-vpn';

/** A peering this region requests (the home region requests one per other region). */
export interface TransitPeeringRequest {
  /** The peer region. */
  readonly region: string;
  /** The peer's Transit Gateway (in its regional stack). */
  readonly transitGatewayId: string;
  /** What this side sends over the peering: the peer's VPC CIDR. */
  readonly cidrs: string[];
}

/** A peering another region requested and accepted (the other regions' side of the home's requests). */
export interface AcceptedTransitPeering {
  /** The peering attachment (the same id on both sides), available once the requester's stack is deployed. */
  readonly attachmentId: string;
  /** What this side sends over the peering: the home VPC CIDR, and on-premises CIDRs reached through the home region. */
  readonly cidrs: string[];
}

export interface TransitStackProps extends StackProps {
  readonly config: PlatformConfig;
  readonly region: RegionConfig;
  /** This region's Transit Gateway (RegionalTransitGateway in the regional stack). */
  readonly transitGatewayId: string;
  /** Its route table. */
  readonly routeTableId: string;
  /** @default [] (this region requests no peering) */
  readonly requests?: TransitPeeringRequest[];
  /** @default [] (this region accepts no peering) */
  readonly accepted?: AcceptedTransitPeering[];
  /**
   * Terminate the on-premises Site-to-Site VPN (network.transit.onPremises.vpn) on this region's gateway.
   * @default false
   */
  readonly vpn?: boolean;
}

/**
 * A region's side of the private transit (`securecart-<env>-<region>-transit`): the peering attachments
 * over which its Transit Gateway reaches the others, and the on-premises links.
 *
 * Layout and order (one `cdk deploy --all`, nothing copied by hand, no lookup at synth):
 * 1. the regional stacks create each region's Transit Gateway, its VPC attachment, its route table and
 *    the VPC routes (cluster/network/transit-gateway.ts);
 * 2. the home region's transit stack requests a peering with each other region, accepts it in that
 *    region and waits until it is available (cluster/network/transit-attachment-ready.ts), then adds its
 *    own association and routes: the stack completes only once the peering carries traffic;
 * 3. each other region's transit stack associates the (accepted) attachment with its route table and
 *    adds its routes.
 * The stacks refer to each other's ids through CloudFormation's Fn::GetStackOutput (weak references:
 * CDK adds the outputs and the stack dependencies that give this order, and nothing is deployed in the
 * regional stacks to carry them across regions;
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html).
 * A value is read when the consumer deploys: replacing a Transit Gateway (changing its ASN) needs the
 * transit stacks redeployed after it (`cdk deploy --force`).
 *
 * Deletion runs the other way (`cdk destroy` follows the dependencies backwards, after termination
 * protection is lifted): the other regions' routes and associations, then the home's routes, the
 * waiter (which leaves the attachment alone) and the peering attachment (deleting it removes both sides:
 * https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering-delete.html), then the gateways.
 */
export class TransitStack extends Stack {
  readonly peerings: Record<string, TransitPeering> = {};
  readonly accepted: TransitRoutes[] = [];
  readonly vpn?: TransitVpn;
  readonly directConnect?: TransitDirectConnect;

  constructor(scope: Construct, id: string, props: TransitStackProps) {
    super(scope, id, props);
    CrossStackReferences.of(this).consume(ReferenceStrength.WEAK);
    const { config, region } = props;
    const account = config.accountId;
    const onPremises = config.network.transit.onPremises;
    const base = regionalStackName(config.name, region.name);

    for (const request of props.requests ?? []) {
      this.peerings[request.region] = new TransitPeering(this, `Peering-${request.region}`, {
        transitGatewayId: props.transitGatewayId,
        routeTableId: props.routeTableId,
        peerRegion: request.region,
        peerAccountId: account,
        peerTransitGatewayId: request.transitGatewayId,
        cidrs: request.cidrs,
        name: `${base}-to-${request.region}`,
      });
      new CfnOutput(this, `PeeringAttachmentId-${request.region}`, { value: this.peerings[request.region].ready.attachmentId, description: `Transit Gateway peering with ${request.region}` });
    }
    (props.accepted ?? []).forEach((peering, i) => {
      this.accepted.push(new TransitRoutes(this, `Accepted${i + 1}`, { routeTableId: props.routeTableId, attachmentId: peering.attachmentId, cidrs: peering.cidrs }));
    });

    if (onPremises?.directConnectGatewayId) {
      this.directConnect = new TransitDirectConnect(this, 'DirectConnect', {
        transitGatewayId: props.transitGatewayId,
        routeTableId: props.routeTableId,
        directConnectGatewayId: onPremises.directConnectGatewayId,
        allowedPrefixes: [region.vpcCidr],
        cidrs: onPremises.cidrs,
        account,
      });
    }
    if (onPremises?.vpn && props.vpn) {
      this.vpn = new TransitVpn(this, 'Vpn', {
        transitGatewayId: props.transitGatewayId,
        routeTableId: props.routeTableId,
        customerGatewayIp: onPremises.vpn.customerGatewayIp,
        bgpAsn: onPremises.vpn.bgpAsn,
        // Direct Connect carries the on-premises CIDRs when there is one (one static route per CIDR).
        cidrs: onPremises.directConnectGatewayId ? [] : onPremises.cidrs,
        account,
        name: `${base}-on-premises`,
      });
      new CfnOutput(this, 'VpnConnectionId', { value: this.vpn.connection.attrVpnConnectionId, description: 'Site-to-Site VPN to on premises (its tunnels: aws ec2 describe-vpn-connections)' });
    }
    for (const [k, v] of Object.entries(commonTags(config))) Tags.of(this).add(k, v);
  }
}
