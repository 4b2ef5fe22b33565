import { ArnFormat, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { PlatformConfig } from '../../config/schema';

/**
 * The log groups the CloudWatch Observability add-on writes (Fluent Bit: application, dataplane, host;
 * the CloudWatch agent: performance), under /aws/containerinsights/<cluster>/ (CloudWatch User Guide,
 * "Send logs to CloudWatch Logs" for Container Insights). On AL2023 nodes dataplane and host stay
 * empty (the same guide's note on the add-on); they are kept anyway, so that a change of AMI family
 * cannot bring back unbounded ones.
 */
export const CONTAINER_INSIGHTS_LOG_GROUPS = ['application', 'dataplane', 'host', 'performance'] as const;

/** The construct id aws-cdk-lib gives its log retention function, one per stack. */
const LOG_RETENTION_FUNCTION = 'LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a';

export interface PlatformLogRetentionProps {
  readonly config: PlatformConfig;
  /**
   * The stack's EKS cluster: its control-plane and Container Insights log groups are kept for the
   * configured days.
   * @default none (a stack without a cluster)
   */
  readonly clusterName?: string;
  /**
   * Canaries whose Lambda function logs are kept for `observability.functionLogRetentionDays`.
   * @default none
   */
  readonly canaries?: synthetics.Canary[];
}

/**
 * Retention for every log group the stack causes but does not create itself, each set deliberately
 * (the ones it creates, VPC flow logs and drill logs, carry their own):
 *
 * - Container Insights (application, dataplane, host, performance): observability.containerLogRetentionDays;
 * - the EKS control plane (/aws/eks/<cluster>/cluster: API, audit, authenticator, controller manager,
 *   scheduler): cluster.flowLogRetentionDays, the audit trail's period, as long as the network's;
 * - the Lambda functions libraries create (aws-cdk-lib's EKS providers and custom resources) and the
 *   canaries' functions (/aws/lambda/<function>): observability.functionLogRetentionDays.
 *
 * CloudWatch Logs creates these groups on first write with no expiry. They are not declared as
 * AWS::Logs::LogGroup resources: in an environment already deployed they exist, and CloudFormation
 * fails to create a resource whose name exists. aws-cdk-lib's LogRetention custom resource instead
 * creates a group if it is missing and sets its retention either way (its handler ignores
 * ResourceAlreadyExistsException), so the order against the add-on does not matter, and the writers
 * (Fluent Bit, the agent, Lambda, EKS) only create a group that is missing. On deletion the groups are
 * kept, as the stacks keep every log.
 *
 * Construct it last in its stack: it finds the functions that exist when it runs.
 */
export class PlatformLogRetention extends Construct {
  /** The log groups kept and for how many days, by name (some names are deploy-time tokens). */
  readonly retentionDays: Record<string, number> = {};

  constructor(scope: Construct, id: string, props: PlatformLogRetentionProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);
    // Ids from the construct's path in its stack, so that they name neither the environment nor the region.
    const idOf = (c: Construct) => c.node.path.slice(stack.node.path.length + 1).replace(/[^A-Za-z0-9]/g, '');
    const keep = (id: string, logGroupName: string, days: number) => {
      new logs.LogRetention(this, id, { logGroupName, retention: days as logs.RetentionDays });
      this.retentionDays[logGroupName] = days;
    };
    if (props.clusterName) {
      for (const group of CONTAINER_INSIGHTS_LOG_GROUPS) keep(`ContainerInsights-${group}`, `/aws/containerinsights/${props.clusterName}/${group}`, config.observability.containerLogRetentionDays);
      keep('ControlPlane', `/aws/eks/${props.clusterName}/cluster`, config.cluster.flowLogRetentionDays);
    }

    // A canary's function is named cwsyn-<canary name>-<canary id>, which for a long canary name would
    // exceed Lambda's 64 characters, and how Synthetics shortens it is not documented: the name is read
    // at deploy time instead. GetCanary's EngineArn is the function's ARN (Synthetics API reference,
    // Canary), arn:aws:lambda:<region>:<account>:function:<name>[:<version>].
    const canaryFunctions = (props.canaries ?? []).map((canary) => {
      // By its literal name (the canary's Ref would make the call a token), after the canary exists.
      const canaryName = (canary.node.defaultChild as synthetics.CfnCanary).name;
      const canaryArn = stack.formatArn({ service: 'synthetics', resource: 'canary', resourceName: canaryName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
      const engine = new cr.AwsCustomResource(this, `CanaryEngine-${idOf(canary)}`, {
        onCreate: getCanary(canaryName),
        onUpdate: getCanary(canaryName),
        installLatestAwsSdk: false,
        policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['synthetics:GetCanary'], resources: [canaryArn] })]),
      });
      engine.node.addDependency(canary);
      return { id: `Canary-${idOf(canary)}`, name: Fn.select(6, Fn.split(':', engine.getResponseField('Canary.EngineArn'))) };
    });

    // Library functions of this stack and its nested stacks (found after the canary lookups, whose
    // function is one of them) that log to the default group of their own name.
    const functions = stack.node
      .findAll()
      .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::Lambda::Function')
      .filter((fn) => !(fn instanceof lambda.CfnFunction && hasOwnLogGroup(fn)))
      .filter((fn) => !fn.node.path.includes(`/${LOG_RETENTION_FUNCTION}/`));
    for (const fn of functions) keep(`Function-${idOf(fn)}`, `/aws/lambda/${fn.ref}`, config.observability.functionLogRetentionDays);
    for (const canary of canaryFunctions) keep(canary.id, `/aws/lambda/${canary.name}`, config.observability.functionLogRetentionDays);
    // (The LogRetention function itself keeps its own logs one day: aws-cdk-lib's handler sets that.)
  }
}

function getCanary(canaryName: string): cr.AwsSdkCall {
  return { service: 'Synthetics', action: 'getCanary', parameters: { Name: canaryName }, physicalResourceId: cr.PhysicalResourceId.of(canaryName), outputPaths: ['Canary.EngineArn'] };
}

/** Whether a function names its log group itself (Lambda's LoggingConfig.LogGroup), which then carries its retention. */
function hasOwnLogGroup(fn: lambda.CfnFunction): boolean {
  const config = Stack.of(fn).resolve(fn.loggingConfig) as { logGroup?: unknown } | undefined;
  return config?.logGroup !== undefined;
}
