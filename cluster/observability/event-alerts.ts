import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { mediaBucketName } from '../../config/front-door';
import { PlatformConfig } from '../../config/schema';
import { subscribeOnCall } from './on-call';

/** Where operators read what each event means and what to do (sections of docs/operations.md). */
export const EVENT_RUNBOOKS = {
  databaseFailover: 'docs/operations.md#database-failover-events',
  redis: 'docs/operations.md#redis-events',
  backup: 'docs/operations.md#backup-failures',
} as const;

/**
 * Aurora DB cluster events that page (source type DB cluster, detail-type "RDS DB Cluster Event").
 * Amazon Aurora User Guide, "Amazon RDS event categories and event messages for Aurora", DB cluster
 * events (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Messages.html).
 */
export const DATABASE_FAILOVER_EVENT_IDS = {
  // Category "failover": a writer moved to another instance of the cluster (or could not).
  'RDS-EVENT-0069': 'Cluster failover failed, check the health of your cluster instances and try again.',
  'RDS-EVENT-0070': 'Promoting previous primary again: name.',
  'RDS-EVENT-0071': 'Completed failover to DB instance: name.',
  'RDS-EVENT-0072': 'Started same AZ failover to DB instance: name.',
  'RDS-EVENT-0073': 'Started cross AZ failover to DB instance: name.',
  // Category "global failover": the global database's primary moved to another region (or did not).
  // Switchover (planned, no data loss; formerly "managed planned failover"): started, finished,
  // cancelled, failed. The intermediate steps (0182-0184, 0423) are left out: the finish says it all.
  'RDS-EVENT-0181': 'Global switchover to DB cluster name in Region name started.',
  'RDS-EVENT-0185': 'Global switchover to DB cluster name in Region name finished.',
  'RDS-EVENT-0186': 'Global switchover to DB cluster name in Region name is cancelled.',
  'RDS-EVENT-0187': 'Global switchover to DB cluster name in Region name failed.',
  // Failover (unplanned, may lose the writes not yet replicated): completed, failed.
  'RDS-EVENT-0238': 'Global failover to DB cluster name in Region name completed.',
  'RDS-EVENT-0239': 'Global failover to DB cluster name in Region name failed.',
} as const;

/**
 * AWS Backup job states that page. AWS Backup Developer Guide, "Monitoring AWS Backup events using
 * Amazon EventBridge" (https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html): backup
 * and copy jobs report `detail.state`, restore jobs `detail.status` ("consistent with the AWS Backup
 * API"); the documented states are FAILED, ABORTED and EXPIRED for backup jobs, FAILED for copy and
 * restore jobs.
 */
export const BACKUP_FAILURES = {
  backup: { detailType: 'Backup Job State Change', field: 'state', values: ['FAILED', 'ABORTED', 'EXPIRED'], jobId: 'backupJobId' },
  copy: { detailType: 'Copy Job State Change', field: 'state', values: ['FAILED'], jobId: 'copyJobId' },
  restore: { detailType: 'Restore Job State Change', field: 'status', values: ['FAILED'], jobId: 'restoreJobId' },
} as const;

/**
 * ElastiCache notifications routine enough not to wake anyone (the daily snapshot above all); every
 * other one reaches on-call. Names from the ElastiCache User Guide, "Event Notifications and Amazon
 * SNS" (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ElastiCacheSNS.html). At most five:
 * "A filter policy can have a maximum of five keys" (SNS Developer Guide, "Filter policy constraints").
 */
export const ROUTINE_CACHE_EVENTS = ['ElastiCache:SnapshotComplete', 'ElastiCache:ServiceUpdateAvailableForNode', 'ElastiCache:CertificateRenewalComplete', 'ElastiCache:CacheClusterParametersChanged'];

/** The regional topic the environment's Redis replication groups name as their notification topic. */
export function cacheEventsTopicName(env: string): string {
  return `securecart-${env}-cache-events`;
}

export interface EventAlertsProps {
  readonly config: PlatformConfig;
  /** The region's alert topic, which the rules publish to. */
  readonly topic: sns.ITopic;
  /** The customer-managed key the topic is encrypted with. */
  readonly key: kms.IKey;
}

