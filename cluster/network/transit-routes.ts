import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IDependable } from 'constructs';
import { cidrId } from './transit-gateway';

export interface TransitRoutesProps {
  /** The region's Transit Gateway route table (RegionalTransitGateway.routeTable). */
  readonly routeTableId: string;
  /** The attachment (peering, VPN or Direct Connect gateway) to route through. */
  readonly attachmentId: string;
  /**
   * Associate the attachment with the route table, so that the traffic arriving on it is routed by it
   * (an attachment has exactly one association).
   * @default true
   */
  readonly associate?: boolean;
  /** The destinations sent to the attachment: static routes, nothing else. */
  readonly cidrs: string[];
  /**
   * What the association and routes must wait for (e.g. the attachment being `available`).
   * @default nothing
   */
  readonly after?: IDependable;
}

/**
 * Static routes through one attachment of a Transit Gateway, and its association with the gateway's
 * route table. Static on purpose: a peering attachment takes no propagation ("add a static route to the
 * transit gateway route table that points to the transit gateway peering attachment",
 * https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html), and for the on-premises links a static
 * route admits exactly the configured CIDRs whatever the on-premises side advertises
 * (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-create-static-route.html).
 */
export class TransitRoutes extends Construct {
  readonly routes: ec2.CfnTransitGatewayRoute[];
  readonly association?: ec2.CfnTransitGatewayRouteTableAssociation;

  constructor(scope: Construct, id: string, props: TransitRoutesProps) {
    super(scope, id);
    if (props.after) this.node.addDependency(props.after);
    if (props.associate ?? true) {
      this.association = new ec2.CfnTransitGatewayRouteTableAssociation(this, 'Association', {
        transitGatewayAttachmentId: props.attachmentId,
        transitGatewayRouteTableId: props.routeTableId,
      });
    }
    this.routes = props.cidrs.map(
      (cidr) =>
        new ec2.CfnTransitGatewayRoute(this, `To${cidrId(cidr)}`, {
          transitGatewayRouteTableId: props.routeTableId,
          destinationCidrBlock: cidr,
          transitGatewayAttachmentId: props.attachmentId,
        }),
    );
  }
}
