import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { logGroupKey } from '../log-group-key';

/**
 * The handlers, inline (no asset, no bundling at synth). The SDK for JavaScript v3 ships with the
 * Node.js runtimes (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html).
 *
 * onEvent names the resource and does nothing else: the work is in isComplete, which the provider
 * framework calls every `queryInterval` until it answers IsComplete or `totalTimeout` passes
 * (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html#asynchronous-providers-iscomplete).
 * isComplete finds the attachment, accepts it when asked to and it is pendingAcceptance (a peering is
 * never auto-accepted, even in one account: https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering-accept-reject.html;
 * the accepter right after the request may not see it yet, hence accepting here and not in onEvent),
 * and answers complete once it is `available`: routes and associations over an attachment in any
 * other state fail with IncorrectState. Deleting the custom resource leaves the attachment to its owner
 * (the peering attachment resource, the VPN connection, the Direct Connect association).
 */
const HANDLER = `
const { EC2Client, DescribeTransitGatewayAttachmentsCommand, AcceptTransitGatewayPeeringAttachmentCommand } = require('@aws-sdk/client-ec2');
const GONE = ['failed', 'failing', 'rejected', 'rejecting', 'deleted', 'deleting'];
function physicalId(p) {
  return p.AttachmentId || [p.TransitGatewayId, p.ResourceType, p.ResourceId].join('/');
}
exports.onEvent = async (event) => {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  return { PhysicalResourceId: physicalId(event.ResourceProperties) };
};
exports.isComplete = async (event) => {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  const p = event.ResourceProperties;
  const ec2 = new EC2Client({ region: p.Region });
  const Filters = p.AttachmentId
    ? [{ Name: 'transit-gateway-attachment-id', Values: [p.AttachmentId] }]
    : [
        { Name: 'transit-gateway-id', Values: [p.TransitGatewayId] },
        { Name: 'resource-type', Values: [p.ResourceType] },
        { Name: 'resource-id', Values: [p.ResourceId] },
      ];
  const found = (await ec2.send(new DescribeTransitGatewayAttachmentsCommand({ Filters }))).TransitGatewayAttachments || [];
  const live = found.filter((a) => !GONE.includes(a.State));
  if (live.length === 0) {
    if (found.length > 0) throw new Error('attachment ' + physicalId(p) + ' is ' + found.map((a) => a.State).join(', '));
    console.log('not visible yet: ' + physicalId(p));
    return { IsComplete: false };
  }
  const a = live[0];
  console.log(a.TransitGatewayAttachmentId + ' is ' + a.State);
  if (a.State === 'pendingAcceptance' && p.AcceptPeering === 'true') {
    await ec2.send(new AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: a.TransitGatewayAttachmentId }));
    return { IsComplete: false };
  }
  if (a.State !== 'available') return { IsComplete: false };
  return { IsComplete: true, Data: { AttachmentId: a.TransitGatewayAttachmentId } };
};
`;

export interface TransitAttachmentProviderProps {
  /**
   * How long an attachment may take to become available (peering acceptance takes minutes).
   * @default 30 minutes
   */
  readonly totalTimeout?: Duration;
  /**
   * How often the attachment's state is read.
   * @default 20 seconds
   */
  readonly queryInterval?: Duration;
  /**
   * Days to keep the handlers' logs.
   * @default a year
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The provider (aws-cdk-lib's provider framework, asynchronous) behind TransitAttachmentReady: one per
 * stack, with one role that its users widen by exactly what they need (`role`).
 */
export class TransitAttachmentProvider extends Construct {
  /** The stack's provider, created on first use. */
  static of(scope: Construct): TransitAttachmentProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID);
    return existing instanceof TransitAttachmentProvider ? existing : new TransitAttachmentProvider(stack, PROVIDER_ID);
  }

  /** The role of both handlers: reads attachments; users add the accept on their attachment. */
  readonly role: iam.Role;
  readonly serviceToken: string;

  constructor(scope: Construct, id: string, props: TransitAttachmentProviderProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
      encryptionKey: logGroupKey(this, 'LogsKey', `Transit attachment waiter logs of ${stack.stackName}`),
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Waits for Transit Gateway attachments to be available (and accepts this stack\'s peering requests)',
    });
    logGroup.grantWrite(this.role);
    // DescribeTransitGatewayAttachments has no resource-level permissions (Service Authorization
    // Reference, Amazon EC2: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
    this.role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadAttachments', actions: ['ec2:DescribeTransitGatewayAttachments'], resources: ['*'] }));
    const handler = (name: string, entry: string) =>
      new lambda.Function(this, name, {
        description: `Transit Gateway attachment ${entry} (${stack.stackName})`,
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: `index.${entry}`,
        code: lambda.Code.fromInline(HANDLER),
        timeout: Duration.minutes(1),
        memorySize: 256,
        role: this.role,
        logGroup,
      });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: handler('OnEvent', 'onEvent'),
      isCompleteHandler: handler('IsComplete', 'isComplete'),
      queryInterval: props.queryInterval ?? Duration.seconds(20),
      totalTimeout: props.totalTimeout ?? Duration.minutes(30),
      logGroup,
      // The waiter's every step in the log (aws-cdk-lib leaves it unlogged unless told).
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.serviceToken = provider.serviceToken;
  }
}

const PROVIDER_ID = 'TransitAttachmentProvider';
