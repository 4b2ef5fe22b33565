import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { healthCheckOutputKey } from '../config/outputs';
import { planHealthCheckId } from '../config/region-switch';
import { PlatformConfig } from '../config/schema';
import { publicHostname, publicShopperName, regionalHostname, shopperAlarmName, shopperEmail } from './naming';
import { AlertTopic } from './observability/alert-topic';
import { PlatformLogRetention } from './observability/log-retention';
import { allowAlarmsToPublish, subscribeOnCall } from './observability/on-call';
import { SloAlarms } from './observability/slo-alarms';
import { SyntheticShopper } from './synthetic-shopper';

/** Route 53 publishes health check metrics in us-east-1 only: alarms on them must live there. */
export const HEALTH_STACK_REGION = 'us-east-1';
// The front door's stack names these health checks: both in us-east-1 (config/front-door.ts).


export interface HealthStackProps extends StackProps {
  readonly config: PlatformConfig;
}

/**
 * Per region, the health that DNS failover follows: a calculated Route 53 check that is healthy only
 * while the region's own hostname shows the catalog (HTTPS check) and its synthetic shopper can buy
 * (alarm-based check); an alarm on each, and the SNS topic operators subscribe to. Deployed after the
 * regional stacks, whose shopper alarms it names.
 */
export class HealthStack extends Stack {
  readonly healthChecks: Record<string, route53.CfnHealthCheck> = {};
  /**
   * Healthy while at least one region can sell: what the global front door (distribution or
   * accelerator) is for. Shield Advanced's health-based detection follows it.
   */
  readonly shopHealthCheck: route53.CfnHealthCheck;
  readonly alarmTopic: sns.Topic;
  /** Per region, the alarm on its calculated health check (out of DNS). */
  readonly healthAlarms: cloudwatch.Alarm[] = [];
  /** The synthetic shopper on the public name, through the front door. */
  readonly publicShopper: SyntheticShopper;
  /** The SLO burn-rate alarms of the public shopper's journeys. */
  readonly publicSlo: SloAlarms;

