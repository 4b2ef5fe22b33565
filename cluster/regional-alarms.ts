import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as observabilityadmin from 'aws-cdk-lib/aws-observabilityadmin';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PlatformConfig } from '../config/schema';
import { EventAlerts } from './observability/event-alerts';
import { allowAlarmsToPublish, subscribeOnCall } from './observability/on-call';

export interface RegionalAlarmsProps {
  readonly config: PlatformConfig;
  /** The tags the environment's ALBs carry (the edge chart's), which select their metrics. */
  readonly albTags: Record<string, string>;
  /**
   * 5xx responses per minute, over the region's ALBs, that raise the alarm (3 minutes in a row).
   * @default 50
   */
  readonly fiveXxPerMinute?: number;
}

/**
 * Alarms on the region's ALB errors, to a regional topic (CloudWatch alarm actions cannot cross
 * regions). The ALB is created at run time by the load balancer controller, so its id is unknown here:
 * a CloudWatch Metrics Insights query selects this environment's ALBs by the tags the edge chart puts
 * on them (`WHERE tag.<key> = '<value>'`, Metrics Insights query syntax), so another environment's
 * errors in the same account and region never page this one. Tag filters need CloudWatch's "resource
 * tags for telemetry" (one per account and region), which the stack enables unless told another stack
 * of the account already did.
 */
export class RegionalAlarms extends Construct {
  readonly topic: sns.Topic;
  /** The topic's key (whoever publishes needs to use it). */
  readonly topicKey: kms.Key;
  readonly alarms: cloudwatch.Alarm[];
  /** Nodes of the cluster not ready: a node, or a zone, lost (also in `alarms`). */
  readonly nodesNotReady: cloudwatch.Alarm;
  /** The alarms customers feel: the ALB's and the ui's 5xx responses (also in `alarms`). */
  readonly customerAlarms: cloudwatch.Alarm[];
  /** The data tier's events that page (database failovers, failed backups) and Redis's notification topic. */
  readonly events: EventAlerts;

  constructor(scope: Construct, id: string, props: RegionalAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = (this.topicKey = new kms.Key(this, 'TopicKey', { enableKeyRotation: true, description: `SecureCart ${props.config.name} ${stack.region} alarm topic` }));
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': props.config.accountId } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { displayName: `SecureCart ${props.config.name} ${stack.region} alarms`, masterKey: key, enforceSSL: true });
    // Alarm actions cannot cross regions: on-call subscribes to each region's topic (and the health stack's).
    subscribeOnCall(this.topic, props.config.observability.alerts);
    allowAlarmsToPublish(this.topic, props.config.accountId);

    if (props.config.cluster.enableResourceTagsForTelemetry) {
      // Kept on delete: removing it would turn the feature off for every stack of the account.
      new observabilityadmin.CfnTelemetryEnrichment(this, 'ResourceTagsForTelemetry', { scope: 'ACCOUNT' }).applyRemovalPolicy(RemovalPolicy.RETAIN);
    }
    const where = Object.entries(props.albTags)
      .map(([key, value]) => `tag.${key} = '${value}'`)
      .join(' AND ');
    // Every alarm here: above its threshold for 3 minutes, quiet without data, to and from the topic.
    const alarmAbove = (id: string, description: string, metric: cloudwatch.IMetric, threshold: number) => {
      const alarm = new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new actions.SnsAction(this.topic));
      alarm.addOkAction(new actions.SnsAction(this.topic));
      return alarm;
    };

    const threshold = props.fiveXxPerMinute ?? 50;
    const fiveXx = (id: string, metric: string, who: string) =>
      alarmAbove(
        id,
        `SecureCart ${props.config.name} ${stack.region}: more than ${threshold} ${who} 5xx responses per minute for 3 minutes. Runbook: docs/operations.md#5xx-responses`,
        new cloudwatch.MathExpression({ expression: `SELECT SUM(${metric}) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer) WHERE ${where}`, period: Duration.minutes(1), label: `${who} 5xx`, usingMetrics: {} }),
        threshold,
      );
    this.customerAlarms = [fiveXx('AlbFiveXx', 'HTTPCode_ELB_5XX_Count', 'ALB'), fiveXx('TargetFiveXx', 'HTTPCode_Target_5XX_Count', 'ui (target)')];
    this.alarms = [...this.customerAlarms];

    // Replication to this region's databases, in milliseconds, reported for a cluster while it is a
    // secondary (no data while it is the primary). orders: the RPO lag that rds.global_db_rpo bounds;
    // catalog: Aurora MySQL has no bound, its replication lag is watched instead.
    const { replicationLagAlarmSeconds, ordersRpoBoundSeconds } = props.config.data;
    const lag = (id: string, db: 'orders' | 'catalog', metricName: string, what: string) => {
      const cluster = `securecart-${props.config.name}-${db}-${stack.region}`;
      const blocks = db === 'orders' && ordersRpoBoundSeconds !== null ? ` (order commits block at ${ordersRpoBoundSeconds} s)` : '';
      return alarmAbove(
        id,
        `SecureCart ${props.config.name}: ${what} of ${cluster} above ${replicationLagAlarmSeconds} s for 3 minutes${blocks}. Runbook: docs/operations.md#replication-lag`,
        new cloudwatch.Metric({ namespace: 'AWS/RDS', metricName, dimensionsMap: { DBClusterIdentifier: cluster }, statistic: 'Maximum', period: Duration.minutes(1) }),
        replicationLagAlarmSeconds * 1000,
      );
    };
    this.alarms.push(lag('OrdersRpoLag', 'orders', 'AuroraGlobalDBRPOLag', 'the RPO lag'), lag('CatalogReplicationLag', 'catalog', 'AuroraGlobalDBReplicationLag', 'the replication lag'));

    // A node that stops reporting: the first sign of a lost zone, and the page that starts its evacuation
    // (Karpenter keeps launching into a zone its NodePools list: resilience/zone-loss.ts). Container
    // Insights' cluster_failed_node_count counts nodes with a failing condition (CloudWatch User Guide,
    // "Amazon EKS and Kubernetes Container Insights metrics"); a NotReady node is one 50 s after it falls silent.
    const cluster = `securecart-${props.config.name}-${stack.region}`;
    this.nodesNotReady = new cloudwatch.Alarm(this, 'NodesNotReady', {
      alarmDescription: `SecureCart ${props.config.name} ${stack.region}: nodes of ${cluster} not ready for 2 minutes. If they share a zone, it may be lost. Runbook: docs/operations.md#a-zone-degrades`,
      metric: new cloudwatch.Metric({ namespace: 'ContainerInsights', metricName: 'cluster_failed_node_count', dimensionsMap: { ClusterName: cluster }, statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.nodesNotReady.addAlarmAction(new actions.SnsAction(this.topic));
    this.nodesNotReady.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(this.nodesNotReady);
    this.events = new EventAlerts(this, 'Events', { config: props.config, topic: this.topic, key });
    new CfnOutput(stack, 'AlarmTopicArn', { value: this.topic.topicArn });
  }
}
