/**
 * The AWS API calls the ACK controllers make for the kinds the data tier renders, read in their source
 * at the pinned versions, with the resource each call authorises against. The IAM tests check the
 * controllers' roles allow exactly these (and deny every delete).
 *
 * RDS: aws-controllers-k8s/rds-controller v1.11.1 (R = pkg/resource). ElastiCache:
 * aws-controllers-k8s/elasticache-controller v1.8.0 (pkg/resource/replication_group, cache_subnet_group).
 * Resource types per action: AWS Service Authorization Reference (Amazon RDS, Amazon ElastiCache).
 */

export interface ControllerCall {
  readonly action: string;
  /** An example ARN of what it acts on, `<region>`/`<account>`/`<env>` filled in by the test. */
  readonly resource: string;
  readonly where: string;
}

const rds = (type: string, name: string) => `arn:aws:rds:<region>:<account>:${type}:${name}`;

export const ACK_RDS_CALLS: ControllerCall[] = [
  { action: 'rds:DescribeDBClusters', resource: '*', where: 'R/db_cluster/sdk.go:79 sdkFind, every read' },
  { action: 'rds:ListTagsForResource', resource: rds('cluster', 'securecart-<env>-orders-<region>'), where: 'R/db_cluster/hooks.go:248 getTags, every read' },
  { action: 'rds:CreateDBCluster', resource: rds('cluster', 'securecart-<env>-orders-<region>'), where: 'R/db_cluster/sdk.go:704' },
  { action: 'rds:CreateDBCluster', resource: rds('cluster-pg', 'securecart-<env>-orders-tls'), where: 'CreateDBCluster authorises cluster-pg*' },
  { action: 'rds:CreateDBCluster', resource: rds('subgrp', 'securecart-<env>-data'), where: 'CreateDBCluster authorises subgrp*' },
  { action: 'rds:CreateDBCluster', resource: rds('og', 'default:aurora-postgresql-16'), where: 'CreateDBCluster authorises og*' },
  { action: 'rds:CreateDBCluster', resource: 'arn:aws:rds::<account>:global-cluster:securecart-<env>-orders', where: 'CreateDBCluster authorises the global cluster it joins' },
  { action: 'rds:ModifyDBCluster', resource: rds('cluster', 'securecart-<env>-orders-<region>'), where: 'R/db_cluster/custom_update.go:91' },
  { action: 'rds:AddTagsToResource', resource: rds('cluster', 'securecart-<env>-orders-<region>'), where: 'R/db_cluster/hooks.go:228 syncTags; also authorised on every tagged create' },
  { action: 'rds:RemoveTagsFromResource', resource: rds('cluster', 'securecart-<env>-orders-<region>'), where: 'R/db_cluster/hooks.go:209 syncTags' },
  { action: 'rds:DescribeDBInstances', resource: '*', where: 'R/db_instance/sdk.go:79' },
  { action: 'rds:CreateDBInstance', resource: rds('db', 'securecart-<env>-orders-<region>-1'), where: 'R/db_instance/sdk.go:960' },
  { action: 'rds:CreateDBInstance', resource: rds('pg', 'default.aurora-postgresql16'), where: 'CreateDBInstance authorises pg' },
  { action: 'rds:ModifyDBInstance', resource: rds('db', 'securecart-<env>-orders-<region>-1'), where: 'R/db_instance/sdk.go:1976' },
  { action: 'rds:DescribeGlobalClusters', resource: '*', where: 'R/global_cluster/sdk.go:78' },
  { action: 'rds:CreateGlobalCluster', resource: 'arn:aws:rds::<account>:global-cluster:securecart-<env>-orders', where: 'R/global_cluster/sdk.go:252' },
  { action: 'rds:ModifyGlobalCluster', resource: 'arn:aws:rds::<account>:global-cluster:securecart-<env>-orders', where: 'R/global_cluster/sdk.go:448' },
  { action: 'rds:DescribeDBClusterParameterGroups', resource: '*', where: 'R/db_cluster_parameter_group/sdk.go:78' },
  { action: 'rds:DescribeDBClusterParameters', resource: rds('cluster-pg', 'securecart-<env>-orders-tls'), where: 'R/db_cluster_parameter_group/hooks.go:284, every read' },
  { action: 'rds:DescribeEngineDefaultClusterParameters', resource: '*', where: 'R/db_cluster_parameter_group/hooks.go:468' },
  { action: 'rds:DescribeEngineDefaultParameters', resource: '*', where: 'R/db_cluster_parameter_group/hooks.go:507 (fallback)' },
  { action: 'rds:CreateDBClusterParameterGroup', resource: rds('cluster-pg', 'securecart-<env>-orders-tls'), where: 'R/db_cluster_parameter_group/sdk.go:192' },
  { action: 'rds:ModifyDBClusterParameterGroup', resource: rds('cluster-pg', 'securecart-<env>-orders-tls'), where: 'R/db_cluster_parameter_group/hooks.go:444' },
  { action: 'rds:ResetDBClusterParameterGroup', resource: rds('cluster-pg', 'securecart-<env>-orders-tls'), where: 'R/db_cluster_parameter_group/hooks.go:392 (an override removed)' },
  { action: 'rds:DescribeDBSubnetGroups', resource: '*', where: 'R/db_subnet_group/sdk.go:78' },
  { action: 'rds:CreateDBSubnetGroup', resource: rds('subgrp', 'securecart-<env>-data'), where: 'R/db_subnet_group/sdk.go:228' },
  { action: 'rds:ModifyDBSubnetGroup', resource: rds('subgrp', 'securecart-<env>-data'), where: 'R/db_subnet_group/sdk.go:359' },
];

