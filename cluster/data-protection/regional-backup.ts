import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { PlatformConfig } from '../../config/schema';
import { regionalClusterIdentifier } from '../../config/data-access';
import { backupKeyAlias, backupVaultName, cartsTableName } from '../naming';
import { LockedVault } from './locked-vault';

/**
 * When the scheduled backups start, in UTC. After the Aurora clusters' own backup window (03:00-04:00,
 * charts/constructs/aurora-global-database.ts): AWS Backup's CloudWatch guide names "scheduling a backup
 * job during or 1 hour before ... [the] automated backup window" as a usual cause of failed jobs
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/cloudwatch.html, NumberOfBackupJobsFailed).
 */
export const BACKUP_SCHEDULE = {
  daily: { hour: '5', minute: '0' },
  /** The first of each month, same time. */
  monthly: { day: '1', hour: '5', minute: '0' },
  /** A job that has not started within this is EXPIRED (and pages). */
  startWindow: Duration.hours(1),
  completionWindow: Duration.hours(8),
} as const;

/** AWS managed policies AWS Backup's roles need ("Creating a backup plan" and "Amazon S3 backups", AWS Backup Developer Guide). */
export const BACKUP_MANAGED_POLICIES = {
  backup: ['service-role/AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForS3Backup'],
  restore: ['service-role/AWSBackupServiceRolePolicyForRestores', 'AWSBackupServiceRolePolicyForS3Restore'],
} as const;

/** The resources one region's plans protect, by kind (each an ARN). */
export interface ProtectedResources {
  readonly aurora: string[];
  readonly dynamodb: string[];
  readonly s3: string[];
}

/** What this region protects: its own Aurora clusters, its carts replica and its media bucket. */
export function protectedResources(config: PlatformConfig, region: string, mediaBucketName: string): ProtectedResources {
  // Config regions are in the aws partition (config/schema.ts), so the ARNs are literal.
  return {
    aurora: (['orders', 'catalog'] as const).map((db) => `arn:aws:rds:${region}:${config.accountId}:cluster:${regionalClusterIdentifier(config.name, db, region)}`),
    dynamodb: [`arn:aws:dynamodb:${region}:${config.accountId}:table/${cartsTableName(config)}`],
    s3: [`arn:aws:s3:::${mediaBucketName}`],
  };
}

export interface RegionalBackupProps {
  readonly config: PlatformConfig;
  /** Key of this region's Aurora clusters: their snapshots stay encrypted with it. */
  readonly databaseKey: kms.IKey;
  /** This region's media bucket. */
  readonly mediaBucketName: string;
}

/**
 * AWS Backup in one region, for what the region holds (each region backs up its own members of the
 * global data, so nothing here changes when the primary region does):
 *
 * - plan `securecart-<env>-<region>-pitr` for the Aurora clusters and the media bucket: continuous
 *   backups (point-in-time recovery, data.backupRetentionDays), daily snapshots (data.backup
 *   .dailyRetentionDays) and monthly ones (monthlyRetentionDays, warm: AWS Backup offers no cold tier
 *   for Aurora or S3), the snapshots copied to every other region's vault;
 * - plan `securecart-<env>-<region>-cold` for the carts table's replica: daily and monthly backups,
 *   the monthly ones moved to cold storage after coldStorageAfterDays, copied likewise. (DynamoDB has no
 *   continuous backup in AWS Backup: its own point-in-time recovery, on in the global stack, is that.)
 *
 * AWS Backup Developer Guide, "Feature availability by resource"
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html): Aurora has
 * cross-Region copy and continuous backup, no cold storage; DynamoDB has copy and cold storage with the
 * advanced DynamoDB backup features (on by default in accounts without a vault before 2021-11-21;
 * docs/operations.md#backups says how to check), no continuous backup.
 */
export class RegionalBackup extends Construct {
  readonly vault: LockedVault;
  readonly pitrPlan: backup.BackupPlan;
  readonly coldPlan: backup.BackupPlan;
  readonly role: iam.Role;
  readonly resources: ProtectedResources;

  constructor(scope: Construct, id: string, props: RegionalBackupProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);
    const region = stack.region;
    const env = config.name;
    const b = config.data.backup;
    const pitrDays = config.data.backupRetentionDays;
    this.resources = protectedResources(config, region, props.mediaBucketName);

    this.vault = new LockedVault(this, 'Vault', {
      vaultName: backupVaultName(config, region),
      keyAlias: backupKeyAlias(config, region),
      description: `SecureCart ${env} backup vault in ${region}`,
      // Every recovery point the vault holds: continuous (pitrDays), daily, monthly, and the copies of
      // the other regions' daily and monthly ones (same retentions).
      minRetentionDays: Math.min(pitrDays, b.dailyRetentionDays),
      maxRetentionDays: b.monthlyRetentionDays,
      graceDays: b.vaultLockGraceDays,
    });

