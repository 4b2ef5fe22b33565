import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ObservabilityConfig } from '../../config/observability';
import { allowAlarmsToPublish, subscribeOnCall } from './on-call';

export interface AlertTopicProps {
  /** What the topic is for, shown in the messages' sender and the key's description. */
  readonly displayName: string;
  /** The account whose CloudWatch alarms publish (aws:SourceAccount of the key grant). */
  readonly accountId: string;
  /** Who is subscribed: every e-mail of the config; its SMS numbers only if `sms`. */
  readonly alerts: ObservabilityConfig['alerts'];
  /**
   * Subscribe the SMS numbers too. Off for tickets, which must never wake anyone.
   * @default false
   */
  readonly sms?: boolean;
}

/**
 * An SNS topic CloudWatch alarms publish to, encrypted with its own customer-managed key: CloudWatch
 * cannot publish to a topic encrypted with the AWS-managed SNS key, so the key policy lets the
 * CloudWatch service principal use it, for this account's alarms only; the topic's policy admits them
 * and its subscribers come from the config.
 */
export class AlertTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', { enableKeyRotation: true, description: `${props.displayName} topic` });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': props.accountId } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { displayName: props.displayName, masterKey: this.key, enforceSSL: true });
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default: say who may publish.
    allowAlarmsToPublish(this.topic, props.accountId);
    subscribeOnCall(this.topic, props.alerts, { emailOnly: !props.sms });
  }
}
