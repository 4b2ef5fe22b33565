import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { WRITE_FORWARDING_CONNECTIONS_PERCENT } from '../../config/data-access';
import { DATA_SAFETY_ANNOTATIONS, LABELS, RDS_FINAL_SNAPSHOT } from '../constants';
import { applyLabels } from '../labels';

/**
 * Where ACK publishes a DBCluster's cluster endpoint: rds-controller v1.11.1 pkg/resource/db_cluster/sdk.go:336
 * sets Status.Endpoint from DescribeDBClusters' Endpoint on every read, whatever the cluster's role.
 */
export const CLUSTER_ENDPOINT_PATH = '.status.endpoint';

/** Aurora PostgreSQL's global-database RPO bound, in seconds (cluster parameter). */
export const RDS_GLOBAL_DB_RPO = 'rds.global_db_rpo';

/** The Aurora engines of the shop: orders on PostgreSQL, catalog on MySQL. */
export type AuroraEngine = 'aurora-postgresql' | 'aurora-mysql';

/** A key of a Kubernetes Secret, as ACK references it. */
export interface SecretKeyRef {
  readonly name: string;
  readonly namespace: string;
  readonly key: string;
}

export interface AuroraGlobalDatabaseProps {
  /** Global cluster identifier, e.g. securecart-prod-orders; regional clusters append the region. */
  readonly identifier: string;
  /** Name of the Kubernetes objects (e.g. "orders"). */
  readonly name: string;
  readonly engine: AuroraEngine;
  /** Pinned engine version, identical in every region. */
  readonly engineVersion: string;
  readonly instanceClass: string;
  /** The primary region owns the global cluster, the writer and the master credentials. */
  readonly role: 'primary' | 'secondary';
  /** This region. */
  readonly region: string;
  /** The primary region (a secondary joins from it). */
  readonly primaryRegion: string;
  /** AZs to place instances in, one instance per AZ in order. */
  readonly availabilityZones: string[];
  /** Instances in this region (at least 2 in the primary: Multi-AZ). */
  readonly instances: number;
  /** DB subnet group (the region's isolated data subnets). */
  readonly subnetGroupName: string;
  readonly securityGroupIds: string[];
  /**
   * KMS key of this region's cluster, as a key ARN: the form RDS reports and the ACK controller writes
   * back into the spec (rds-controller v1.11.1 pkg/resource/db_cluster/sdk.go sets Spec.KMSKeyID from
   * the API's KmsKeyId), so Argo CD and the controller agree on it. An alias would be rewritten forever.
   */
  readonly kmsKeyArn: string;
  /** Database created in the primary. */
  readonly databaseName: string;
  readonly masterUsername: string;
  /** Master password, from the Secret synced from Secrets Manager. */
  readonly masterPassword: SecretKeyRef;
  readonly backupRetentionDays: number;
  /** Where this region's cluster endpoint is exported for the workloads. */
  readonly endpointExport: { readonly configMap: string; readonly key: string };
  /**
   * Let a secondary accept writes and forward them to the primary, so a warm standby serves orders
   * before it is promoted. Set on the primary too: AWS applies it when a switchover demotes it.
   * @default true
   */
  readonly writeForwarding?: boolean;
  /**
   * Aurora PostgreSQL only: the RPO bound in seconds (rds.global_db_rpo), set on the primary's cluster
   * parameter group; secondaries keep the default, as AWS advises for two regions ("Using switchover or
   * failover in Amazon Aurora Global Database"). When no secondary is within it, commits block.
   * @default no bound
   */
  readonly rpoBoundSeconds?: number;
  /** AWS tags. @default none */
  readonly tags?: Record<string, string>;
}

