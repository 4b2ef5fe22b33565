import { Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { TransitAttachmentReady } from './transit-attachment-ready';
import { TransitRoutes } from './transit-routes';

export interface TransitVpnProps {
  /** The home region's Transit Gateway. */
  readonly transitGatewayId: string;
  /** Its route table. */
  readonly routeTableId: string;
  /** The public IPv4 address of the on-premises VPN device. */
  readonly customerGatewayIp: string;
  /** The on-premises BGP ASN. */
  readonly bgpAsn: number;
  /**
   * The on-premises CIDRs routed to the VPN. Empty when another link (Direct Connect) carries them: the
   * VPN is then associated (what arrives on it is routed) but nothing is sent to it.
   */
  readonly cidrs: string[];
  /** The account (for the attachment lookup). */
  readonly account: string;
  /** Name tag. */
  readonly name: string;
}

/**
 * A Site-to-Site VPN from the on-premises device to the home region's Transit Gateway, with BGP
 * (dynamic routing; the tunnels' options are AWS's defaults: pre-shared keys AWS generates, IKEv1/v2).
 * https://docs.aws.amazon.com/vpn/latest/s2svpn/create-tgw-vpn-attachment.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpnconnection.html
 *
 * The gateway's side routes statically: the VPN's attachment (found once available: the VPN connection
 * resource does not return it) is associated with the route table and the on-premises CIDRs are static
 * routes to it, so whatever the on-premises side advertises over BGP is never propagated into the table.
 */
export class TransitVpn extends Construct {
  readonly customerGateway: ec2.CfnCustomerGateway;
  readonly connection: ec2.CfnVPNConnection;
  readonly ready: TransitAttachmentReady;
  readonly routes: TransitRoutes;

  constructor(scope: Construct, id: string, props: TransitVpnProps) {
    super(scope, id);
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-customergateway.html
    this.customerGateway = new ec2.CfnCustomerGateway(this, 'CustomerGateway', { type: 'ipsec.1', ipAddress: props.customerGatewayIp, bgpAsn: props.bgpAsn });
    Tags.of(this.customerGateway).add('Name', props.name);
    this.connection = new ec2.CfnVPNConnection(this, 'Connection', {
      type: 'ipsec.1',
      customerGatewayId: this.customerGateway.attrCustomerGatewayId,
      transitGatewayId: props.transitGatewayId,
      staticRoutesOnly: false,
    });
    Tags.of(this.connection).add('Name', props.name);
    this.ready = new TransitAttachmentReady(this, 'Attachment', {
      account: props.account,
      transitGatewayId: props.transitGatewayId,
      resourceType: 'vpn',
      resourceId: this.connection.attrVpnConnectionId,
    });
    this.routes = new TransitRoutes(this, 'Routes', { routeTableId: props.routeTableId, attachmentId: this.ready.attachmentId, cidrs: props.cidrs });
  }
}
