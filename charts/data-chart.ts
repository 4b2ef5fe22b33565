import { ApiObject, Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CREDENTIALS, SECRET_KEYS } from '../config/credentials';
import { RegionalOutputs } from '../config/outputs';
import { PlatformConfig, RegionConfig } from '../config/schema';
import { dataSubnetGroupName, globalDatabaseIdentifier } from '../config/data-access';
import { DATA_ENDPOINTS, DATA_PROXY_ENDPOINT_SOURCES, DATA_PROXY_ENDPOINTS, DATA_SAFETY_ANNOTATIONS, DATABASE_NAMES, LABELS } from './constants';
import { AuroraGlobalDatabase } from './constructs/aurora-global-database';
import { RedisReplicationGroup } from './constructs/redis-replication-group';
import { applyMissingLabels, regionInstance } from './labels';
import { proxiedEndpoints } from './workloads';

export interface DataChartProps extends ChartProps {
  readonly config: PlatformConfig;
  readonly region: RegionConfig;
  readonly outputs: RegionalOutputs;
  /** `app.kubernetes.io/version` of the shared objects: the platform repository's version. */
  readonly platformVersion: string;
}

/**
 * The data stores of one region, as ACK resources: the region's member of the orders (PostgreSQL)
 * and catalog (MySQL) Aurora global databases, the primary region owning both global clusters, and a
 * Multi-AZ Redis for checkout. Their endpoints are exported into one ConfigMap the workloads read; once
 * the region's RDS Proxies exist (the data-access stack, deployed after this chart's databases), their
 * endpoints are published in a second one, which the workloads then read instead for the databases.
 */
export class DataChart extends Chart {
  readonly orders: AuroraGlobalDatabase;
  readonly catalog: AuroraGlobalDatabase;
  readonly redis: RedisReplicationGroup;

  constructor(scope: Construct, id: string, props: DataChartProps) {
    super(scope, id, { ...props, namespace: props.config.namespace });
    const { config, region, outputs } = props;
    // The home region (primaryRegion) created the global databases and keeps what only their creator
    // may hold (GlobalCluster, master credentials, the RPO bound): a Region switch moves the writer, not
    // these objects, so git renders the same whichever region is active (docs/architecture.md).
    const role = config.primaryRegion === region.name ? 'primary' : 'secondary';
    const env = config.name;
    const tags = { project: 'securecart', environment: env, 'managed-by': 'ack' };
    const subnetIds = outputs.dataSubnetIds.split(',');
    const secret = (name: string, key: string) => ({ name, namespace: config.namespace, key });

    // ACK writes the endpoints in; the ConfigMap must exist first. Argo CD owns only its metadata.
    new kplus.ConfigMap(this, 'Endpoints', { metadata: { name: DATA_ENDPOINTS.configMap } });
    // The RDS Proxies' endpoints, when the services use them (data.rdsProxy) and the region's data-access
    // stack exists: from the outputs file, whole.
    const proxies = proxiedEndpoints(config, outputs);
    if (proxies) {
      new kplus.ConfigMap(this, 'ProxyEndpoints', {
        metadata: { name: DATA_PROXY_ENDPOINTS.configMap },
        data: Object.fromEntries(Object.values(DATA_PROXY_ENDPOINT_SOURCES).flatMap((db) => [db.readWrite, db.readOnly]).map((e) => [e.key, proxies[e.output]])),
      });
    }

    const subnetGroupName = dataSubnetGroupName(env);
    new ApiObject(this, 'DbSubnetGroup', {
      apiVersion: 'rds.services.k8s.aws/v1alpha1',
      kind: 'DBSubnetGroup',
      metadata: { name: 'data', annotations: { ...DATA_SAFETY_ANNOTATIONS } },
      spec: { name: subnetGroupName, description: 'SecureCart databases: isolated data subnets', subnetIDs: subnetIds, tags: Object.entries(tags).map(([key, value]) => ({ key, value })) },
    });

    const database = (name: 'orders' | 'catalog', engine: 'aurora-postgresql' | 'aurora-mysql', hostKey: string, secretName: string, username: string) => {
      const sizing = config.data[name];
      return new AuroraGlobalDatabase(this, name, {
        // The cluster app's proxies target these clusters by the same names (config/data-access.ts).
        identifier: globalDatabaseIdentifier(env, name),
        name,
        engine,
        engineVersion: sizing.engineVersion,
        instanceClass: sizing.instanceClass,
        role,
        region: region.name,
        primaryRegion: config.primaryRegion,
        availabilityZones: region.availabilityZones,
        instances: sizing.instances,
        subnetGroupName,
        securityGroupIds: [outputs.databaseSecurityGroupId],
        kmsKeyArn: outputs.databaseKmsKeyArn,
        databaseName: DATABASE_NAMES[name],
        masterUsername: username,
        masterPassword: secret(secretName, SECRET_KEYS.password),
        backupRetentionDays: config.data.backupRetentionDays,
        endpointExport: { configMap: DATA_ENDPOINTS.configMap, key: hostKey },
        rpoBoundSeconds: engine === 'aurora-postgresql' ? (config.data.ordersRpoBoundSeconds ?? undefined) : undefined,
        tags,
      });
    };
    this.orders = database('orders', 'aurora-postgresql', DATA_ENDPOINTS.ordersDbHost, outputs.ordersDbSecretName, CREDENTIALS.ordersDb.username);
    this.catalog = database('catalog', 'aurora-mysql', DATA_ENDPOINTS.catalogDbHost, outputs.catalogDbSecretName, CREDENTIALS.catalogDb.username);

    this.redis = new RedisReplicationGroup(this, 'checkout-redis', {
      identifier: `securecart-${env}-checkout`,
      name: 'checkout-redis',
      engineVersion: config.data.redis.engineVersion,
      nodeType: config.data.redis.nodeType,
      replicas: config.data.redis.replicas,
      availabilityZones: region.availabilityZones,
      subnetIds,
      securityGroupIds: [outputs.redisSecurityGroupId],
      authToken: secret(outputs.checkoutRedisSecretName, SECRET_KEYS.redisAuthToken),
      snapshotRetentionDays: config.data.backupRetentionDays,
      endpointExport: { configMap: DATA_ENDPOINTS.configMap, key: DATA_ENDPOINTS.redisHost },
      tags,
    });

    // What the constructs do not label: their instance, and the shared ConfigMap and subnet group.
    applyMissingLabels(this, {
      [LABELS.name]: 'data-tier',
      [LABELS.instance]: regionInstance(env, region.name),
      [LABELS.component]: 'data',
      [LABELS.version]: props.platformVersion,
    });
  }
}
