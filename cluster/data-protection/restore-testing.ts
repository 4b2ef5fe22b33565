import * as path from 'path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PlatformConfig } from '../../config/schema';
import { logGroupKey } from '../log-group-key';
import { BACKUP_MANAGED_POLICIES, allowBackupKeys } from './regional-backup';

/** The validator's code (cluster/data-protection/restore-validator/validator.js, tested in test/backup.test.ts). */
export const RESTORE_VALIDATOR_DIR = path.join(__dirname, 'restore-validator');

/** Where operators read what a failed restore test means (a section of docs/operations.md). */
export const RESTORE_TEST_RUNBOOK = 'docs/operations.md#restore-tests';

/**
 * Prefix AWS Backup gives restored test resources ("Restore testing inferred metadata": Aurora's
 * dbClusterIdentifier and DynamoDB's targetTableName are random values "starting with
 * awsbackup-restore-test"); the validator may read only those.
 */
export const RESTORE_TEST_PREFIX = 'awsbackup-restore-test';

export interface RestoreTestingProps {
  readonly config: PlatformConfig;
  /** The region's vault: its latest recovery points, the region's own and the other regions' copies. */
  readonly vault: backup.IBackupVault;
  /** Key of this region's Aurora clusters (local snapshots are encrypted with it). */
  readonly databaseKey: kms.IKey;
  /** Subnet group restored clusters go in: the data tier's, the same name in every region. */
  readonly dbSubnetGroupName: string;
  /** Security group restored clusters get (the databases', reachable from the cluster only). */
  readonly databaseSecurityGroupId: string;
  /** Where a failed validation pages. */
  readonly alertTopic: sns.ITopic;
  /** The alert topic's key (the validator publishes through it). */
  readonly alertTopicKey: kms.IKey;
}

/**
 * AWS Backup restore testing in one region: on the config's schedule, the latest recovery point in the
 * region's vault of every Aurora cluster and carts table (the region's own and the copies of the other
 * regions', so a lost region's backups are proven restorable here) is restored, checked by a function,
 * and deleted by AWS Backup after the validation window. AWS Backup Developer Guide, "Restore testing"
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html): one eligible recovery
 * point per protected resource of a selection; `*` with the vault filter selects every protected
 * resource; restored resources carry the `awsbackup-restore-test` tag and are deleted when the
 * validation ends or the window closes.
 */
export class RestoreTesting extends Construct {
  readonly plan: backup.CfnRestoreTestingPlan;
  readonly selections: backup.CfnRestoreTestingSelection[];
  readonly role: iam.Role;
  readonly validator: lambda.Function;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: RestoreTestingProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);
    const region = stack.region;
    const testing = config.data.backup.restoreTesting;
    // Restore testing plan and selection names: letters, digits and underscores only.
    const planName = `securecart_${config.name.replace(/-/g, '_')}_${region.replace(/-/g, '_')}`;

    this.role = new iam.Role(this, 'Role', {
      roleName: `securecart-${config.name}-${region}-restore-test`,
      description: `AWS Backup restore tests of SecureCart ${config.name} in ${region}`,
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      // "The IAM role you choose for restore testing must contain the permissions found in
      // AWSBackupServiceRolePolicyForRestores" (Restore testing, Security).
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(BACKUP_MANAGED_POLICIES.restore[0])],
    });
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    allowBackupKeys(this.role, config, props.databaseKey);

    this.plan = new backup.CfnRestoreTestingPlan(this, 'Plan', {
      restoreTestingPlanName: planName,
      scheduleExpression: testing.schedule,
      scheduleExpressionTimezone: 'Etc/UTC',
      startWindowHours: 4,
      recoveryPointSelection: {
        algorithm: 'LATEST_WITHIN_WINDOW',
        includeVaults: [props.vault.backupVaultArn],
        // Aurora's continuous recovery point restores to its latest restorable time: the point-in-time
        // restore a bad migration would need; snapshots (daily, monthly, copies) for the rest.
        recoveryPointTypes: ['CONTINUOUS', 'SNAPSHOT'],
        selectionWindowDays: 7,
      },
    });
    this.plan.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const selection = (id: string, name: string, type: string, overrides?: Record<string, string>) => {
      const s = new backup.CfnRestoreTestingSelection(this, id, {
        restoreTestingPlanName: this.plan.restoreTestingPlanName,
        restoreTestingSelectionName: name,
        protectedResourceType: type,
        protectedResourceArns: ['*'],
        iamRoleArn: this.role.roleArn,
        validationWindowHours: testing.validationWindowHours,
        restoreMetadataOverrides: overrides,
      });
      s.addDependency(this.plan);
      s.applyRemovalPolicy(RemovalPolicy.RETAIN);
      return s;
    };
    this.selections = [
      // Without these a restore needs the default VPC's subnets ("Restore testing inferred metadata":
      // if the default VPC or subnet is absent "the restore will not be successful"). List values are
      // JSON-array strings, as that page says.
      selection('Aurora', 'aurora', 'Aurora', {
        dbsubnetgroupname: props.dbSubnetGroupName,
        vpcsecuritygroupids: JSON.stringify([props.databaseSecurityGroupId]),
      }),
      selection('DynamoDB', 'carts', 'DynamoDB'),
    ];

    this.validator = new lambda.Function(this, 'Validator', {
      description: `Checks that SecureCart ${config.name} restore tests in ${region} came up`,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'validator.handler',
      code: lambda.Code.fromAsset(RESTORE_VALIDATOR_DIR),
      timeout: Duration.minutes(1),
      memorySize: 256,
      environment: { ALERT_TOPIC_ARN: props.alertTopic.topicArn, ENVIRONMENT: config.name, RUNBOOK: RESTORE_TEST_RUNBOOK },
      logGroup: new logs.LogGroup(this, 'ValidatorLogs', {
        // A year, like the platform's other function logs that record decisions (AWS Control Tower CT.CLOUDWATCH.PR.2).
        retention: logs.RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.RETAIN,
        encryptionKey: logGroupKey(this, 'ValidatorLogsKey', `SecureCart ${config.name} restore-test validator logs`),
      }),
    });
    const allow = (sid: string, actions: string[], resources: string[]) => this.validator.addToRolePolicy(new iam.PolicyStatement({ sid, actions, resources }));
    allow('RestoredClusters', ['rds:DescribeDBClusters'], [`arn:aws:rds:${region}:${config.accountId}:cluster:${RESTORE_TEST_PREFIX}*`]);
    allow('RestoredTables', ['dynamodb:DescribeTable', 'dynamodb:Scan'], [`arn:aws:dynamodb:${region}:${config.accountId}:table/${RESTORE_TEST_PREFIX}*`]);
    // PutRestoreValidationResult has no resource type (Service Authorization Reference, AWS Backup).
    allow('ValidationResult', ['backup:PutRestoreValidationResult'], ['*']);
    props.alertTopic.grantPublish(this.validator);
    props.alertTopicKey.grant(this.validator, 'kms:Decrypt', 'kms:GenerateDataKey*');

    // "Restore testing validation": the rule listens for this plan's restore jobs reaching COMPLETED.
    this.rule = new events.Rule(this, 'Completed', {
      ruleName: `securecart-${config.name}-restore-test-completed`,
      description: `SecureCart ${config.name}: restore tests that completed, to be validated`,
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Restore Job State Change'],
        detail: { status: ['COMPLETED'], restoreTestingPlanArn: [this.plan.attrRestoreTestingPlanArn] },
      },
    });
    this.rule.addTarget(new targets.LambdaFunction(this.validator, { retryAttempts: 4, maxEventAge: Duration.hours(2) }));
  }
}
