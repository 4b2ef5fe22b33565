import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { logGroupKey } from '../log-group-key';

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
    this.key = logGroupKey(this, 'Key', props.description);
    this.logGroup = new logs.LogGroup(this, 'Group', {
      retention: props.retention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