  constructor(scope: Construct, id: string, props: HealthStackProps) {
    super(scope, id, props);
    const { config } = props;
    const hc = config.dns.healthCheck;

    // A customer-managed key, because CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key.
    const key = new kms.Key(this, 'AlarmTopicKey', { enableKeyRotation: true, description: 'SecureCart health alarm topic' });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': config.accountId } },
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: `SecureCart ${config.name} health`, masterKey: key, enforceSSL: true });
    // Alarms publish only to a topic of their own region: this one is us-east-1's, beside each region's.
    subscribeOnCall(this.alarmTopic, config.observability.alerts);
    allowAlarmsToPublish(this.alarmTopic, config.accountId);

    for (const region of config.regions) {
      const host = regionalHostname(config, region.name);
      const tag = (what: string) => [{ key: 'Name', value: `securecart-${config.name}-${region.name}${what}` }];
      // Reachable and can show the catalog: a page through the region's WAF and ALB that needs ui,
      // catalog, MySQL, carts and DynamoDB (read-only). Fast: interval x threshold.
      const reachable = new route53.CfnHealthCheck(this, `HealthCheck-${region.name}`, {
        healthCheckConfig: {
          type: 'HTTPS',
          fullyQualifiedDomainName: host,
          port: 443,
          resourcePath: hc.path,
          requestInterval: hc.intervalSeconds,
          failureThreshold: hc.failureThreshold,
          enableSni: true,
        },
        healthCheckTags: tag('-catalog'),
      });
      // Can sell: the region's synthetic shopper (cluster/synthetic-shopper), through its alarm. No data
      // keeps the last status: an unreachable region is the HTTPS check's to report.
      const sells = new route53.CfnHealthCheck(this, `ShopperHealthCheck-${region.name}`, {
        healthCheckConfig: {
          type: 'CLOUDWATCH_METRIC',
          alarmIdentifier: { region: region.name, name: shopperAlarmName(config, region.name) },
          insufficientDataHealthStatus: 'LastKnownStatus',
        },
        healthCheckTags: tag('-shopper'),
      });
      // The region's health is both: Route 53 calls a calculated check healthy when at least
      // HealthThreshold children are (Route 53 API reference, HealthCheckConfig.HealthThreshold). The home
      // region's (the PRIMARY record's) also needs the health check the Region switch plan vends for it,
      // once configured: healthy while the plan has the home active, unhealthy once it activated the other
      // region ("the primary Region's health check starts healthy; the passive Region starts unhealthy ...
      // these states flip", ARC guide, route53-health-check-block.html). So DNS still fails over by itself
      // when the home cannot serve, and the plan moves traffic (and fences the home) without a record change.
      const vended = planHealthCheckId(config, region.name);
      const children = [reachable.attrHealthCheckId, sells.attrHealthCheckId, ...(vended ? [vended] : [])];
      const check = new route53.CfnHealthCheck(this, `RegionHealthCheck-${region.name}`, {
        healthCheckConfig: {
          type: 'CALCULATED',
          childHealthChecks: children,
          healthThreshold: children.length,
        },
        healthCheckTags: tag(''),
      });
      this.healthChecks[region.name] = check;
      const alarm = new cloudwatch.Alarm(this, `HealthAlarm-${region.name}`, {
        alarmDescription: `SecureCart ${config.name}: ${host} is unhealthy in Route 53 (unreachable, or its synthetic shopper fails): traffic fails over. Runbook: docs/operations.md#region-health`,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/Route53',
          metricName: 'HealthCheckStatus',
          dimensionsMap: { HealthCheckId: check.attrHealthCheckId },
          statistic: 'Minimum',
          period: Duration.minutes(1),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
      alarm.addOkAction(new actions.SnsAction(this.alarmTopic));
      this.healthAlarms.push(alarm);
      new CfnOutput(this, healthCheckOutputKey(region.name), { value: check.attrHealthCheckId });
      new CfnOutput(this, `Catalog${healthCheckOutputKey(region.name)}`, { value: reachable.attrHealthCheckId });
      new CfnOutput(this, `Shopper${healthCheckOutputKey(region.name)}`, { value: sells.attrHealthCheckId });
    }
    const regional = Object.values(this.healthChecks);
    this.shopHealthCheck = new route53.CfnHealthCheck(this, 'ShopHealthCheck', {
      healthCheckConfig: { type: 'CALCULATED', childHealthChecks: regional.map((c) => c.attrHealthCheckId), healthThreshold: 1 },
      healthCheckTags: [{ key: 'Name', value: `securecart-${config.name}-shop` }],
    });

    // What a customer meets: the shop on its public name, through the front door (CloudFront adds the
    // origin header itself), from outside any region. It pages when customers cannot buy even though
    // each region's own checks may look fine (the front door, DNS, certificates), and its journeys are
    // the SLOs customers actually get.
    this.publicShopper = new SyntheticShopper(this, 'PublicShopper', {
      name: publicShopperName(config),
      hostname: publicHostname(config),
      alarmName: `${publicShopperName(config)}-alarm`,
      placeOrders: config.dns.syntheticShopper.placeOrders,
      email: shopperEmail(config),
      failedRuns: config.dns.syntheticShopper.failedRuns,
      topic: this.alarmTopic,
    });
    const tickets = new AlertTopic(this, 'Tickets', { displayName: `SecureCart ${config.name} global tickets`, accountId: config.accountId, alerts: config.observability.alerts });
    this.publicSlo = new SloAlarms(this, 'PublicSlo', { shopperName: this.publicShopper.shopperName, scope: 'public', namePrefix: `securecart-${config.name}`, slos: config.observability.slos, pageTopic: this.alarmTopic, ticketTopic: tickets.topic });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    // Last: it keeps the logs of the functions that exist by now (the public shopper's among them).
    new PlatformLogRetention(this, 'LogRetention', { config, canaries: [this.publicShopper.canary] });
  }
}
