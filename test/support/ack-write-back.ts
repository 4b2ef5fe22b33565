/**
 * How the ACK controllers write each spec field we render back into the Kubernetes object, read in
 * their source. The runtime patches the spec from AWS's answer after a create, after an update, and
 * for late-initialised fields (aws-controllers-k8s/runtime v0.61/v0.62 pkg/runtime/reconciler.go
 * patchResourceMetadataAndSpec: a merge patch from the desired object to the one read back, with the
 * ACK system tags filtered out). A field we render in another form than AWS reports is rewritten by the
 * controller and re-applied by Argo CD's self-heal, forever (Argo CD v3.4 diffs every field our manifest
 * sets). So every rendered field must be in the form the controller writes back.
 *
 * Sources: aws-controllers-k8s/rds-controller v1.11.1 (R = pkg/resource) and
 * aws-controllers-k8s/elasticache-controller v1.8.0; line numbers at those tags.
 */

/** What the controller does with a field we render. */
export type WriteBack =
  /** Never assigned from AWS, or assigned AWS's copy of exactly what we sent. */
  | { readonly form: 'verbatim'; readonly source: string }
  /** AWS stores the name in lowercase and the controller writes that back. */
  | { readonly form: 'lowercase'; readonly source: string }
  /** Rewritten to the KMS key ARN AWS reports (an alias or key id would change). */
  | { readonly form: 'kms-key-arn'; readonly source: string }
  /** Rewritten to the full engine version AWS reports. */
  | { readonly form: 'full-engine-version'; readonly source: string };

const RDS_CLUSTER_CREATE = 'rds-controller R/db_cluster/sdk.go sdkCreate output (lines 712-1260) and custom_update.go (99-509)';
const RDS_INSTANCE_CREATE = 'rds-controller R/db_instance/sdk.go sdkCreate output (975-1640); update returns the desired copy (1983-1990)';
const NOT_ASSIGNED = 'never assigned from an AWS response (stays as rendered)';

