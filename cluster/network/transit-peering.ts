import { Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { TransitAttachmentReady } from './transit-attachment-ready';
import { TransitRoutes } from './transit-routes';

export interface TransitPeeringProps {
  /** The requester: this region's Transit Gateway. */
  readonly transitGatewayId: string;
  /** This region's Transit Gateway route table. */
  readonly routeTableId: string;
  /** The accepter's region. */
  readonly peerRegion: string;
  /** The accepter's account (this platform's: one account). */
  readonly peerAccountId: string;
  /** The accepter's Transit Gateway. */
  readonly peerTransitGatewayId: string;
  /** What this side sends over the peering: the peer's VPC CIDR (and on-premises CIDRs it reaches). */
  readonly cidrs: string[];
  /** Name tag of the attachment. */
  readonly name: string;
}

/**
 * The requester's side of an inter-region Transit Gateway peering: the request, its acceptance in the
 * peer region (CloudFormation has no accepter resource, and same-account requests are not auto-accepted:
 * https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering-accept-reject.html), then, once the attachment is
 * `available`, its association with this side's route table and the static routes over it
 * (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering-add-route.html). The accepter's association and
 * routes are in the peer region's transit stack, deployed after this one.
 */
export class TransitPeering extends Construct {
  readonly attachment: ec2.CfnTransitGatewayPeeringAttachment;
  readonly ready: TransitAttachmentReady;
  readonly routes: TransitRoutes;

  constructor(scope: Construct, id: string, props: TransitPeeringProps) {
    super(scope, id);
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-transitgatewaypeeringattachment.html
    this.attachment = new ec2.CfnTransitGatewayPeeringAttachment(this, 'Attachment', {
      transitGatewayId: props.transitGatewayId,
      peerTransitGatewayId: props.peerTransitGatewayId,
      peerRegion: props.peerRegion,
      peerAccountId: props.peerAccountId,
    });
    Tags.of(this.attachment).add('Name', props.name);
    // The attachment has the same id on both sides; the accepter accepts it in its own region.
    this.ready = new TransitAttachmentReady(this, 'Accept', {
      region: props.peerRegion,
      account: props.peerAccountId,
      attachmentId: this.attachment.attrTransitGatewayAttachmentId,
      acceptPeering: true,
    });
    this.routes = new TransitRoutes(this, 'Routes', {
      routeTableId: props.routeTableId,
      attachmentId: this.ready.attachmentId,
      cidrs: props.cidrs,
    });
  }
}