    // One role for both plans: the policies AWS documents for backups (its own and S3's), the vault keys
    // of every region (copies are encrypted by the destination vault's key), and this region's database
    // key (Aurora snapshots stay encrypted with the cluster's key).
    this.role = new iam.Role(this, 'Role', {
      roleName: `securecart-${env}-${region}-backup`,
      description: `AWS Backup plans of SecureCart ${env} in ${region}`,
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      managedPolicies: BACKUP_MANAGED_POLICIES.backup.map((p) => iam.ManagedPolicy.fromAwsManagedPolicyName(p)),
    });
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    allowBackupKeys(this.role, config, props.databaseKey);

    const others = config.regions.filter((r) => r.name !== region);
    const destinations = others.map((r) =>
      backup.BackupVault.fromBackupVaultArn(this, `Vault-${r.name}`, `arn:aws:backup:${r.name}:${config.accountId}:backup-vault:${backupVaultName(config, r.name)}`),
    );
    const daily = events.Schedule.cron({ ...BACKUP_SCHEDULE.daily });
    const monthly = events.Schedule.cron({ ...BACKUP_SCHEDULE.monthly });
    const windows = { startWindow: BACKUP_SCHEDULE.startWindow, completionWindow: BACKUP_SCHEDULE.completionWindow };
    const copies = (deleteAfter: Duration, moveToColdStorageAfter?: Duration) =>
      destinations.map((destinationBackupVault) => ({ destinationBackupVault, deleteAfter, moveToColdStorageAfter }));

    this.pitrPlan = new backup.BackupPlan(this, 'PitrPlan', { backupPlanName: `securecart-${env}-${region}-pitr`, backupVault: this.vault.vault });
    this.pitrPlan.addRule(
      new backup.BackupPlanRule({ ruleName: 'continuous', enableContinuousBackup: true, deleteAfter: Duration.days(pitrDays), scheduleExpression: daily, ...windows }),
    );
    this.pitrPlan.addRule(
      new backup.BackupPlanRule({ ruleName: 'daily', deleteAfter: Duration.days(b.dailyRetentionDays), scheduleExpression: daily, copyActions: copies(Duration.days(b.dailyRetentionDays)), ...windows }),
    );
    this.pitrPlan.addRule(
      new backup.BackupPlanRule({ ruleName: 'monthly', deleteAfter: Duration.days(b.monthlyRetentionDays), scheduleExpression: monthly, copyActions: copies(Duration.days(b.monthlyRetentionDays)), ...windows }),
    );
    this.pitrPlan.addSelection('Selection', {
      backupSelectionName: 'aurora-and-media',
      role: this.role,
      resources: [...this.resources.aurora, ...this.resources.s3].map((arn) => backup.BackupResource.fromArn(arn)),
    });

    this.coldPlan = new backup.BackupPlan(this, 'ColdPlan', { backupPlanName: `securecart-${env}-${region}-cold`, backupVault: this.vault.vault });
    this.coldPlan.addRule(
      new backup.BackupPlanRule({ ruleName: 'daily', deleteAfter: Duration.days(b.dailyRetentionDays), scheduleExpression: daily, copyActions: copies(Duration.days(b.dailyRetentionDays)), ...windows }),
    );
    const cold = Duration.days(b.coldStorageAfterDays);
    this.coldPlan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'monthly',
        deleteAfter: Duration.days(b.monthlyRetentionDays),
        moveToColdStorageAfter: cold,
        scheduleExpression: monthly,
        copyActions: copies(Duration.days(b.monthlyRetentionDays), cold),
        ...windows,
      }),
    );
    this.coldPlan.addSelection('Selection', { backupSelectionName: 'carts', role: this.role, resources: this.resources.dynamodb.map((arn) => backup.BackupResource.fromArn(arn)) });

    // Plans and selections outlive the stack too (a deleted plan stops the backups; the recovery points
    // themselves are kept by the vault lock whatever happens here).
    for (const plan of [this.pitrPlan, this.coldPlan]) {
      plan.applyRemovalPolicy(RemovalPolicy.RETAIN);
      for (const child of plan.node.findAll()) if (child instanceof backup.BackupSelection) child.applyRemovalPolicy(RemovalPolicy.RETAIN);
    }
  }
}

/**
 * Lets a backup or restore role use the keys recovery points are encrypted with: the backup vault keys
 * of every region of the environment, found by their aliases (kms:ResourceAliases, AWS KMS Developer
 * Guide "Using aliases to control access to KMS keys": the other regions' keys are not known to this
 * stack by ARN), and this region's database key (Aurora snapshots stay encrypted with the cluster's key).
 */
export function allowBackupKeys(role: iam.Role, config: PlatformConfig, databaseKey: kms.IKey): void {
  databaseKey.grant(role, 'kms:DescribeKey', 'kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*');
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'BackupVaultKeys',
      actions: ['kms:DescribeKey', 'kms:CreateGrant', 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*', 'kms:RetireGrant'],
      resources: config.regions.map((r) => `arn:aws:kms:${r.name}:${config.accountId}:key/*`),
      conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': config.regions.map((r) => backupKeyAlias(config, r.name)) } },
    }),
  );
}
