import { CustomResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TransitAttachmentProvider } from './transit-attachment-provider';

export interface TransitAttachmentReadyProps {
  /**
   * The region the attachment is read (and accepted) in.
   * @default the stack's region
   */
  readonly region?: string;
  /**
   * The attachment, when its id is known (a peering attachment). Otherwise give `transitGatewayId`,
   * `resourceType` and `resourceId`.
   * @default found by its gateway and resource
   */
  readonly attachmentId?: string;
  /**
   * The gateway of an attachment whose id CloudFormation does not return (VPN, Direct Connect gateway).
   * @default none: `attachmentId` is given
   */
  readonly transitGatewayId?: string;
  /**
   * The attachment's resource type as EC2 names it: `vpn` or `direct-connect-gateway`.
   * @default none: `attachmentId` is given
   */
  readonly resourceType?: 'vpn' | 'direct-connect-gateway';
  /**
   * The attached resource: the VPN connection id or the Direct Connect gateway id.
   * @default none: `attachmentId` is given
   */
  readonly resourceId?: string;
  /**
   * Accept the attachment (a peering request) in `region` while it is pendingAcceptance. The handlers'
   * role may then accept this attachment only (its ARN).
   * @default false
   */
  readonly acceptPeering?: boolean;
  /** The account that owns the attachment in `region` (for the accept permission's ARN). */
  readonly account: string;
}

/**
 * Completes once a Transit Gateway attachment is `available`, having accepted it if asked: what its
 * routes and route-table association need (both fail while it is pendingAcceptance or pending:
 * https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering-add-route.html). `attachmentId` is the
 * attachment's id, also for the VPN and Direct Connect gateway attachments, whose ids CloudFormation's
 * AWS::EC2::VPNConnection and AWS::DirectConnect::DirectConnectGatewayAssociation do not return.
 */
export class TransitAttachmentReady extends Construct {
  readonly resource: CustomResource;
  /** The attachment's id, once available. */
  readonly attachmentId: string;

  constructor(scope: Construct, id: string, props: TransitAttachmentReadyProps) {
    super(scope, id);
    if (!props.attachmentId && !(props.transitGatewayId && props.resourceType && props.resourceId)) {
      throw new Error(`transit attachment ${id}: give attachmentId, or transitGatewayId, resourceType and resourceId`);
    }
    if (props.acceptPeering && !props.attachmentId) throw new Error(`transit attachment ${id}: acceptPeering needs the peering attachment's id`);
    const region = props.region ?? Stack.of(this).region;
    const provider = TransitAttachmentProvider.of(this);
    if (props.acceptPeering) {
      // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AcceptTransitGatewayPeeringAttachment.html
      // Resource type transit-gateway-attachment: arn:${Partition}:ec2:${Region}:${Account}:transit-gateway-attachment/${Id}
      // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
      provider.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['ec2:AcceptTransitGatewayPeeringAttachment'],
          resources: [`arn:aws:ec2:${region}:${props.account}:transit-gateway-attachment/${props.attachmentId}`],
        }),
      );
    }
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::TransitAttachmentReady',
      properties: {
        Region: region,
        AttachmentId: props.attachmentId,
        TransitGatewayId: props.transitGatewayId,
        ResourceType: props.resourceType,
        ResourceId: props.resourceId,
        AcceptPeering: String(props.acceptPeering ?? false),
      },
    });
    // The accept permission must exist before the handler tries to accept.
    this.resource.node.addDependency(provider.role);
    this.attachmentId = this.resource.getAttString('AttachmentId');
  }
}
