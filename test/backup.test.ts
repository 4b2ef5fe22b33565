/**
 * Data protection (issue 14): AWS Backup per region (locked vaults with their own keys, plans, copies
 * to the other regions, restore tests and their validator), the retention rules, and a coverage check
 * that every stateful resource of the platform, enumerated from the synthesized templates and the
 * committed manifests rather than from a hand list, is in a backup plan that copies it to every other
 * region (or is on the short list of what AWS Backup cannot take, each with the protection it has).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, loadConfig, parseConfig } from '../config/load';
import { PlatformConfig } from '../config/schema';
import { regionalStackName } from '../config/outputs';
import { BACKUP_MANAGED_POLICIES, BACKUP_SCHEDULE, RESTORE_TEST_PREFIX } from '../cluster/data-protection';
import { backupKeyAlias, backupVaultName } from '../cluster/naming';
import { defaultConfigData, K8sObject, parseDocs, ROOT } from './helpers';
import { synthTemplates } from './support/cluster-templates';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validator = require('../cluster/data-protection/restore-validator/validator.js');

type Resource = { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Resources = Record<string, Resource>;

const config = loadConfig();
let templates: Record<string, Resources>;

beforeAll(async () => {
  const { synth } = await synthTemplates(config);
  templates = Object.fromEntries(
    fs
      .readdirSync(synth.assembly.directory)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => [f.replace(/\.template\.json$/, ''), JSON.parse(fs.readFileSync(path.join(synth.assembly.directory, f), 'utf8')).Resources as Resources]),
  );
});

const regional = (region: string) => templates[regionalStackName(config.name, region)];
const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const one = (resources: Resources, type: string, match: (r: Resource) => boolean = () => true) => {
  const found = ofType(resources, type).filter(([, r]) => match(r));
  expect(found).toHaveLength(1);
  return found[0][1];
};
const manifests = (region: string): K8sObject[] =>
  fs
    .readdirSync(path.join(ROOT, 'manifests', region))
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseDocs(fs.readFileSync(path.join(ROOT, 'manifests', region, f), 'utf8')));
/** Resolves a Ref or GetAtt Arn of a KMS key to its logical id. */
const refId = (v: any): string | undefined => v?.Ref ?? v?.['Fn::GetAtt']?.[0];

describe('vaults: own key, compliance-mode lock, retained', () => {
  test.each(config.regions.map((r) => r.name))('%s', (region) => {
    const t = regional(region);
    const vault = one(t, 'AWS::Backup::BackupVault');
    const p = vault.Properties;
    expect(p.BackupVaultName).toBe(backupVaultName(config, region));
    // A key of its own: a KMS key of this template, with the alias the other regions' roles use.
    const keyId = refId(p.EncryptionKeyArn)!;
    expect(t[keyId].Type).toBe('AWS::KMS::Key');
    expect(t[keyId].Properties.EnableKeyRotation).toBe(true);
    expect(t[keyId].DeletionPolicy).toBe('Retain');
    const alias = one(t, 'AWS::KMS::Alias', (a) => refId(a.Properties.TargetKeyId) === keyId);
    expect(alias.Properties.AliasName).toBe(backupKeyAlias(config, region));
    // Compliance mode: ChangeableForDays present ("AWS Backup Vault Lock": with it the lock is compliance
    // mode, at least 3 days); the window covers every retention the vault will hold.
    const b = config.data.backup;
    expect(p.LockConfiguration).toEqual({
      ChangeableForDays: b.vaultLockGraceDays,
      MinRetentionDays: Math.min(config.data.backupRetentionDays, b.dailyRetentionDays),
      MaxRetentionDays: b.monthlyRetentionDays,
    });
    expect(p.LockConfiguration.ChangeableForDays).toBeGreaterThanOrEqual(3);
    expect(vault.DeletionPolicy).toBe('Retain');
    // Nobody deletes a recovery point through the vault either, even during the grace time.
    expect(p.AccessPolicy.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Principal: { AWS: '*' }, Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'] }),
    );
  });
});