/**
 * Per engine: the parameter group family, the cluster parameters (TLS required, and for Aurora MySQL the
 * write forwarding settings) and the logs exported to CloudWatch.
 *
 * Aurora MySQL forwards writes from a secondary only with a read consistency level set ("Always set the
 * aurora_replica_read_consistency DB parameter or DB cluster parameter when you want to forward writes",
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-mysql-write-forwarding-consistency.html).
 * EVENTUAL, not SESSION: catalog reaches its cluster through an RDS Proxy (cluster/data-access), and "When the
 * Aurora DB cluster has write forwarding turned on, RDS Proxy doesn't support the SESSION value for the
 * aurora_replica_read_consistency variable" (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-gdb.html).
 * catalog never reads back in a session what it wrote there: its only writes are the startup seeding
 * (retail-store-sample-app v1.6.2 src/catalog/repository/repository.go:88 db.Save of each tag, :109 db.Create
 * of a product), each product looked up by id before it is written (:95-98), never after; requests go
 * through CatalogRepository (:20-25), whose four methods only read. So EVENTUAL loses nothing.
 * The writer keeps aurora_fwd_writer_max_connections_pct (AWS's default, said explicitly) for forwarded
 * sessions; the proxies take what it leaves (config/data-access.ts).
 */
const ENGINE = {
  'aurora-postgresql': { family: (v: string) => `aurora-postgresql${v.split('.')[0]}`, parameters: { 'rds.force_ssl': '1' }, logs: ['postgresql'] },
  'aurora-mysql': {
    family: (v: string) => `aurora-mysql${v.split('.').slice(0, 2).join('.')}`,
    parameters: {
      require_secure_transport: 'ON',
      aurora_replica_read_consistency: 'EVENTUAL',
      aurora_fwd_writer_max_connections_pct: String(WRITE_FORWARDING_CONNECTIONS_PERCENT),
    },
    logs: ['error', 'slowquery'],
  },
} as const;

/**
 * One region's part of an Aurora global database, as ACK resources: the global cluster (primary
 * only), a parameter group that refuses plain-text connections, the regional cluster (encrypted,
 * deletion-protected, backed up, final snapshot on delete) and its instances spread over the AZs, plus
 * a FieldExport that publishes the cluster endpoint to the workloads. Every object is retained by ACK
 * and never pruned by Argo CD.
 */
export class AuroraGlobalDatabase extends Construct {
  readonly cluster: ApiObject;
  readonly instances: ApiObject[];
  readonly globalCluster?: ApiObject;
  readonly clusterIdentifier: string;