/**
 * Events of the data tier that page, in one region: Aurora failovers and global switchovers or
 * failovers of this environment's clusters, and failed AWS Backup jobs on this environment's data,
 * through EventBridge rules to the region's alert topic (rules and their targets share a region, so
 * each region has its own), each as a readable message with its runbook.
 *
 * ElastiCache is different: it sends EventBridge only serverless-cache events (Amazon EventBridge
 * events reference, "Amazon ElastiCache events": Cache Created, Snapshot Creation Failed, ...; no
 * failover), while a replication group's failovers and snapshot failures (ElastiCache:FailoverComplete,
 * ElastiCache:SnapshotFailed) go only to the SNS topic named in its NotificationTopicArn, which must be
 * unencrypted, in the same account and region, and allow publishing under aws:SourceOwner (ElastiCache
 * User Guide, "Event Notifications and Amazon SNS"). So this construct also makes that topic,
 * `securecart-<env>-cache-events`, subscribes on-call to it directly (SNS cannot rewrite a message:
 * these carry ElastiCache's own text). The replication group names it by a command run once per region
 * (docs/operations.md#redis-events), not through its ACK spec: elasticache-controller 1.8.0 sends
 * notificationTopicARN on create only and never on a change (sdk.go:91, hooks.go:596-649).
 */
