import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { ObservabilityConfig } from '../../config/observability';

export interface OnCallOptions {
  /**
   * Subscribe the e-mail addresses only, for what should wait for working hours (tickets).
   * @default false: e-mail and SMS
   */
  readonly emailOnly?: boolean;
  /**
   * Deliver only the messages whose JSON body matches this filter (SNS payload-based filtering).
   * @default every message
   */
  readonly filterPolicyWithMessageBody?: { [attribute: string]: sns.FilterOrPolicy };
}

/**
 * Subscribes on-call to a topic: one e-mail subscription per configured address (each confirms once,
 * from the message SNS sends) and one SMS subscription per configured number.
 *
 * Call it on every alert topic: CloudWatch alarm actions and EventBridge targets must be in the
 * alarm's or rule's own region, so each region has its own topic (plus the health stack's, in
 * us-east-1, where Route 53 publishes its metrics), and on-call subscribes to all of them.
 */
export function subscribeOnCall(topic: sns.Topic, alerts: ObservabilityConfig['alerts'], options: OnCallOptions = {}): void {
  // Subscriptions are named by their endpoint: a duplicate in the config would be one construct twice.
  for (const email of new Set(alerts.emails)) topic.addSubscription(new subscriptions.EmailSubscription(email, { filterPolicyWithMessageBody: options.filterPolicyWithMessageBody }));
  if (options.emailOnly) return;
  for (const number of new Set(alerts.smsNumbers)) topic.addSubscription(new subscriptions.SmsSubscription(number, { filterPolicyWithMessageBody: options.filterPolicyWithMessageBody }));
}

/**
 * Lets the account's CloudWatch alarms (metric and composite) of the topic's region publish to it. A
 * topic policy replaces SNS's default one, which admitted the owner's account; without this statement
 * an alarm's action fails with "arn:aws:cloudwatch:...:alarm:... is not authorized to perform:
 * SNS:Publish" (AWS re:Post knowledge center, "Why didn't I receive an SNS notification for my
 * CloudWatch alarm trigger?"). The topic's key grants CloudWatch its use separately.
 */
export function allowAlarmsToPublish(topic: sns.Topic, accountId: string): void {
  const region = Stack.of(topic).region;
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': accountId }, ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${region}:${accountId}:alarm:*` } },
    }),
  );
}
