import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PlatformConfig } from '../config/schema';

export interface RegionalAlarmsProps {
  readonly config: PlatformConfig;
  /**
   * 5xx responses per minute, over the region's ALBs, that raise the alarm (3 minutes in a row).
   * @default 50
   */
  readonly fiveXxPerMinute?: number;
}

/**
 * Alarms on the region's ALB errors, to a regional topic (CloudWatch alarm actions cannot cross
 * regions). The ALB is created at run time by the load balancer controller, so its name is unknown
 * here: a CloudWatch Metrics Insights query sums the errors of every ALB of the region (the shop's
 * is the only one in its account and region).
 */
export class RegionalAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: RegionalAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = new kms.Key(this, 'TopicKey', { enableKeyRotation: true, description: `SecureCart ${props.config.name} ${stack.region} alarm topic` });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': props.config.accountId } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { displayName: `SecureCart ${props.config.name} ${stack.region} alarms`, masterKey: key, enforceSSL: true });

    const threshold = props.fiveXxPerMinute ?? 50;
    const fiveXx = (name: string, metric: string, who: string) => {
      const alarm = new cloudwatch.Alarm(this, name, {
        alarmDescription: `SecureCart ${props.config.name} ${stack.region}: more than ${threshold} ${who} 5xx responses per minute for 3 minutes`,
        metric: new cloudwatch.MathExpression({
          expression: `SELECT SUM(${metric}) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer)`,
          period: Duration.minutes(1),
          label: `${who} 5xx`,
          usingMetrics: {},
        }),
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new actions.SnsAction(this.topic));
      alarm.addOkAction(new actions.SnsAction(this.topic));
      return alarm;
    };
    this.alarms = [fiveXx('AlbFiveXx', 'HTTPCode_ELB_5XX_Count', 'ALB'), fiveXx('TargetFiveXx', 'HTTPCode_Target_5XX_Count', 'ui (target)')];
    new CfnOutput(stack, 'AlarmTopicArn', { value: this.topic.topicArn });
  }
}
