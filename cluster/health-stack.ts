import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { healthCheckOutputKey } from '../config/outputs';
import { PlatformConfig } from '../config/schema';
import { regionalHostname } from './naming';

/** Route 53 publishes health check metrics in us-east-1 only: alarms on them must live there. */
export const HEALTH_STACK_REGION = 'us-east-1';


export interface HealthStackProps extends StackProps {
  readonly config: PlatformConfig;
}

/**
 * One Route 53 health check per region against the region's own hostname (the signal DNS failover
 * uses), an alarm on each and the SNS topic operators subscribe to.
 */
export class HealthStack extends Stack {
  readonly healthChecks: Record<string, route53.CfnHealthCheck> = {};
  readonly alarmTopic: sns.Topic;

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

    for (const region of config.regions) {
      const check = new route53.CfnHealthCheck(this, `HealthCheck-${region.name}`, {
        healthCheckConfig: {
          type: 'HTTPS',
          fullyQualifiedDomainName: regionalHostname(config, region.name),
          port: 443,
          resourcePath: hc.path,
          requestInterval: hc.intervalSeconds,
          failureThreshold: hc.failureThreshold,
          enableSni: true,
        },
        healthCheckTags: [{ key: 'Name', value: `securecart-${config.name}-${region.name}` }],
      });
      this.healthChecks[region.name] = check;
      const alarm = new cloudwatch.Alarm(this, `HealthAlarm-${region.name}`, {
        alarmDescription: `SecureCart ${config.name}: ${regionalHostname(config, region.name)} fails its Route 53 health check (traffic fails over)`,
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
      new CfnOutput(this, healthCheckOutputKey(region.name), { value: check.attrHealthCheckId });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }
}
