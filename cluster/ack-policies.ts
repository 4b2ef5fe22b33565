/**
 * Least-privilege IAM for the ACK controllers: exactly the API calls their reconcilers make for the
 * kinds the data tier renders, on this environment's resources, and an explicit Deny on every delete,
 * so that the retention the manifests ask for (services.k8s.aws/deletion-policy: retain) is also
 * enforced by IAM. The calls were read in the controllers' source (test/cluster.test.ts lists them,
 * with file and line, and checks this policy against them).
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { PlatformConfig, RegionConfig } from '../config/schema';

/** Name prefix of every data store of an environment (databases, Redis, their groups). */
export function dataResourcePrefix(config: PlatformConfig): string {
  return `securecart-${config.name}-`;
}

/**
 * ACK RDS controller (rds-controller v1.11.1) for GlobalCluster, DBCluster, DBInstance,
 * DBClusterParameterGroup and DBSubnetGroup. With deletion-policy retain no Delete* is ever called
 * (runtime pkg/runtime/reconciler.go: the delete path only removes the finalizer), and nothing calls
 * RemoveFromGlobalCluster, Switchover/FailoverGlobalCluster or Reboot*: all denied or not granted.
 */
export function ackRdsPolicy(config: PlatformConfig, region: RegionConfig): iam.PolicyStatement[] {
  const prefix = dataResourcePrefix(config);
  const arn = (resource: string) => `arn:aws:rds:${region.name}:${config.accountId}:${resource}`;
  const globalCluster = `arn:aws:rds::${config.accountId}:global-cluster:${prefix}*`;
  const own = {
    cluster: arn(`cluster:${prefix}*`),
    db: arn(`db:${prefix}*`),
    clusterParameterGroup: arn(`cluster-pg:${prefix}*`),
    subnetGroup: arn(`subgrp:${prefix}*`),
  };
  return [
    new iam.PolicyStatement({
      sid: 'ReadWhatItReconciles',
      actions: [
        'rds:DescribeDBClusters', 'rds:DescribeDBInstances', 'rds:DescribeGlobalClusters', 'rds:DescribeDBClusterParameterGroups',
        'rds:DescribeDBClusterParameters', 'rds:DescribeDBSubnetGroups', 'rds:ListTagsForResource',
        // Parameter metadata for overrides it compares against the engine defaults (no resource type).
        'rds:DescribeEngineDefaultClusterParameters', 'rds:DescribeEngineDefaultParameters',
      ],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'CreateAndModifyOwnStores',
      actions: [
        'rds:CreateGlobalCluster', 'rds:ModifyGlobalCluster', 'rds:CreateDBCluster', 'rds:ModifyDBCluster', 'rds:CreateDBInstance', 'rds:ModifyDBInstance',
        'rds:CreateDBClusterParameterGroup', 'rds:ModifyDBClusterParameterGroup', 'rds:ResetDBClusterParameterGroup',
        'rds:CreateDBSubnetGroup', 'rds:ModifyDBSubnetGroup', 'rds:AddTagsToResource', 'rds:RemoveTagsFromResource',
      ],
      resources: [own.cluster, own.db, own.clusterParameterGroup, own.subnetGroup, globalCluster],
    }),
    new iam.PolicyStatement({
      sid: 'DefaultOptionAndParameterGroups',
      // CreateDBCluster and CreateDBInstance also authorise against the engine's default option group
      // (og*) and instance parameter group (AWS Service Authorization Reference, Amazon RDS).
      actions: ['rds:CreateDBCluster', 'rds:CreateDBInstance', 'rds:ModifyDBCluster', 'rds:ModifyDBInstance'],
      resources: [arn('og:default:aurora-*'), arn('pg:default.aurora-*')],
    }),
    new iam.PolicyStatement({
      sid: 'RdsServiceLinkedRole',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: ['*'],
      conditions: { StringLike: { 'iam:AWSServiceName': 'rds.amazonaws.com' } },
    }),
    new iam.PolicyStatement({
      sid: 'NeverDeleteData',
      effect: iam.Effect.DENY,
      actions: ['rds:Delete*', 'rds:RemoveFromGlobalCluster', 'rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'],
      resources: ['*'],
    }),
  ];
}

/**
 * The KMS use RDS makes on the controller's behalf when it creates or modifies an encrypted cluster
 * with the environment's key (dependent actions of CreateDBCluster/ModifyDBCluster in the AWS Service
 * Authorization Reference), only through RDS in this region.
 */
export function ackRdsKeyStatement(key: kms.IKey, region: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DatabaseKeyThroughRds',
    actions: ['kms:DescribeKey', 'kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey'],
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `rds.${region}.amazonaws.com` } },
  });
}

/**
 * ACK ElastiCache controller (elasticache-controller v1.8.0) for ReplicationGroup and CacheSubnetGroup:
 * reads (DescribeEvents and ListTagsForResource fail the read when refused), create and modify,
 * replica-count and shard changes (pkg/resource/replication_group/hooks.go), tags. Never
 * CreateCacheCluster (only the CacheCluster kind calls it), never a delete.
 */
export function ackElastiCachePolicy(config: PlatformConfig, region: RegionConfig): iam.PolicyStatement[] {
  const prefix = dataResourcePrefix(config);
  const arn = (resource: string) => `arn:aws:elasticache:${region.name}:${config.accountId}:${resource}`;
  const replicationGroup = arn(`replicationgroup:${prefix}*`);
  // Member clusters are <replication group id>-001, -002, ...
  const memberClusters = arn(`cluster:${prefix}*`);
  const subnetGroup = arn(`subnetgroup:${prefix}*`);
  return [
    new iam.PolicyStatement({
      sid: 'ReadWhatItReconciles',
      // DescribeEvents has no resource type: it needs '*'.
      actions: ['elasticache:DescribeReplicationGroups', 'elasticache:DescribeCacheSubnetGroups', 'elasticache:DescribeCacheClusters', 'elasticache:DescribeEvents'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ReadOwnGroups',
      actions: ['elasticache:ListTagsForResource', 'elasticache:ListAllowedNodeTypeModifications'],
      resources: [replicationGroup, memberClusters, subnetGroup],
    }),
    new iam.PolicyStatement({
      sid: 'CreateAndModifyOwnGroups',
      actions: [
        'elasticache:CreateReplicationGroup', 'elasticache:ModifyReplicationGroup', 'elasticache:IncreaseReplicaCount', 'elasticache:DecreaseReplicaCount',
        'elasticache:ModifyReplicationGroupShardConfiguration', 'elasticache:CreateCacheSubnetGroup', 'elasticache:ModifyCacheSubnetGroup',
        'elasticache:AddTagsToResource', 'elasticache:RemoveTagsFromResource',
      ],
      resources: [
        replicationGroup, memberClusters, subnetGroup,
        // CreateReplicationGroup authorises against its parameter group (the engine default unless set).
        arn('parametergroup:default.redis*'),
      ],
    }),
    new iam.PolicyStatement({
      sid: 'ElastiCacheServiceLinkedRole',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: ['*'],
      conditions: { StringLike: { 'iam:AWSServiceName': 'elasticache.amazonaws.com' } },
    }),
    new iam.PolicyStatement({
      sid: 'NetworkLookups',
      // Dependent actions of CreateReplicationGroup/ModifyReplicationGroup (AWS Service Authorization Reference).
      actions: ['ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs', 'ec2:DescribeNetworkInterfaces'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'NeverDeleteData',
      effect: iam.Effect.DENY,
      actions: ['elasticache:Delete*'],
      resources: ['*'],
    }),
  ];
}