/** Rules of the plan with this name, by rule name. */
function rules(t: Resources, planName: string): Record<string, any> {
  const plan = one(t, 'AWS::Backup::BackupPlan', (r) => r.Properties.BackupPlan.BackupPlanName === planName);
  expect(plan.DeletionPolicy).toBe('Retain');
  return Object.fromEntries(plan.Properties.BackupPlan.BackupPlanRule.map((r: any) => [r.RuleName, r]));
}

describe('plans: what the issue asks, in every region', () => {
  const b = () => config.data.backup;
  test.each(config.regions.map((r) => r.name))('%s: Aurora and media get PITR, daily 35 d and monthly 1 y copies; the table daily and monthly with cold storage', (region) => {
    const t = regional(region);
    const others = config.regions.filter((r) => r.name !== region).map((r) => `arn:aws:backup:${r.name}:${config.accountId}:backup-vault:${backupVaultName(config, r.name)}`);
    const copies = (days: number, cold?: number) => others.map((arn) => ({ DestinationBackupVaultArn: arn, Lifecycle: { DeleteAfterDays: days, ...(cold ? { MoveToColdStorageAfterDays: cold } : {}) } }));

    const pitr = rules(t, `securecart-${config.name}-${region}-pitr`);
    expect(Object.keys(pitr).sort()).toEqual(['continuous', 'daily', 'monthly']);
    expect(pitr.continuous).toMatchObject({ EnableContinuousBackup: true, Lifecycle: { DeleteAfterDays: config.data.backupRetentionDays } });
    expect(pitr.continuous.CopyActions).toBeUndefined();
    expect(pitr.daily).toMatchObject({ ScheduleExpression: 'cron(0 5 * * ? *)', Lifecycle: { DeleteAfterDays: b().dailyRetentionDays }, CopyActions: copies(b().dailyRetentionDays) });
    expect(pitr.monthly).toMatchObject({ ScheduleExpression: 'cron(0 5 1 * ? *)', Lifecycle: { DeleteAfterDays: b().monthlyRetentionDays }, CopyActions: copies(b().monthlyRetentionDays) });
    // Aurora and S3 have no cold tier in AWS Backup ("Feature availability by resource"): none asked.
    expect(pitr.monthly.Lifecycle.MoveToColdStorageAfterDays).toBeUndefined();

    const cold = rules(t, `securecart-${config.name}-${region}-cold`);
    expect(Object.keys(cold).sort()).toEqual(['daily', 'monthly']);
    expect(cold.daily).toMatchObject({ Lifecycle: { DeleteAfterDays: b().dailyRetentionDays }, CopyActions: copies(b().dailyRetentionDays) });
    expect(cold.monthly).toMatchObject({
      Lifecycle: { DeleteAfterDays: b().monthlyRetentionDays, MoveToColdStorageAfterDays: b().coldStorageAfterDays },
      CopyActions: copies(b().monthlyRetentionDays, b().coldStorageAfterDays),
    });
    // AWS Backup keeps a cold recovery point at least 90 days.
    expect(cold.monthly.Lifecycle.DeleteAfterDays - cold.monthly.Lifecycle.MoveToColdStorageAfterDays).toBeGreaterThanOrEqual(90);
    // The figures, in the default environment.
    expect([b().dailyRetentionDays, b().monthlyRetentionDays]).toEqual([35, 365]);
  });

  test('every backup and copy lands inside the lock of the vault that holds it (a job outside MinRetention..MaxRetention fails)', () => {
    const locks = Object.fromEntries(config.regions.map((r) => [backupVaultName(config, r.name), one(regional(r.name), 'AWS::Backup::BackupVault').Properties.LockConfiguration]));
    const vaultName = (arn: string) => arn.split(':backup-vault:')[1];
    let checked = 0;
    for (const region of config.regions.map((r) => r.name)) {
      for (const [, plan] of ofType(regional(region), 'AWS::Backup::BackupPlan')) {
        for (const rule of plan.Properties.BackupPlan.BackupPlanRule) {
          const holds: Array<[string, number]> = [[backupVaultName(config, region), rule.Lifecycle.DeleteAfterDays], ...(rule.CopyActions ?? []).map((c: any) => [vaultName(c.DestinationBackupVaultArn), c.Lifecycle.DeleteAfterDays] as [string, number])];
          for (const [vault, days] of holds) {
            expect({ vault, days, inLock: days >= locks[vault].MinRetentionDays && days <= locks[vault].MaxRetentionDays }).toEqual({ vault, days, inLock: true });
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  test('the snapshots start after the Aurora clusters’ own backup window, never during it or in the hour before', () => {
    for (const region of config.regions.map((r) => r.name)) {
      for (const cluster of manifests(region).filter((o) => o.kind === 'DBCluster')) {
        const [start, end] = (cluster.spec.preferredBackupWindow as string).split('-').map((hm) => Number(hm.split(':')[0]) * 60 + Number(hm.split(':')[1]));
        const backupAt = Number(BACKUP_SCHEDULE.daily.hour) * 60 + Number(BACKUP_SCHEDULE.daily.minute);
        const window = BACKUP_SCHEDULE.startWindow.toMinutes();
        // The job may start anywhere in [backupAt, backupAt + startWindow): clear of [start - 60, end).
        expect(backupAt >= end || backupAt + window <= start - 60).toBe(true);
      }
    }
  });

  test('the clusters keep their own automated backups as long as AWS Backup’s continuous rule: ACK never reverts what AWS Backup manages', () => {
    // rds-controller v1.11.1 pkg/resource/db_cluster/delta.go:105-111 compares Spec.BackupRetentionPeriod
    // with the cluster's and calls ModifyDBCluster on any difference; AWS Backup manages the retention of
    // a cluster's continuous backups ("Changing your retention period": one recovery point, updated to
    // the plan's retention). Equal values leave both with nothing to change.
    for (const region of config.regions.map((r) => r.name)) {
      const continuous = rules(regional(region), `securecart-${config.name}-${region}-pitr`).continuous.Lifecycle.DeleteAfterDays;
      const clusters = manifests(region).filter((o) => o.kind === 'DBCluster');
      expect(clusters).toHaveLength(2);
      for (const c of clusters) expect(c.spec.backupRetentionPeriod).toBe(continuous);
    }
    // And the carts table's own point-in-time recovery keeps as many days.
    const table = one(templates[`securecart-${config.name}-global`], 'AWS::DynamoDB::GlobalTable');
    for (const replica of table.Properties.Replicas) {
      expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: config.data.backupRetentionDays });
    }
  });

  test('the plans’ role: AWS Backup only, AWS’s backup policies, vault keys by alias and this region’s database key', () => {
    for (const region of config.regions.map((r) => r.name)) {
      const t = regional(region);
      const role = one(t, 'AWS::IAM::Role', (r) => r.Properties.RoleName === `securecart-${config.name}-${region}-backup`);
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' } }]);
      const managed = role.Properties.ManagedPolicyArns.map((a: any) => a['Fn::Join'][1].slice(-1)[0]);
      expect(managed).toEqual(BACKUP_MANAGED_POLICIES.backup.map((p) => `:iam::aws:policy/${p}`));
      expect(role.DeletionPolicy).toBe('Retain');
      const statements = ofType(t, 'AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: any) => t[refId(r)!] === role))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
      const vaultKeys = statements.find((s: any) => s.Sid === 'BackupVaultKeys');
      expect(vaultKeys.Condition).toEqual({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': config.regions.map((r) => backupKeyAlias(config, r.name)) } });
      // No other statement reaches beyond this region's database key.
      for (const s of statements.filter((x: any) => x !== vaultKeys)) expect(refId(s.Resource)).toMatch(/^PrerequisitesDatabaseKey/);
    }
  });
});

describe('restore tests', () => {
  test.each(config.regions.map((r) => r.name))('%s: the latest recovery points of the vault, into the data subnets, checked and deleted after the window', (region) => {
    const t = regional(region);
    const plan = one(t, 'AWS::Backup::RestoreTestingPlan');
    const vaultId = ofType(t, 'AWS::Backup::BackupVault')[0][0];
    expect(plan.Properties).toMatchObject({
      ScheduleExpression: config.data.backup.restoreTesting.schedule,
      RecoveryPointSelection: { Algorithm: 'LATEST_WITHIN_WINDOW', IncludeVaults: [{ 'Fn::GetAtt': [vaultId, 'BackupVaultArn'] }], RecoveryPointTypes: ['CONTINUOUS', 'SNAPSHOT'] },
    });
    expect(plan.DeletionPolicy).toBe('Retain');
    const selections: Record<string, Resource> = Object.fromEntries(ofType(t, 'AWS::Backup::RestoreTestingSelection').map(([, s]) => [s.Properties.ProtectedResourceType, s]));
    expect(Object.keys(selections).sort()).toEqual(['Aurora', 'DynamoDB']);
    for (const s of Object.values(selections)) {
      // `*` with the vault filter: the region's own resources and the other regions' copies.
      expect(s.Properties).toMatchObject({ ProtectedResourceArns: ['*'], ValidationWindowHours: config.data.backup.restoreTesting.validationWindowHours });
      expect(s.DeletionPolicy).toBe('Retain');
    }
    // Restored clusters go where the databases are: the data tier's subnet group (as rendered) and SG.
    // Override keys are case-insensitive and lists are JSON-array strings ("Restore testing inferred
    // metadata", https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html).
    const subnetGroups = manifests(region).filter((o) => o.kind === 'DBSubnetGroup').map((o) => o.spec.name);
    expect(subnetGroups).toEqual([selections.Aurora.Properties.RestoreMetadataOverrides.dbsubnetgroupname]);
    const sg = selections.Aurora.Properties.RestoreMetadataOverrides.vpcsecuritygroupids['Fn::Join'][1];
    expect(sg[0]).toBe('["');
    expect(sg[1]['Fn::GetAtt'][0]).toMatch(/^PrerequisitesDatabaseSecurityGroup/);

    // The validator runs on this plan's COMPLETED restore jobs only: the rule AWS documents for validation
    // ("Restore testing validation", https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-validation.html).
    const rule = one(t, 'AWS::Events::Rule', (r) => r.Properties.Name === `securecart-${config.name}-restore-test-completed`);
    const planId = ofType(t, 'AWS::Backup::RestoreTestingPlan')[0][0];
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.backup'],
      'detail-type': ['Restore Job State Change'],
      detail: { status: ['COMPLETED'], restoreTestingPlanArn: [{ 'Fn::GetAtt': [planId, 'RestoreTestingPlanArn'] }] },
    });
    // It may read only what AWS Backup restored (random names with AWS's prefix).
    const fn = ofType(t, 'AWS::Lambda::Function').find(([id]) => /^RestoreTestingValidator[0-9A-F]{8}$/.test(id))![1];
    const roleId = refId(fn.Properties.Role)!;
    const statements = ofType(t, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => refId(r) === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const bySid = Object.fromEntries(statements.filter((s: any) => s.Sid).map((s: any) => [s.Sid, s]));
    expect(bySid.RestoredClusters.Resource).toBe(`arn:aws:rds:${region}:${config.accountId}:cluster:${RESTORE_TEST_PREFIX}*`);
    expect(bySid.RestoredTables.Resource).toBe(`arn:aws:dynamodb:${region}:${config.accountId}:table/${RESTORE_TEST_PREFIX}*`);
    // PutRestoreValidationResult lists no resource type (Service Authorization Reference, AWS Backup actions).
    expect(bySid.ValidationResult).toMatchObject({ Action: 'backup:PutRestoreValidationResult', Resource: '*' });
  });
});

describe('the validator says whether a restore came up', () => {
  const detail = (resourceType: string, createdResourceArn?: string) => ({ restoreJobId: 'job-1', resourceType, createdResourceArn, restoreTestingPlanArn: 'arn:plan' });
  const clients = (over: Record<string, unknown> = {}) => ({
    describeDbCluster: async () => ({ DBClusterIdentifier: 'awsbackup-restore-test-1', Status: 'available', StorageEncrypted: true, Engine: 'aurora-postgresql', EngineVersion: '16.6' }),
    describeTable: async () => ({ TableStatus: 'ACTIVE' }),
    scanOne: async () => 1,
    ...over,
  });
  const cluster = 'arn:aws:rds:us-east-1:111122223333:cluster:awsbackup-restore-test-1';
  const table = 'arn:aws:dynamodb:us-east-1:111122223333:table/awsbackup-restore-test-abc';

  test('an available, encrypted cluster and an ACTIVE table pass', async () => {
    expect((await validator.validate(detail('Aurora', cluster), clients())).status).toBe('SUCCESSFUL');
    expect(await validator.validate(detail('DynamoDB', table), clients())).toEqual({ status: 'SUCCESSFUL', message: 'table awsbackup-restore-test-abc ACTIVE, holds items' });
  });
  test('anything else fails, with the reason', async () => {
    expect(await validator.validate(detail('Aurora', cluster), clients({ describeDbCluster: async () => ({ Status: 'inaccessible-encryption-credentials' }) }))).toMatchObject({ status: 'FAILED', message: expect.stringContaining('inaccessible-encryption-credentials') });
    expect(await validator.validate(detail('Aurora', cluster), clients({ describeDbCluster: async () => ({ Status: 'available', StorageEncrypted: false }) }))).toMatchObject({ status: 'FAILED', message: expect.stringContaining('not encrypted') });
    expect(await validator.validate(detail('DynamoDB', table), clients({ describeTable: async () => ({ TableStatus: 'CREATING' }) }))).toMatchObject({ status: 'FAILED' });
    expect(await validator.validate(detail('DynamoDB', table), clients({ describeTable: async () => { throw Object.assign(new Error('no such table'), { name: 'ResourceNotFoundException' }); } }))).toEqual({
      status: 'FAILED',
      message: `checking ${table} failed: ResourceNotFoundException: no such table`,
    });
    expect(await validator.validate(detail('Aurora'), clients())).toMatchObject({ status: 'FAILED' });
    expect(await validator.validate(detail('EBS', 'arn:aws:ec2:x'), clients())).toMatchObject({ status: 'FAILED' });
  });
  test('the result is recorded on the job, and only a failure pages', async () => {
    const calls: string[] = [];
    const sink = { putValidationResult: async (id: string, s: string) => void calls.push(`put ${id} ${s}`), publish: async (subject: string) => void calls.push(`page ${subject}`) };
    const env = { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1', RUNBOOK: 'docs/operations.md#restore-tests' };
    await validator.report(detail('Aurora', cluster), { status: 'SUCCESSFUL', message: 'ok' }, sink, env);
    await validator.report(detail('Aurora', cluster), { status: 'FAILED', message: 'bad' }, sink, env);
    expect(calls).toEqual(['put job-1 SUCCESSFUL', 'put job-1 FAILED', 'page SecureCart prod us-east-1: restore test of Aurora failed']);
  });
});

/**
 * Every stateful resource of the platform, found by type in the templates and the manifests. AWS Backup
 * takes DynamoDB tables, Aurora clusters and S3 buckets; ElastiCache and Secrets Manager it does not
 * ("Feature availability by resource"), so those must show the protection they have instead.
 */
interface StatefulResource {
  readonly region: string;
  readonly kind: string;
  readonly id: string;
  /** The ARN a backup selection names, or undefined for kinds AWS Backup cannot take. */
  readonly arn?: string;
  /** Why it needs no plan, checked on the resource itself; undefined when it needs one. */
  readonly exemptBecause?: string;
}

function statefulResources(cfg: PlatformConfig): StatefulResource[] {
  const found: StatefulResource[] = [];
  for (const [stack, resources] of Object.entries(templates)) {
    const stackRegion = cfg.regions.find((r) => stack === regionalStackName(cfg.name, r.name))?.name ?? (stack.endsWith('-global') ? cfg.regions[0].name : 'us-east-1');
    for (const [id, r] of Object.entries(resources)) {
      if (r.Type === 'AWS::DynamoDB::GlobalTable') {
        for (const replica of r.Properties.Replicas) {
          found.push({ region: replica.Region, kind: r.Type, id, arn: `arn:aws:dynamodb:${replica.Region}:${cfg.accountId}:table/${r.Properties.TableName}` });
        }
      } else if (r.Type === 'AWS::DynamoDB::Table' || /^AWS::RDS::DB(Cluster|Instance)$/.test(r.Type) || r.Type === 'AWS::EFS::FileSystem' || r.Type === 'AWS::EC2::Volume') {
        found.push({ region: stackRegion, kind: r.Type, id, arn: `unexpected ${r.Type}: add it to a plan` });
      } else if (r.Type === 'AWS::S3::Bucket') {
        // Buckets whose objects all expire are telemetry (canary screenshots and HAR files): nothing to restore.
        const expiring = (r.Properties.LifecycleConfiguration?.Rules ?? []).some((rule: any) => rule.Status === 'Enabled' && rule.ExpirationInDays && !rule.Prefix);
        found.push({ region: stackRegion, kind: r.Type, id, arn: r.Properties.BucketName ? `arn:aws:s3:::${r.Properties.BucketName}` : undefined, exemptBecause: expiring ? 'every object expires (telemetry)' : undefined });
      } else if (r.Type === 'AWS::SecretsManager::Secret') {
        const replicas = (r.Properties.ReplicaRegions ?? []).map((x: any) => x.Region);
        const everywhere = cfg.regions.every((reg) => reg.name === stackRegion || replicas.includes(reg.name));
        found.push({ region: stackRegion, kind: r.Type, id, exemptBecause: everywhere && r.DeletionPolicy === 'Retain' ? 'replicated to every region, retained' : undefined });
      } else if (/^AWS::(ElastiCache|DocDB|Neptune|FSx|Redshift|OpenSearchService|Elasticsearch|Timestream|Keyspaces)::/.test(r.Type)) {
        found.push({ region: stackRegion, kind: r.Type, id });
      }
    }
  }
  for (const region of cfg.regions.map((r) => r.name)) {
    for (const o of manifests(region)) {
      if (o.kind === 'DBCluster') found.push({ region, kind: 'DBCluster', id: o.metadata.name, arn: `arn:aws:rds:${region}:${cfg.accountId}:cluster:${o.spec.dbClusterIdentifier}` });
      else if (o.kind === 'DBInstance') {
        // Aurora instances hold no data of their own: the cluster volume is what a cluster backup takes.
        const inCluster = manifests(region).some((c) => c.kind === 'DBCluster' && c.spec.dbClusterIdentifier === o.spec.dbClusterIdentifier);
        found.push({ region, kind: 'DBInstance', id: o.metadata.name, exemptBecause: inCluster ? 'an instance of a protected Aurora cluster' : undefined });
      } else if (o.kind === 'ReplicationGroup') {
        // Not an AWS Backup resource type: ElastiCache's own daily snapshots (docs/resilience.md says why
        // checkout's sessions get no cross-region copy).
        found.push({ region, kind: 'ReplicationGroup', id: o.metadata.name, exemptBecause: o.spec.snapshotRetentionLimit >= 1 ? "ElastiCache's own daily snapshots" : undefined });
      } else if (o.kind === 'ServerlessCache') {
        found.push({ region, kind: o.kind, id: o.metadata.name });
      }
    }
  }
  return found;
}

/** The ARNs the backup plans of a region select, with whether each plan copies to every other region. */
function selected(cfg: PlatformConfig, region: string): Map<string, boolean> {
  const t = regional(region);
  const out = new Map<string, boolean>();
  const others = cfg.regions.filter((r) => r.name !== region).map((r) => r.name);
  for (const [, sel] of ofType(t, 'AWS::Backup::BackupSelection')) {
    const planId = refId(sel.Properties.BackupPlanId)!;
    const rulesOf = t[planId].Properties.BackupPlan.BackupPlanRule as any[];
    const copied = others.every((o) => rulesOf.some((r) => (r.CopyActions ?? []).some((c: any) => c.DestinationBackupVaultArn.startsWith(`arn:aws:backup:${o}:`))));
    for (const arn of sel.Properties.BackupSelection.Resources) {
      // S3 bucket ARNs may come as arn:aws:s3::: + Ref of a bucket of this template.
      const resolved = typeof arn === 'string' ? arn : `arn:aws:s3:::${t[arn['Fn::Join'][1][1].Ref].Properties.BucketName}`;
      out.set(resolved, copied);
    }
  }
  return out;
}

describe('coverage: every stateful resource is in a plan that copies it to every other region', () => {
  test('enumerated from the templates and the manifests', () => {
    const resources = statefulResources(config);
    // The enumeration finds what the platform has (so that it is not vacuous): both clusters and the
    // table replica in each region, the media buckets, Redis and the secrets.
    for (const region of config.regions.map((r) => r.name)) {
      expect(resources.filter((r) => r.region === region && r.kind === 'DBCluster')).toHaveLength(2);
      expect(resources.filter((r) => r.region === region && r.kind === 'AWS::DynamoDB::GlobalTable')).toHaveLength(1);
      expect(resources.filter((r) => r.region === region && r.kind === 'ReplicationGroup')).toHaveLength(1);
      expect(resources.some((r) => r.region === region && r.kind === 'AWS::S3::Bucket' && !r.exemptBecause)).toBe(true);
    }
    const uncovered = resources
      .filter((r) => !r.exemptBecause)
      .filter((r) => !(r.arn && selected(config, r.region).get(r.arn) === true))
      .map((r) => `${r.kind} ${r.id} in ${r.region} (${r.arn ?? 'not an AWS Backup type, and no other protection found'})`);
    expect(uncovered).toEqual([]);
  });

  test('the check fails when a resource leaves a plan', () => {
    const region = config.regions[1].name;
    const t = regional(region);
    const [, sel] = ofType(t, 'AWS::Backup::BackupSelection').find(([, s]) => s.Properties.BackupSelection.SelectionName === 'carts')!;
    const saved = sel.Properties.BackupSelection.Resources;
    sel.Properties.BackupSelection.Resources = [];
    try {
      expect(statefulResources(config).filter((r) => !r.exemptBecause && !(r.arn && selected(config, r.region).get(r.arn)))).toHaveLength(1);
    } finally {
      sel.Properties.BackupSelection.Resources = saved;
    }
  });
});

describe('config', () => {
  const refusal = (change: (d: any) => void) => {
    const data = defaultConfigData();
    change(data);
    try {
      parseConfig(data, 'test.yaml');
    } catch (e) {
      return (e as ConfigError).problems.join('\n');
    }
    return 'accepted';
  };
  test('a cold tier shorter than AWS Backup’s 90 days, a grace time under 3 days and a restore window beyond 168 h are refused, naming the field', () => {
    expect(refusal((d) => (d.data.backup.coldStorageAfterDays = 300))).toMatch(/data\.backup\.coldStorageAfterDays: 300 days leaves 65 days in cold storage .* use at most 275/);
    expect(refusal((d) => (d.data.backup.vaultLockGraceDays = 1))).toMatch(/data\.backup\.vaultLockGraceDays: must be at least 3/);
    expect(refusal((d) => (d.data.backup.restoreTesting.validationWindowHours = 200))).toMatch(/data\.backup\.restoreTesting\.validationWindowHours: must be at most 168/);
    expect(refusal((d) => (d.data.backup.restoreTesting.schedule = 'rate(1 day)'))).toMatch(/data\.backup\.restoreTesting\.schedule: must be a six-field cron/);
  });
});