/** Never called with deletion-policy retain (runtime reconciler.go: retain only removes the finalizer) or at all. */
export const ACK_RDS_NEVER = [
  'rds:DeleteDBCluster', 'rds:DeleteDBInstance', 'rds:DeleteGlobalCluster', 'rds:DeleteDBSubnetGroup', 'rds:DeleteDBClusterParameterGroup',
  'rds:DeleteDBClusterSnapshot', 'rds:DeleteDBClusterAutomatedBackup', 'rds:RemoveFromGlobalCluster', 'rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster',
];

const ec = (type: string, name: string) => `arn:aws:elasticache:<region>:<account>:${type}:${name}`;

export const ACK_ELASTICACHE_CALLS: ControllerCall[] = [
  { action: 'elasticache:DescribeReplicationGroups', resource: '*', where: 'replication_group/sdk.go:79 sdkFind' },
  { action: 'elasticache:ListAllowedNodeTypeModifications', resource: ec('replicationgroup', 'securecart-<env>-checkout'), where: 'replication_group/hooks.go:263' },
  { action: 'elasticache:DescribeEvents', resource: '*', where: 'replication_group/hooks.go:359 and cache_subnet_group/hooks.go:73; a refusal fails every read' },
  { action: 'elasticache:DescribeCacheClusters', resource: '*', where: 'replication_group/hooks.go:1087' },
  { action: 'elasticache:ListTagsForResource', resource: ec('replicationgroup', 'securecart-<env>-checkout'), where: 'pkg/util/tags.go:44; a refusal fails the read' },
  { action: 'elasticache:CreateReplicationGroup', resource: ec('replicationgroup', 'securecart-<env>-checkout'), where: 'replication_group/sdk.go:563' },
  { action: 'elasticache:CreateReplicationGroup', resource: ec('parametergroup', 'default.redis7'), where: 'CreateReplicationGroup authorises parametergroup*' },
  { action: 'elasticache:CreateReplicationGroup', resource: ec('subnetgroup', 'securecart-<env>-checkout'), where: 'CreateReplicationGroup authorises its subnet group' },
  { action: 'elasticache:CreateReplicationGroup', resource: ec('cluster', 'securecart-<env>-checkout-001'), where: 'CreateReplicationGroup authorises its member clusters' },
  { action: 'elasticache:ModifyReplicationGroup', resource: ec('replicationgroup', 'securecart-<env>-checkout'), where: 'replication_group/hooks.go:619 and sdk.go:1238' },
  { action: 'elasticache:ModifyReplicationGroup', resource: ec('parametergroup', 'default.redis7'), where: 'the generated update sends the late-initialised parameter group (sdk.go:1639-1641)' },
  { action: 'elasticache:IncreaseReplicaCount', resource: ec('replicationgroup', 'securecart-<env>-checkout'), where: 'replication_group/hooks.go:758 (data.redis.replicas raised)' },
  { action: 'elasticache:DecreaseReplicaCount', resource: ec('replicationgroup', 'securecart-<env>-checkout'), where: 'replication_group/hooks.go:776 (data.redis.replicas lowered)' },
  { action: 'elasticache:ModifyReplicationGroupShardConfiguration', resource: ec('replicationgroup', 'securecart-<env>-checkout'), where: 'replication_group/hooks.go:794' },
  { action: 'elasticache:AddTagsToResource', resource: ec('replicationgroup', 'securecart-<env>-checkout'), where: 'pkg/util/tags.go:126; also a dependent action of every tagged create' },
  { action: 'elasticache:RemoveTagsFromResource', resource: ec('replicationgroup', 'securecart-<env>-checkout'), where: 'pkg/util/tags.go:144' },
  { action: 'elasticache:DescribeCacheSubnetGroups', resource: '*', where: 'cache_subnet_group/sdk.go:78' },
  { action: 'elasticache:CreateCacheSubnetGroup', resource: ec('subnetgroup', 'securecart-<env>-checkout'), where: 'cache_subnet_group/sdk.go:211' },
  { action: 'elasticache:AddTagsToResource', resource: ec('subnetgroup', 'securecart-<env>-checkout'), where: 'dependent action of CreateCacheSubnetGroup with tags' },
  { action: 'elasticache:ModifyCacheSubnetGroup', resource: ec('subnetgroup', 'securecart-<env>-checkout'), where: 'cache_subnet_group/sdk.go:329' },
];

/**
 * Deletes are never called with retain. (CreateCacheCluster is not needed either: only the CacheCluster
 * kind calls it, pkg/resource/cache_cluster/sdk.go:462; the role simply does not grant it.)
 */
export const ACK_ELASTICACHE_NEVER = ['elasticache:DeleteReplicationGroup', 'elasticache:DeleteCacheSubnetGroup', 'elasticache:DeleteCacheCluster', 'elasticache:DeleteSnapshot'];
