/**
 * The ACK data tier of every region: topology (global databases, Multi-AZ, replicas), protection
 * against deletes, encryption, backups, credentials by reference only, and endpoints reaching the apps.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { CREDENTIALS } from '../config/credentials';
import { ConfigError, parseConfig } from '../config/load';
import { DATA_ENDPOINTS, DATA_PROXY_ENDPOINTS } from '../charts/constants';
import { WRITE_FORWARDING_CONNECTIONS_PERCENT } from '../config/data-access';
import { AuroraGlobalDatabase } from '../charts/constructs/aurora-global-database';
import { RedisReplicationGroup } from '../charts/constructs/redis-replication-group';
import { defaultConfigData, defaultInput, K8sObject, parseDocs, renderRegion, ROOT } from './helpers';

const input = defaultInput();
const { config } = input;
const [primary, secondary] = config.regions.map((r) => r.name);
const data = Object.fromEntries(config.regions.map((r) => [r.name, renderRegion(input, r.name)]));
const ofKind = (region: string, kind: string) => data[region].data.filter((o) => o.kind === kind);
const named = (region: string, kind: string, name: string) => ofKind(region, kind).find((o) => o.metadata.name === name)!;
const ACK_GROUPS = /\.services\.k8s\.aws\//;
const STATEFUL = ['GlobalCluster', 'DBCluster', 'DBInstance', 'ReplicationGroup', 'DBSubnetGroup', 'CacheSubnetGroup', 'DBClusterParameterGroup'];

describe.each(config.regions.map((r) => r.name))('data tier in %s', (region) => {
  const isPrimary = region === primary;
  const zones = config.regions.find((r) => r.name === region)!.availabilityZones;
  const out = input.outputs.regions[region];

  test.each(['orders', 'catalog'] as const)('%s: a member of its Aurora global database, encrypted, protected and backed up', (db) => {
    const cluster = named(region, 'DBCluster', db);
    expect(cluster.spec).toMatchObject({
      dbClusterIdentifier: `securecart-prod-${db}-${region}`,
      globalClusterIdentifier: `securecart-prod-${db}`,
      engine: db === 'orders' ? 'aurora-postgresql' : 'aurora-mysql',
      engineVersion: config.data[db].engineVersion,
      storageEncrypted: true,
      deletionProtection: true,
      copyTagsToSnapshot: true,
      dbSubnetGroupName: 'securecart-prod-data',
      vpcSecurityGroupIDs: [out.databaseSecurityGroupId],
    });
    expect(cluster.spec.backupRetentionPeriod).toBeGreaterThanOrEqual(7);
    // ACK skips the final snapshot unless both annotations say otherwise.
    expect(cluster.metadata.annotations).toMatchObject({
      'rds.services.k8s.aws/skip-final-snapshot': 'false',
      'rds.services.k8s.aws/final-db-snapshot-identifier': `securecart-prod-${db}-${region}-final`,
    });
    const pg = named(region, 'DBClusterParameterGroup', `${db}-tls`);
    expect(cluster.spec.dbClusterParameterGroupName).toBe(pg.spec.name);
    // orders: the RPO bound on the primary's group only; secondaries keep the default, as AWS advises
    // for two regions (Aurora User Guide, "Using switchover or failover in Amazon Aurora Global Database").
    const ordersParameters = isPrimary ? { 'rds.force_ssl': '1', 'rds.global_db_rpo': String(config.data.ordersRpoBoundSeconds) } : { 'rds.force_ssl': '1' };
    // catalog: EVENTUAL, the read consistency RDS Proxy supports with write forwarding, and the writer's
    // forwarding share said explicitly (charts/constructs/aurora-global-database.ts says why).
    const catalogParameters = { require_secure_transport: 'ON', aurora_replica_read_consistency: 'EVENTUAL', aurora_fwd_writer_max_connections_pct: String(WRITE_FORWARDING_CONNECTIONS_PERCENT) };
    expect(pg.spec.parameterOverrides).toEqual(db === 'orders' ? ordersParameters : catalogParameters);
    expect(pg.spec.family).toBe(db === 'orders' ? 'aurora-postgresql16' : 'aurora-mysql8.0');
  });

  test.each(['orders', 'catalog'] as const)('%s: instances spread one per AZ, Multi-AZ in every region (either may hold the writer after a Region switch)', (db) => {
    const instances = ofKind(region, 'DBInstance').filter((i) => i.spec.dbClusterIdentifier === `securecart-prod-${db}-${region}`);
    expect(instances).toHaveLength(config.data[db].instances);
    const azs = instances.map((i) => i.spec.availabilityZone);
    expect(new Set(azs).size).toBe(azs.length);
    for (const az of azs) expect(zones).toContain(az);
    expect(new Set(azs).size).toBeGreaterThanOrEqual(2);
    for (const i of instances) expect(i.spec).toMatchObject({ publiclyAccessible: false, engine: named(region, 'DBCluster', db).spec.engine });
  });

  test.each(['orders', 'catalog'] as const)('%s: credentials by reference in the primary; the secondary joins without any', (db) => {
    const cluster = named(region, 'DBCluster', db);
    const credential = CREDENTIALS[db === 'orders' ? 'ordersDb' : 'catalogDb'];
    if (isPrimary) {
      expect(cluster.spec.masterUsername).toBe(credential.username);
      expect(cluster.spec.masterUserPassword).toEqual({ name: db === 'orders' ? out.ordersDbSecretName : out.catalogDbSecretName, namespace: config.namespace, key: 'password' });
      expect(cluster.spec).not.toHaveProperty('manageMasterUserPassword');
      expect(named(region, 'GlobalCluster', db).spec).toMatchObject({ globalClusterIdentifier: `securecart-prod-${db}`, storageEncrypted: true, deletionProtection: true });
    } else {
      expect(cluster.spec).not.toHaveProperty('masterUserPassword');
      expect(cluster.spec).not.toHaveProperty('masterUsername');
    }
    // Both roles: the region's own key, by ARN (the form the controller writes back), and no
    // sourceRegion (a global-database member joins by identifier; sourceRegion is for read replicas).
    expect(cluster.spec.kmsKeyID).toBe(out.databaseKmsKeyArn);
    expect(cluster.spec.kmsKeyID).toMatch(new RegExp(`^arn:aws:kms:${region}:\\d{12}:key/`));
    expect(cluster.spec).not.toHaveProperty('sourceRegion');
    // Both roles: a secondary forwards writes; a primary gets it the moment a switchover demotes it.
    expect(cluster.spec.enableGlobalWriteForwarding).toBe(true);
  });

  test('only the primary region declares the global clusters', () => {
    expect(ofKind(region, 'GlobalCluster').map((g) => g.spec.globalClusterIdentifier).sort()).toEqual(isPrimary ? ['securecart-prod-catalog', 'securecart-prod-orders'] : []);
  });

  test('Redis: Multi-AZ with automatic failover, replicas in other AZs, encrypted, AUTH token by reference, snapshots kept', () => {
    const rg = named(region, 'ReplicationGroup', 'checkout-redis');
    expect(rg.spec).toMatchObject({
      engine: 'redis',
      numNodeGroups: 1,
      automaticFailoverEnabled: true,
      multiAZEnabled: true,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      authToken: { name: out.checkoutRedisSecretName, namespace: config.namespace, key: 'authToken' },
      securityGroupIDs: [out.redisSecurityGroupId],
    });
    expect(rg.spec.replicasPerNodeGroup).toBeGreaterThanOrEqual(1);
    expect(rg.spec.snapshotRetentionLimit).toBeGreaterThanOrEqual(7);
    const placed = rg.spec.preferredCacheClusterAZs;
    expect(placed).toHaveLength(rg.spec.replicasPerNodeGroup + 1);
    expect(new Set(placed).size).toBe(Math.min(placed.length, zones.length));
    expect(named(region, 'CacheSubnetGroup', 'checkout-redis').spec).toMatchObject({ cacheSubnetGroupName: rg.spec.cacheSubnetGroupName, subnetIDs: out.dataSubnetIds.split(',') });
  });

  test('no delete can take data with it: ACK retains, Argo CD never prunes or deletes', () => {
    const stateful = data[region].data.filter((o) => STATEFUL.includes(o.kind));
    expect(stateful.length).toBeGreaterThan(0);
    for (const o of stateful) {
      expect({ object: `${o.kind}/${o.metadata.name}`, ...o.metadata.annotations }).toMatchObject({
        'services.k8s.aws/deletion-policy': 'retain',
        'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
      });
    }
    for (const o of data[region].data.filter((d) => ACK_GROUPS.test(`${d.apiVersion}/`) && d.kind !== 'FieldExport')) {
      expect(STATEFUL).toContain(o.kind);
    }
  });

  test('endpoints are exported into the ConfigMap the workloads read, each key exactly once', () => {
    const exports = ofKind(region, 'FieldExport');
    expect(named(region, 'ConfigMap', DATA_ENDPOINTS.configMap)).toBeDefined();
    const keys = exports.map((e) => e.spec.to.key).sort();
    expect(keys).toEqual([DATA_ENDPOINTS.catalogDbHost, DATA_ENDPOINTS.redisHost, DATA_ENDPOINTS.ordersDbHost].sort());
    for (const e of exports) {
      expect(e.spec.to).toMatchObject({ kind: 'configmap', name: DATA_ENDPOINTS.configMap });
      const source = data[region].data.find((o) => o.kind === e.spec.from.resource.kind && o.metadata.name === e.spec.from.resource.name);
      expect(source).toBeDefined();
      expect(source!.apiVersion.split('/')[0]).toBe(e.spec.from.resource.group);
    }
    // Every region's apps use their own cluster endpoint, in both roles (rds-controller v1.11.1
    // db_cluster/sdk.go:336 publishes DescribeDBClusters' Endpoint whatever the role): a Region switch
    // changes neither the export nor the host, so nothing restarts and git does not change.
    expect(exports.filter((e) => e.spec.from.resource.kind === 'DBCluster').map((e) => e.spec.from.path)).toEqual(['.status.endpoint', '.status.endpoint']);
    // Every ConfigMap key the workloads read is one of these exports: data.rdsProxy is off by default, so
    // no proxy endpoints are published even though the example outputs name the proxies.
    expect(config.data.rdsProxy).toBe(false);
    expect(data[region].data.some((o) => o.kind === 'ConfigMap' && o.metadata.name === DATA_PROXY_ENDPOINTS.configMap)).toBe(false);
    const read = data[region].apps
      .filter((o) => o.kind === 'Deployment')
      .flatMap((d) => d.spec.template.spec.containers.flatMap((c: any) => c.env ?? []))
      .map((e: any) => e.valueFrom?.configMapKeyRef)
      .filter(Boolean);
    expect(read.length).toBe(3);
    for (const ref of read) expect({ name: ref.name, exported: keys.includes(ref.key) }).toEqual({ name: DATA_ENDPOINTS.configMap, exported: true });
  });

  test('clients speak TLS where the parameter group demands it', () => {
    const catalog = named(region, 'DBClusterParameterGroup', 'catalog-tls');
    expect(catalog.spec.parameterOverrides.require_secure_transport).toBe('ON');
    const env = data[region].apps.find((o) => o.kind === 'Deployment' && o.metadata.name === 'catalog')!.spec.template.spec.containers[0].env;
    const dbName = env.find((e: any) => e.name === 'RETAIL_CATALOG_PERSISTENCE_DB_NAME').value as string;
    expect(dbName.split('?')[0]).toBe(named(primary, 'DBCluster', 'catalog').spec.databaseName);
    expect(dbName).toMatch(/[?&]tls=(true|skip-verify|preferred)/);
  });

  test('every credential the data tier references is one the cluster syncs from Secrets Manager', () => {
    const refs = JSON.stringify(data[region].data).match(/"(masterUserPassword|authToken)":\{[^}]*\}/g) ?? [];
    expect(refs.length).toBe(isPrimary ? 3 : 1);
    const synced = Object.values(CREDENTIALS).map((c) => c.kubernetesSecret);
    for (const r of refs) expect(synced).toContain(JSON.parse(`{${r}}`)[r.split('"')[1]].name);
  });
});

describe('committed manifests hold no credential', () => {
  const files = fs.readdirSync(path.join(ROOT, 'manifests'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'));
  const objects: K8sObject[] = files.flatMap((f) => parseDocs(fs.readFileSync(path.join(ROOT, 'manifests', f), 'utf8')));

  test('no Secret objects and no data under credential-like keys, only references', () => {
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const offenders: string[] = [];
    for (const o of objects.filter((x) => x.kind === 'Deployment')) {
      for (const c of o.spec.template.spec.containers) {
        for (const e of c.env ?? []) {
          if (/PASSWORD|TOKEN|SECRET/.test(e.name) && 'value' in e) offenders.push(`Deployment/${o.metadata.name} env ${e.name}`);
        }
      }
    }
    const walk = (value: unknown, where: string) => {
      if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${where}[${i}]`));
      if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (/pass(word)?|token|secret/i.test(k) && typeof v === 'string' && !/Name$|^secretName$/.test(k)) offenders.push(`${where}.${k}`);
          walk(v, `${where}.${k}`);
        }
      }
    };
    for (const o of objects) walk(o, `${o.kind}/${o.metadata.name}`);
    expect(offenders).toEqual([]);
  });
});

describe('refusing a data tier that could lose data or availability', () => {
  const refusal = (mutate: (c: any) => void) => {
    const c = defaultConfigData();
    mutate(c);
    try {
      parseConfig(c);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).problems.join('\n');
    }
    throw new Error('config accepted');
  };

  test('a database on one instance (a single AZ)', () => {
    expect(refusal((c) => (c.data.orders.instances = 1))).toMatch(/^data\.orders\.instances: must be at least 2: a single instance puts the database in a single AZ/m);
  });
  test('more instances than a region has AZs', () => {
    expect(refusal((c) => (c.data.catalog.instances = 4))).toMatch(/^data\.catalog\.instances: 4 instances exceed the 3 AZs of regions\.0 \(us-east-1\)/m);
  });
  test('the keys instances replaced are named with the fix', () => {
    expect(refusal((c) => Object.assign(c.data.orders, { primaryInstances: 2 }))).toMatch(/^data\.orders\.primaryInstances: was replaced by instances .*set instances \(at least 2\)$/m);
  });
  test('backups shorter than 7 days', () => {
    expect(refusal((c) => (c.data.backupRetentionDays = 1))).toMatch(/^data\.backupRetentionDays: must be at least 7 days/m);
  });
  test('Redis without a replica', () => {
    expect(refusal((c) => (c.data.redis.replicas = 0))).toMatch(/^data\.redis\.replicas: must be at least 1: Multi-AZ automatic failover needs a replica/m);
  });
  test('the constructs refuse the same on their own', () => {
    const chart = new Chart(Testing.app(), 'x');
    const common = {
      identifier: 'db', name: 'db', engine: 'aurora-postgresql' as const, engineVersion: '16.6', instanceClass: 'db.r6g.large', region: 'us-east-1', primaryRegion: 'us-east-1',
      availabilityZones: ['us-east-1a', 'us-east-1b'], subnetGroupName: 's', securityGroupIds: ['sg-1'], databaseName: 'd', masterUsername: 'u',
      masterPassword: { name: 's', namespace: 'n', key: 'password' }, backupRetentionDays: 7, endpointExport: { configMap: 'c', key: 'k' },
      kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/0e5a1c7e-0000-4000-8000-000000000001',
    };
    expect(() => new AuroraGlobalDatabase(chart, 'alias', { ...common, role: 'secondary', instances: 1, kmsKeyArn: 'alias/aws/rds' })).toThrow(/kmsKeyArn "alias\/aws\/rds" is not a KMS key ARN/);
    expect(() => new AuroraGlobalDatabase(chart, 'one', { ...common, role: 'primary', instances: 1 })).toThrow(/1 instance\(s\) would put the primary in a single AZ/);
    expect(() => new AuroraGlobalDatabase(chart, 'three', { ...common, role: 'secondary', instances: 3 })).toThrow(/3 instances exceed the 2 AZs/);
    expect(
      () =>
        new RedisReplicationGroup(chart, 'redis', {
          identifier: 'r', name: 'r', engineVersion: '7.1', nodeType: 'cache.r7g.large', replicas: 0, availabilityZones: ['a'], subnetIds: [], securityGroupIds: [],
          authToken: { name: 's', namespace: 'n', key: 'authToken' }, snapshotRetentionDays: 7, endpointExport: { configMap: 'c', key: 'k' },
        }),
    ).toThrow(/automatic failover needs at least 1 replica/);
  });
});

test('the secondary is the primary region’s mirror: same engines and versions', () => {
  for (const db of ['orders', 'catalog']) {
    const [p, s] = [named(primary, 'DBCluster', db), named(secondary, 'DBCluster', db)];
    expect([s.spec.engine, s.spec.engineVersion, s.spec.globalClusterIdentifier]).toEqual([p.spec.engine, p.spec.engineVersion, p.spec.globalClusterIdentifier]);
  }
});
