import * as dx from 'aws-cdk-lib/aws-directconnect';
import { Construct } from 'constructs';
import { TransitAttachmentReady } from './transit-attachment-ready';
import { TransitRoutes } from './transit-routes';

export interface TransitDirectConnectProps {
  /** This region's Transit Gateway. */
  readonly transitGatewayId: string;
  /** Its route table. */
  readonly routeTableId: string;
  /** The existing Direct Connect gateway. */
  readonly directConnectGatewayId: string;
  /** What the association advertises to on premises: this region's VPC CIDR. */
  readonly allowedPrefixes: string[];
  /** The on-premises CIDRs routed to the Direct Connect gateway. */
  readonly cidrs: string[];
  /** The account (for the attachment lookup). */
  readonly account: string;
}

/**
 * This region's Transit Gateway associated with an existing Direct Connect gateway (same account, so no
 * proposal to accept), advertising only the region's VPC CIDR. The association creates a
 * direct-connect-gateway attachment on the Transit Gateway, which CloudFormation does not return: it is
 * found once available, associated with the route table, and the on-premises CIDRs are static routes to it.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-directconnect-directconnectgatewayassociation.html
 * https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-transit-gateways.html
 * (allowed prefixes: https://docs.aws.amazon.com/directconnect/latest/UserGuide/allowed-to-prefixes.html)
 */
export class TransitDirectConnect extends Construct {
  readonly association: dx.CfnDirectConnectGatewayAssociation;
  readonly ready: TransitAttachmentReady;
  readonly routes: TransitRoutes;

  constructor(scope: Construct, id: string, props: TransitDirectConnectProps) {
    super(scope, id);
    this.association = new dx.CfnDirectConnectGatewayAssociation(this, 'Association', {
      directConnectGatewayId: props.directConnectGatewayId,
      associatedGatewayId: props.transitGatewayId,
      allowedPrefixesToDirectConnectGateway: props.allowedPrefixes,
    });
    this.ready = new TransitAttachmentReady(this, 'Attachment', {
      account: props.account,
      transitGatewayId: props.transitGatewayId,
      resourceType: 'direct-connect-gateway',
      resourceId: props.directConnectGatewayId,
    });
    this.ready.node.addDependency(this.association);
    this.routes = new TransitRoutes(this, 'Routes', { routeTableId: props.routeTableId, attachmentId: this.ready.attachmentId, cidrs: props.cidrs });
  }
}
