import { ArnFormat, CfnOutput, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DRILL_SCENARIOS, DRILL_TAGS, DrillScenario, drillOutputKey } from '../../config/drills';

/** FIS allows at most 5 stop conditions per experiment template (Service Quotas, fis). */
export const MAX_STOP_CONDITIONS = 5;

export interface DrillExperimentProps {
  /** The drill this template belongs to (config/drills.ts). */
  readonly scenario: DrillScenario;
  /**
   * The Availability Zone the template impairs.
   * @default - none: only per-zone scenarios name a zone
   */
  readonly zone?: string;
  /** What the experiment does, shown by FIS (at most 512 characters). */
  readonly description: string;
  /** The experiment's targets, by name. */
  readonly targets: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateTargetProperty>;
  /** The experiment's actions, by name; each names its targets. */
  readonly actions: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateActionProperty>;
  /** What the experiment role may do besides logging: exactly what the actions need. */
  readonly statements: iam.PolicyStatement[];
  /** CloudWatch alarms that stop the experiment when they fire (1 to 5). */
  readonly stopAlarms: cloudwatch.IAlarm[];
  /** The log group FIS writes the experiment's log to. */
  readonly logGroup: logs.ILogGroup;
}

/**
 * One FIS experiment template with a role of its own: trusted by FIS for this account's experiments
 * in this region only, allowed exactly the statements given plus log delivery, stopped by the given
 * alarms, logging to the given group (schema 2), and its id published as a stack output under
 * `drillOutputKey(scenario, zone)`.
 *
 * aws-cdk-lib 2.261 has only the L1 `CfnExperimentTemplate` for FIS (no L2), so the CloudFormation
 * shape is written here; note its `cloudWatchLogsConfiguration` is typed `any` and passed through
 * unchanged, so it takes CloudFormation's PascalCase `LogGroupArn`.
 */
export class DrillExperiment extends Construct {
  readonly role: iam.Role;
  readonly template: fis.CfnExperimentTemplate;
  readonly outputKey: string;

  constructor(scope: Construct, id: string, props: DrillExperimentProps) {
    super(scope, id);
    const stack = Stack.of(this);
    validate(props);
    this.outputKey = drillOutputKey(props.scenario, props.zone);
    const name = `${stack.stackName}-${props.scenario}${props.zone ? `-${props.zone}` : ''}`;

    // Path "/": aws-auth role mappings must not carry a path segment (FIS User Guide, EKS pod actions).
    this.role = new iam.Role(this, 'Role', {
      description: `FIS experiment role of ${name}`,
      assumedBy: new iam.ServicePrincipal('fis.amazonaws.com').withConditions({
        // Confused-deputy protection recommended by the FIS User Guide (getting-started-iam-service-role).
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'fis', resource: 'experiment', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }) },
      }),
    });
    for (const s of [...props.statements, ...logDeliveryStatements()]) this.role.addToPolicy(s);

    this.template = new fis.CfnExperimentTemplate(this, 'Template', {
      description: props.description,
      roleArn: this.role.roleArn,
      targets: props.targets,
      actions: props.actions,
      stopConditions: props.stopAlarms.map((a) => ({ source: 'aws:cloudwatch:alarm', value: a.alarmArn })),
      experimentOptions: {
        accountTargeting: 'single-account',
        // Actions whose tag-selected targets resolve to nothing are skipped, as in AWS's own scenario;
        // targets given by ARN (the Karpenter role, the subnets) can never be skipped (experiment-options).
        emptyTargetResolutionMode: 'skip',
      },
      logConfiguration: { logSchemaVersion: 2, cloudWatchLogsConfiguration: { LogGroupArn: props.logGroup.logGroupArn } },
      // CloudFormation requires Tags (schema) and replaces the template when they change (create-only).
      tags: { Name: name, [DRILL_TAGS.scenario]: props.scenario, ...(props.zone ? { [DRILL_TAGS.zone]: props.zone } : {}) },
    });
    // The role's policy must exist before FIS validates the template against it.
    this.template.node.addDependency(this.role);

    new CfnOutput(stack, this.outputKey, { value: this.template.ref, description: `FIS experiment template: ${props.scenario}${props.zone ? ` in ${props.zone}` : ''}` });
  }
}

function validate(props: DrillExperimentProps): void {
  const where = `drill ${props.scenario}${props.zone ? ` in ${props.zone}` : ''}`;
  if (!DRILL_SCENARIOS[props.scenario]) throw new Error(`${where}: unknown scenario`);
  if (props.stopAlarms.length < 1 || props.stopAlarms.length > MAX_STOP_CONDITIONS) {
    throw new Error(`${where}: ${props.stopAlarms.length} stop alarms given, FIS takes 1 to ${MAX_STOP_CONDITIONS}`);
  }
  if (props.description.length > 512) throw new Error(`${where}: description of ${props.description.length} characters, FIS takes at most 512`);
  const used = new Set<string>();
  for (const [name, action] of Object.entries(props.actions)) {
    if (!/^\S{1,64}$/.test(name)) throw new Error(`${where}: action name "${name}" must be 1 to 64 characters without spaces`);
    for (const target of Object.values(action.targets ?? {}) as string[]) {
      if (!(target in props.targets)) throw new Error(`${where}: action "${name}" names target "${target}", which the template does not define`);
      used.add(target);
    }
  }
  const unused = Object.keys(props.targets).filter((t) => !used.has(t));
  if (unused.length) throw new Error(`${where}: target(s) ${unused.map((t) => `"${t}"`).join(', ')} are used by no action`);
}

/**
 * Delivering the experiment log to CloudWatch Logs (vended logs): the permissions the CloudWatch Logs
 * User Guide lists for setting up log delivery (AWS-logs-infrastructure-CWL.html), as AWS Resilience
 * Hub gives its FIS experiment roles. None of these actions has a resource type in the Service
 * Authorization Reference (Amazon CloudWatch Logs), so they can only be granted on '*'.
 */
export function logDeliveryStatements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ExperimentLogDelivery',
      actions: ['logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ExperimentLogGroupPolicy',
      actions: ['logs:DescribeLogGroups', 'logs:DescribeResourcePolicies', 'logs:PutResourcePolicy'],
      resources: ['*'],
    }),
  ];
}