export class EventAlerts extends Construct {
  readonly rules: events.Rule[] = [];
  /** The unencrypted topic ElastiCache notifications go to (replication groups name it). */
  readonly cacheEventsTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: EventAlertsProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);
    const env = config.name;
    // Config regions are all in the aws partition (config/schema.ts), so ARNs are literal.
    const arn = (service: string, resource: string) => `arn:aws:${service}:${stack.region}:${config.accountId}:${resource}`;
    const rule = (id: string, name: string, description: string, eventPattern: events.EventPattern, message: PlainTextInput) => {
      const r = new events.Rule(this, id, { ruleName: `securecart-${env}-${name}`, description, eventPattern });
      r.addTarget(new TopicTarget(props.topic, message));
      this.rules.push(r);
      return r;
    };

    // Aurora: the environment's clusters (securecart-<env>-<db>-<region>, charts/data-chart.ts) by
    // their ARN. The Aurora User Guide's example of a DB cluster event ("Overview of events for Aurora",
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-cloudwatch-events.sample.html)
    // has detail.EventID, detail.SourceArn = arn:aws:rds:<region>:<account>:cluster:<name> and
    // detail.SourceIdentifier = "rds:<name>", while events seen in accounts carry the bare name there:
    // the prefix match is on SourceArn, the same in both. (EventBridge events reference, "Amazon
    // Relational Database Service events": detail-type "RDS DB Cluster Event".)
    rule(
      'DatabaseFailover',
      'database-failover',
      `SecureCart ${env}: Aurora failovers and global switchovers or failovers of this environment's clusters`,
      {
        source: ['aws.rds'],
        detailType: ['RDS DB Cluster Event'],
        detail: { EventID: Object.keys(DATABASE_FAILOVER_EVENT_IDS), SourceArn: events.Match.prefix(arn('rds', `cluster:securecart-${env}-`)) },
      },
      new PlainTextInput(
        { message: '$.detail.Message', eventId: '$.detail.EventID', cluster: '$.detail.SourceIdentifier', time: '$.time', region: '$.region' },
        `SecureCart ${env} <region>: <message> (<eventId>, Aurora cluster <cluster>, at <time>). Runbook: ${EVENT_RUNBOOKS.databaseFailover}`,
      ),
    );

    // AWS Backup: the platform's own plans (cluster/data-protection), and any account or organization
    // plan protecting the same data: failures on this environment's clusters, table
    // (securecart-<env>-carts, cluster/naming.ts) and media bucket page. A failed
    // restore's event carries no resource ARN (the documented example has resourceType only), so
    // failed restores of the data's kinds are matched.
    // S3 ARNs carry no region or account: the media buckets' names do (config/front-door.ts mediaBucketName).
    const data = [arn('rds', `cluster:securecart-${env}-`), arn('dynamodb', `table/securecart-${env}-`), `arn:aws:s3:::${mediaBucketName(env, config.accountId, stack.region)}`];
    for (const [kind, f] of Object.entries(BACKUP_FAILURES)) {
      const subject = kind === 'restore' ? { resourceType: ['Aurora', 'DynamoDB'] } : { resourceArn: events.Match.anyOf(...data.map((p) => events.Match.prefix(p))) };
      rule(
        `${capitalize(kind)}JobFailed`,
        `${kind}-job-failed`,
        `SecureCart ${env}: AWS Backup ${kind} jobs of this environment's data that fail`,
        { source: ['aws.backup'], detailType: [f.detailType], detail: { [f.field]: [...f.values], ...subject } },
        new PlainTextInput(
          { state: `$.detail.${f.field}`, job: `$.detail.${f.jobId}`, resource: kind === 'restore' ? '$.detail.resourceType' : '$.detail.resourceArn', reason: '$.detail.statusMessage', time: '$.time', region: '$.region' },
          `SecureCart ${env} <region>: AWS Backup ${kind} job <job> of <resource> is <state>: <reason> (at <time>). Runbook: ${EVENT_RUNBOOKS.backup}`,
        ),
      );
    }

    // EventBridge publishes as events.amazonaws.com, only from these rules (EventBridge User Guide,
    // "Using resource-based policies for Amazon EventBridge", Amazon SNS permissions).
    props.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgeRules',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [props.topic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.rules.map((r) => r.ruleArn) } },
      }),
    );
    // The topic's key must let EventBridge encrypt the messages (SNS Developer Guide, "Enable
    // compatibility between event sources from AWS services and encrypted topics"). Without source
    // conditions on purpose: the same guide says aws:SourceAccount and aws:SourceArn in a KMS key policy
    // are not supported for EventBridge-to-encrypted topics (the request carries neither, so every
    // message would be dropped). The topic policy above is the gate: no other rule, and no other
    // account, can publish to the topic, so EventBridge never uses the key for anything else here.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgeRulesPublish',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    // ElastiCache's notification topic: unencrypted (ElastiCache cannot publish to an encrypted topic:
    // it marks the topic inactive) and published to under aws:SourceOwner, as ElastiCache requires.
    // The messages hold event names and cache node ids only.
    this.cacheEventsTopic = new sns.Topic(this, 'CacheEventsTopic', { topicName: cacheEventsTopicName(env), displayName: `SecureCart ${env} ${stack.region} Redis events`, enforceSSL: true });
    this.cacheEventsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ElastiCacheNotifications',
        principals: [new iam.AnyPrincipal()],
        actions: ['sns:Publish'],
        resources: [this.cacheEventsTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceOwner': config.accountId } },
      }),
    );
    // Each notification is a JSON object keyed by the event name, e.g. {"ElastiCache:FailoverComplete":
    // "securecart-prod-checkout-0001-002"}: routine ones are filtered out by key.
    subscribeOnCall(this.cacheEventsTopic, config.observability.alerts, {
      filterPolicyWithMessageBody: Object.fromEntries(ROUTINE_CACHE_EVENTS.map((name) => [name, sns.FilterOrPolicy.filter(sns.SubscriptionFilter.notExistsFilter())])),
    });
    new CfnOutput(stack, 'CacheEventsTopicArn', { value: this.cacheEventsTopic.topicArn, description: `Redis replication groups' spec.notificationTopicARN; runbook ${EVENT_RUNBOOKS.redis}` });
  }
}

const capitalize = (s: string) => s[0].toUpperCase() + s.slice(1);

/**
 * A rule's message as plain text with placeholders (an input transformer whose template is not JSON:
 * EventBridge API reference, InputTransformer), so e-mail and SMS show a sentence, not a quoted string
 * as RuleTargetInput.fromText would give.
 */
class PlainTextInput extends events.RuleTargetInput {
  constructor(
    readonly paths: Record<string, string>,
    readonly template: string,
  ) {
    super();
  }

  bind(): events.RuleTargetInputProperties {
    return { inputPathsMap: this.paths, inputTemplate: this.template };
  }
}

/**
 * The topic as a rule target, without the unconditioned grants aws-cdk-lib's SnsTopic target adds
 * (sns:Publish and the key to events.amazonaws.com for any rule): EventAlerts grants both itself.
 */
class TopicTarget implements events.IRuleTarget {
  constructor(
    private readonly topic: sns.ITopic,
    private readonly message: events.RuleTargetInput,
  ) {}

  bind(): events.RuleTargetConfig {
    return { arn: this.topic.topicArn, input: this.message };
  }
}
