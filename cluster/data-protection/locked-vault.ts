import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface LockedVaultProps {
  /** Vault name, known to the other regions (their copies land here). */
  readonly vaultName: string;
  /** Alias of the vault's key, known to the other regions' backup roles (cluster/naming.ts). */
  readonly keyAlias: string;
  /** Shortest retention of any recovery point the vault will hold (backup or copy), in days. */
  readonly minRetentionDays: number;
  /** Longest retention of any recovery point the vault will hold, in days. */
  readonly maxRetentionDays: number;
  /** Days the lock stays changeable (compliance mode's grace time), at least 3. */
  readonly graceDays: number;
  /** What the key says it is for. */
  readonly description: string;
}

/**
 * A backup vault that nobody can empty early: encrypted with a key of its own (rotated yearly), and
 * locked in compliance mode. AWS Backup Developer Guide, "AWS Backup Vault Lock"
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html): a lock with
 * ChangeableForDays is in compliance mode; after that grace time (at least 3 days, the "72-hour
 * cooling-off period") it is immutable, and no user, the root user included, can delete a recovery
 * point before its retention ends or change its lifecycle; a backup or copy job whose retention falls
 * outside MinRetentionDays..MaxRetentionDays fails. The vault, its key and its lock are retained when
 * the stack goes: a locked vault cannot be deleted while it holds a recovery point anyway.
 */
export class LockedVault extends Construct {
  readonly vault: backup.BackupVault;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: LockedVaultProps) {
    super(scope, id);
    if (props.graceDays < 3) throw new Error(`vault ${props.vaultName}: a compliance-mode lock needs a grace time of at least 3 days, not ${props.graceDays}`);
    if (props.minRetentionDays > props.maxRetentionDays) {
      throw new Error(`vault ${props.vaultName}: minimum retention ${props.minRetentionDays} days exceeds the maximum ${props.maxRetentionDays} days`);
    }
    this.key = new kms.Key(this, 'Key', {
      alias: props.keyAlias,
      description: props.description,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: props.vaultName,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: {
        minRetention: Duration.days(props.minRetentionDays),
        maxRetention: Duration.days(props.maxRetentionDays),
        changeableFor: Duration.days(props.graceDays),
      },
    });
    // Belt and braces for the grace time, while the lock can still be removed: the vault's own policy
    // refuses early deletes to everyone (the AWS Backup Developer Guide's "Deny access to delete recovery
    // points" access-policy example); retention still ends them, which is not a caller's delete.
    this.vault.addToAccessPolicy(
      new iam.PolicyStatement({
        sid: 'NoEarlyDeletes',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
        resources: ['*'],
      }),
    );
  }
}
