import * as fs from 'fs';
import * as path from 'path';
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import { Journey } from '../../config/observability';
import { SHOPPER_INTERVAL_SECONDS } from '../../resilience/failover';

export interface SyntheticShopperProps {
  /** Canary name (at most 255 characters, lowercase letters, digits, - and _). */
  readonly name: string;
  /** The region's own hostname: the shopper goes through its WAF and ALB like a customer. */
  readonly hostname: string;
  /** Name of the alarm; a Route 53 health check in another stack finds it by name. */
  readonly alarmName: string;
  /** Complete checkout on every run (places an order). */
  readonly placeOrders: boolean;
  /** E-mail of the shopper's orders. */
  readonly email: string;
  /** Consecutive failed runs that raise the alarm. */
  readonly failedRuns: number;
  /** Where the alarm and its recovery are sent. */
  readonly topic: sns.ITopic;
  /**
   * A header the region's WAF requires (behind CloudFront), whose value the shopper reads on every run
   * from a JSON key of a Secrets Manager secret in its own region.
   * @default none
   */
  readonly originHeader?: { readonly name: string; readonly secretName: string; readonly secretKey: string };
  /**
   * Run in these subnets (leaving through their NAT gateways), when the ALB admits only known addresses.
   * @default outside any VPC
   */
  readonly network?: { readonly vpc: ec2.IVpc; readonly subnets: ec2.SubnetSelection };
}

/** How often the shopper runs: CloudWatch Synthetics' shortest schedule. */
export const SHOPPER_INTERVAL = Duration.seconds(SHOPPER_INTERVAL_SECONDS);

/** The canary script (plain CommonJS, also run by the tests against a local server). */
export const SHOPPER_SCRIPT = path.join(__dirname, 'canary.js');

/** The custom metrics the script publishes and the steps of each journey: read from the script itself, so both sides agree. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require('./canary.js') as {
  METRICS: { namespace: string; journeySuccess: string; requestLatency: string; dimensions: { shopper: string; journey: string } };
  JOURNEYS: Record<Journey, string[]>;
};
export const SHOPPER_METRICS = script.METRICS;
export const SHOPPER_JOURNEYS = script.JOURNEYS;

/**
 * A CloudWatch Synthetics canary that shops in one region every minute (cluster/synthetic-shopper/
 * canary.js), and an alarm on consecutive failed runs. The alarm is what the region's Route 53 health
 * check follows: standard resolution, Average, one metric and no M-of-N, as Route 53 alarm-based health
 * checks require (Route 53 API reference, AlarmIdentifier).
 */
export class SyntheticShopper extends Construct {
  readonly canary: synthetics.Canary;
  readonly alarm: cloudwatch.Alarm;
  /** The Shopper dimension of its journey metrics (its canary name). */
  readonly shopperName: string;

  constructor(scope: Construct, id: string, props: SyntheticShopperProps) {
    super(scope, id);
    this.shopperName = props.name;
    // Run artifacts (logs, HAR files): kept two weeks for investigating a failure, never public,
    // encrypted with KMS (the AWS-managed S3 key: the canary role needs no key policy) and versioned,
    // old versions gone with the rest.
    const artifacts = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.KMS_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(14), noncurrentVersionExpiration: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.canary = new synthetics.Canary(this, 'Canary', {
      canaryName: props.name,
      // Node.js 22; the script uses no browser, only fetch.
      runtime: synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0,
      test: synthetics.Test.custom({ code: synthetics.Code.fromInline(fs.readFileSync(SHOPPER_SCRIPT, 'utf8')), handler: 'index.handler' }),
      schedule: synthetics.Schedule.rate(SHOPPER_INTERVAL),
      timeout: Duration.seconds(50),
      environmentVariables: {
        SHOP_URL: `https://${props.hostname}`,
        // The Shopper dimension of its metrics.
        SHOPPER_NAME: props.name,
        PLACE_ORDER: String(props.placeOrders),
        SHOPPER_EMAIL: props.email,
        // The secret's name, never its value: canary settings are readable by anyone who can describe it.
        ...(props.originHeader ? { ORIGIN_VERIFY_SECRET: props.originHeader.secretName, ORIGIN_VERIFY_KEY: props.originHeader.secretKey, ORIGIN_VERIFY_HEADER: props.originHeader.name } : {}),
      },
      artifactsBucketLocation: { bucket: artifacts, prefix: props.name },
      ...(props.network
        ? {
            vpc: props.network.vpc,
            vpcSubnets: props.network.subnets,
            // Outbound HTTPS only: the ALB's public address, Secrets Manager, S3 and CloudWatch.
            securityGroups: [httpsOut(this, props.network.vpc)],
          }
        : {}),
      successRetentionPeriod: Duration.days(2),
      failureRetentionPeriod: Duration.days(14),
      startAfterCreation: true,
    });
    // Its journey metrics, in its own namespace only (PutMetricData has no resource-level permission;
    // the cloudwatch:namespace condition key scopes it: Service Authorization Reference, CloudWatch).
    this.canary.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': SHOPPER_METRICS.namespace } } }),
    );
    if (props.originHeader) {
      const stack = Stack.of(this);
      // Secrets Manager appends six random characters to a secret's ARN.
      this.canary.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${props.originHeader.secretName}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
        }),
      );
    }
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmName: props.alarmName,
      alarmDescription: `SecureCart: the synthetic shopper failed ${props.failedRuns} runs in a row on ${props.hostname} (the region cannot sell; Route 53 fails it over). Runbook: docs/operations.md#region-health`,
      metric: this.canary.metricSuccessPercent({ period: SHOPPER_INTERVAL, statistic: cloudwatch.Stats.AVERAGE }),
      threshold: 100,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: props.failedRuns,
      // No run, no verdict: a Synthetics outage must not fail a region over (an unreachable region is
      // caught by the HTTPS health check).
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new actions.SnsAction(props.topic));
    this.alarm.addOkAction(new actions.SnsAction(props.topic));
  }
}

/** A security group that lets only HTTPS out. */
function httpsOut(scope: Construct, vpc: ec2.IVpc): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, 'SecurityGroup', { vpc, description: 'Synthetic shopper: HTTPS out only', allowAllOutbound: false });
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'the ALB, Secrets Manager, S3 and CloudWatch over HTTPS');
  return group;
}
