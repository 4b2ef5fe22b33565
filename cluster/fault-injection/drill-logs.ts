import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface DrillLogsProps {
  /** What the logs are of, for the key's description. */
  readonly description: string;
  /**
   * How long to keep the experiment logs.
   * @default logs.RetentionDays.ONE_YEAR - the record of what a drill did to production, kept as long
   * as the VPC flow logs (PCI DSS 10.5.1; the AWS Control Tower control CT.CLOUDWATCH.PR.2 asks for a year)
   */
  readonly retention?: logs.RetentionDays;
}

/**
 * The CloudWatch log group the region's experiments log to (FIS log schema 2): encrypted with a key
 * of its own (CT.CLOUDWATCH.PR.3), rotated yearly, both kept after the stack.
 */
export class DrillLogs extends Construct {
  readonly logGroup: logs.LogGroup;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: DrillLogsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', { description: props.description, enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    // CloudWatch Logs encrypts with the key only for this account's log groups in this region.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
      }),
    );
    this.logGroup = new logs.LogGroup(this, 'Group', {
      retention: props.retention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