  constructor(scope: Construct, id: string, props: AuroraGlobalDatabaseProps) {
    super(scope, id);
    if (props.role === 'primary' && props.instances < 2) {
      throw new Error(`database ${props.identifier}: ${props.instances} instance(s) would put the primary in a single AZ: use at least 2`);
    }
    if (props.instances > props.availabilityZones.length) {
      throw new Error(`database ${props.identifier}: ${props.instances} instances exceed the ${props.availabilityZones.length} AZs of ${props.region}`);
    }
    const engine = ENGINE[props.engine];
    this.clusterIdentifier = `${props.identifier}-${props.region}`;
    const tags = Object.entries(props.tags ?? {}).map(([key, value]) => ({ key, value }));
    const stateful = { ...DATA_SAFETY_ANNOTATIONS };
    const rds = (kind: string, objectId: string, name: string, spec: Record<string, unknown>, annotations: Record<string, string> = stateful) =>
      new ApiObject(this, objectId, { apiVersion: 'rds.services.k8s.aws/v1alpha1', kind, metadata: { name, annotations }, spec });

    if (props.role === 'primary') {
      this.globalCluster = rds('GlobalCluster', 'GlobalCluster', props.name, {
        globalClusterIdentifier: props.identifier,
        engine: props.engine,
        engineVersion: props.engineVersion,
        storageEncrypted: true,
        deletionProtection: true,
      });
    }

    if (props.rpoBoundSeconds !== undefined && props.engine !== 'aurora-postgresql') {
      throw new Error(`database ${props.identifier}: an RPO bound (rds.global_db_rpo) exists for Aurora PostgreSQL only`);
    }
    const rpo = props.role === 'primary' && props.rpoBoundSeconds !== undefined ? { [RDS_GLOBAL_DB_RPO]: String(props.rpoBoundSeconds) } : {};
    const parameterGroup = `${props.identifier}-tls`;
    rds('DBClusterParameterGroup', 'ParameterGroup', `${props.name}-tls`, {
      name: parameterGroup,
      family: engine.family(props.engineVersion),
      description: `${props.identifier}: TLS required`,
      parameterOverrides: { ...engine.parameters, ...rpo },
      tags,
    });

    if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\//.test(props.kmsKeyArn)) {
      throw new Error(`database ${props.identifier}: kmsKeyArn "${props.kmsKeyArn}" is not a KMS key ARN: RDS reports keys by ARN, so an alias would be rewritten by the controller and re-applied by Argo CD forever`);
    }
    // A secondary joins the global cluster by its identifier: no master credentials, and no
    // sourceRegion (that is for cross-region read replicas, turned into a pre-signed URL on create).
    const byRole =
      props.role === 'primary' ? { databaseName: props.databaseName, masterUsername: props.masterUsername, masterUserPassword: props.masterPassword } : {};
    this.cluster = rds(
      'DBCluster',
      'Cluster',
      props.name,
      {
        dbClusterIdentifier: this.clusterIdentifier,
        globalClusterIdentifier: props.identifier,
        engine: props.engine,
        engineVersion: props.engineVersion,
        dbSubnetGroupName: props.subnetGroupName,
        vpcSecurityGroupIDs: props.securityGroupIds,
        dbClusterParameterGroupName: parameterGroup,
        storageEncrypted: true,
        // Every region's cluster has a key of its own region (a promoted secondary keeps it).
        kmsKeyID: props.kmsKeyArn,
        deletionProtection: true,
        backupRetentionPeriod: props.backupRetentionDays,
        preferredBackupWindow: '03:00-04:00',
        copyTagsToSnapshot: true,
        enableCloudwatchLogsExports: [...engine.logs],
        enableGlobalWriteForwarding: props.writeForwarding ?? true,
        ...byRole,
        tags,
      },
      // ACK skips the final snapshot unless told otherwise.
      { ...stateful, [RDS_FINAL_SNAPSHOT.skip]: 'false', [RDS_FINAL_SNAPSHOT.identifier]: `${this.clusterIdentifier}-final` },
    );

    this.instances = Array.from({ length: props.instances }, (_, i) =>
      rds('DBInstance', `Instance${i + 1}`, `${props.name}-${i + 1}`, {
        dbInstanceIdentifier: `${this.clusterIdentifier}-${i + 1}`,
        dbClusterIdentifier: this.clusterIdentifier,
        engine: props.engine,
        dbInstanceClass: props.instanceClass,
        availabilityZone: props.availabilityZones[i],
        publiclyAccessible: false,
        autoMinorVersionUpgrade: false,
        // The first instance is the preferred failover target.
        promotionTier: i === 0 ? 0 : 1,
        tags,
      }),
    );

    // Every region's apps use their own cluster's cluster endpoint, in both roles: it reaches the writer
    // while the cluster is the primary, and an instance of the cluster while it is a secondary ("You can
    // still connect to the cluster endpoint, but only for read queries",
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-connecting.html),
    // whose writes global write forwarding sends to the primary (enableGlobalWriteForwarding above). Its
    // name never changes, so after a Region switch the pools reconnect to the same host and find the new
    // role: no restart, no render (the reader endpoint, used before, cannot write on a primary).
    new ApiObject(this, 'EndpointExport', {
      apiVersion: 'services.k8s.aws/v1alpha1',
      kind: 'FieldExport',
      metadata: { name: `${props.name}-endpoint` },
      spec: {
        from: { path: CLUSTER_ENDPOINT_PATH, resource: { group: 'rds.services.k8s.aws', kind: 'DBCluster', name: props.name } },
        to: { kind: 'configmap', name: props.endpointExport.configMap, key: props.endpointExport.key },
      },
    });

    applyLabels(this, { [LABELS.name]: `${props.name}-db`, [LABELS.component]: 'database', [LABELS.version]: props.engineVersion });
  }
}