/** Per ACK kind (group/kind), per top-level spec field. */
export const ACK_WRITE_BACK: Record<string, Record<string, WriteBack>> = {
  'rds.services.k8s.aws/GlobalCluster': {
    globalClusterIdentifier: { form: 'lowercase', source: 'rds-controller R/global_cluster/sdk.go create/update output (262-364, 458-542); RDS stores identifiers in lowercase' },
    engine: { form: 'verbatim', source: 'R/global_cluster/sdk.go create output' },
    // delta.go compares it as a plain string: a short form would loop through ModifyGlobalCluster.
    engineVersion: { form: 'full-engine-version', source: 'R/global_cluster/sdk.go create/update output; generated delta.go plain string compare' },
    storageEncrypted: { form: 'verbatim', source: 'R/global_cluster/sdk.go create output' },
    deletionProtection: { form: 'verbatim', source: 'R/global_cluster/sdk.go create output' },
  },
  'rds.services.k8s.aws/DBClusterParameterGroup': {
    name: { form: 'lowercase', source: 'R/db_cluster_parameter_group/sdk.go create output (206-219); RDS stores group names in lowercase' },
    family: { form: 'verbatim', source: 'R/db_cluster_parameter_group/sdk.go create output (206-219)' },
    description: { form: 'verbatim', source: 'R/db_cluster_parameter_group/sdk.go create output (206-219)' },
    parameterOverrides: { form: 'verbatim', source: `R/db_cluster_parameter_group/hooks.go: ${NOT_ASSIGNED} (only with adoption-policy adopt)` },
    tags: { form: 'verbatim', source: 'runtime FilterSystemTags on both sides of the patch; R/db_cluster_parameter_group tags.go' },
  },
  'rds.services.k8s.aws/DBSubnetGroup': {
    name: { form: 'lowercase', source: 'R/db_subnet_group/sdk.go create/update output (245-252, 381-388); RDS stores subnet group names in lowercase' },
    description: { form: 'verbatim', source: 'R/db_subnet_group/sdk.go create/update output' },
    subnetIDs: { form: 'verbatim', source: `R/db_subnet_group/sdk.go: ${NOT_ASSIGNED}` },
    tags: { form: 'verbatim', source: 'runtime FilterSystemTags' },
  },
  'rds.services.k8s.aws/DBCluster': {
    dbClusterIdentifier: { form: 'lowercase', source: `${RDS_CLUSTER_CREATE}: line 833; RDS stores identifiers in lowercase` },
    globalClusterIdentifier: { form: 'verbatim', source: `R/db_cluster: ${NOT_ASSIGNED}` },
    engine: { form: 'verbatim', source: `${RDS_CLUSTER_CREATE}: line 959` },
    engineVersion: { form: 'full-engine-version', source: `${RDS_CLUSTER_CREATE}: line 969 (create only)` },
    dbSubnetGroupName: { form: 'lowercase', source: `R/db_cluster: ${NOT_ASSIGNED}; it names a group AWS stores in lowercase` },
    vpcSecurityGroupIDs: { form: 'verbatim', source: `R/db_cluster: ${NOT_ASSIGNED}; compared ignoring order (runtime pkg/compare/slice.go)` },
    dbClusterParameterGroupName: { form: 'lowercase', source: `R/db_cluster: ${NOT_ASSIGNED}; it names a group AWS stores in lowercase` },
    storageEncrypted: { form: 'verbatim', source: `${RDS_CLUSTER_CREATE}: line 1202` },
    kmsKeyID: { form: 'kms-key-arn', source: `${RDS_CLUSTER_CREATE}: line 1005 (create) and custom_update.go:356 (every update): the KmsKeyId RDS returns, a key ARN` },
    deletionProtection: { form: 'verbatim', source: `${RDS_CLUSTER_CREATE}: line 912` },
    backupRetentionPeriod: { form: 'verbatim', source: `${RDS_CLUSTER_CREATE}: line 785` },
    preferredBackupWindow: { form: 'verbatim', source: `${RDS_CLUSTER_CREATE}: line 1123 (hh24:mi-hh24:mi, as sent)` },
    copyTagsToSnapshot: { form: 'verbatim', source: `${RDS_CLUSTER_CREATE}: line 811` },
    enableCloudwatchLogsExports: { form: 'verbatim', source: `R/db_cluster: ${NOT_ASSIGNED}` },
    enableGlobalWriteForwarding: { form: 'verbatim', source: `R/db_cluster: ${NOT_ASSIGNED}` },
    databaseName: { form: 'verbatim', source: `${RDS_CLUSTER_CREATE}: line 902` },
    masterUsername: { form: 'verbatim', source: `${RDS_CLUSTER_CREATE}: line 1030` },
    masterUserPassword: { form: 'verbatim', source: `R/db_cluster: ${NOT_ASSIGNED} (a Secret reference)` },
    tags: { form: 'verbatim', source: 'runtime FilterSystemTags on both sides of the patch (reconciler.go 1071-1072)' },
  },
  'rds.services.k8s.aws/DBInstance': {
    dbInstanceIdentifier: { form: 'lowercase', source: `${RDS_INSTANCE_CREATE}: line 1128` },
    dbClusterIdentifier: { form: 'lowercase', source: `${RDS_INSTANCE_CREATE}: line 1098` },
    engine: { form: 'verbatim', source: `${RDS_INSTANCE_CREATE}: line 1280` },
    dbInstanceClass: { form: 'verbatim', source: `${RDS_INSTANCE_CREATE}: line 1123` },
    availabilityZone: { form: 'verbatim', source: `${RDS_INSTANCE_CREATE}: line 1040` },
    publiclyAccessible: { form: 'verbatim', source: `${RDS_INSTANCE_CREATE}: line 1544` },
    autoMinorVersionUpgrade: { form: 'verbatim', source: `${RDS_INSTANCE_CREATE}: line 1025` },
    promotionTier: { form: 'verbatim', source: `${RDS_INSTANCE_CREATE}: line 1539` },
    tags: { form: 'verbatim', source: 'runtime FilterSystemTags' },
  },
  'elasticache.services.k8s.aws/CacheSubnetGroup': {
    cacheSubnetGroupName: { form: 'lowercase', source: 'elasticache-controller pkg/resource/cache_subnet_group/sdk.go create output; ElastiCache stores names in lowercase' },
    cacheSubnetGroupDescription: { form: 'verbatim', source: 'cache_subnet_group/sdk.go create output' },
    subnetIDs: { form: 'verbatim', source: `cache_subnet_group/sdk.go: ${NOT_ASSIGNED}` },
    tags: { form: 'verbatim', source: 'cache_subnet_group: tags are sent on create only, never read back' },
  },
  'elasticache.services.k8s.aws/ReplicationGroup': {
    replicationGroupID: { form: 'lowercase', source: 'replication_group/sdk.go create output; ElastiCache stores ids in lowercase' },
    description: { form: 'verbatim', source: 'replication_group/sdk.go create/modify output (AWS echoes it)' },
    engine: { form: 'verbatim', source: 'replication_group/sdk.go create output' },
    // hooks.go updateSpecFields reads the member cluster's full version (7.1.0) into the read copy and a
    // custom compare matches major.minor; the runtime does not write it back for adopt-or-create.
    engineVersion: { form: 'verbatim', source: 'replication_group/hooks.go updateSpecFields (1261) and engine version compare' },
    cacheNodeType: { form: 'verbatim', source: 'replication_group/sdk.go create/modify output (AWS echoes it)' },
    numNodeGroups: { form: 'verbatim', source: 'replication_group: compared with len(status.nodeGroups) (hooks.go 721-747)' },
    replicasPerNodeGroup: { form: 'verbatim', source: 'replication_group: compared with the members of nodeGroups[0] (hooks.go 664-665)' },
    preferredCacheClusterAZs: { form: 'verbatim', source: `replication_group: ${NOT_ASSIGNED}` },
    automaticFailoverEnabled: { form: 'verbatim', source: 'replication_group: compared with status.automaticFailover (hooks.go 550-561)' },
    multiAZEnabled: { form: 'verbatim', source: 'replication_group: compared with status.multiAZ (hooks.go 550-561)' },
    atRestEncryptionEnabled: { form: 'verbatim', source: 'replication_group/sdk.go create output' },
    transitEncryptionEnabled: { form: 'verbatim', source: 'replication_group/sdk.go create output' },
    authToken: { form: 'verbatim', source: `replication_group: ${NOT_ASSIGNED} (a Secret reference)` },
    port: { form: 'verbatim', source: `replication_group: ${NOT_ASSIGNED}` },
    cacheSubnetGroupName: { form: 'lowercase', source: `replication_group: ${NOT_ASSIGNED}; it names a group AWS stores in lowercase` },
    securityGroupIDs: { form: 'verbatim', source: `replication_group: ${NOT_ASSIGNED}` },
    snapshotRetentionLimit: { form: 'verbatim', source: 'replication_group/sdk.go create output' },
    snapshotWindow: { form: 'verbatim', source: 'replication_group/sdk.go create/modify output (hh24:mi-hh24:mi, as sent)' },
    tags: { form: 'verbatim', source: 'runtime FilterSystemTags; tags compared ignoring order' },
  },
  // FieldExport is the ACK runtime's own kind: nothing reads it back from AWS.
  'services.k8s.aws/FieldExport': {
    from: { form: 'verbatim', source: 'runtime FieldExport reconciler: spec is input only' },
    to: { form: 'verbatim', source: 'runtime FieldExport reconciler: spec is input only' },
  },
};

const FULL_ENGINE_VERSION: Record<string, RegExp> = {
  'aurora-postgresql': /^\d+\.\d+$/,
  'aurora-mysql': /^\d+\.\d+\.mysql_aurora\.\d+\.\d+\.\d+$/,
};

/**
 * What is wrong with a rendered value given how the controller writes it back (undefined when it is
 * already in that form). `engine` is the object's spec.engine, for engine versions.
 */
export function writeBackProblem(rule: WriteBack, value: unknown, engine?: string): string | undefined {
  switch (rule.form) {
    case 'verbatim':
      return undefined;
    case 'lowercase':
      return typeof value === 'string' && value !== value.toLowerCase() ? `AWS stores "${value}" as "${value.toLowerCase()}"` : undefined;
    case 'kms-key-arn':
      return typeof value === 'string' && /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/.test(value) ? undefined : `"${String(value)}" is rewritten to the key ARN RDS reports`;
    case 'full-engine-version': {
      const pattern = engine ? FULL_ENGINE_VERSION[engine] : undefined;
      if (!pattern) return `no full-version form known for engine ${engine}`;
      return typeof value === 'string' && pattern.test(value) ? undefined : `"${String(value)}" is rewritten to the full version RDS reports`;
    }
  }
}
