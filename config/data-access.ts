/**
 * The RDS Proxies in front of the shop's Aurora clusters, as the cluster app creates them and the
 * charts reach them: their names, the clusters they target, and the share of each writer's connections
 * they may take. Shared because the cluster app owns the proxies (cluster/data-access-stack.ts) while
 * the charts own the clusters and their parameter groups (charts/constructs/aurora-global-database.ts).
 */

/** The databases behind a proxy: orders (Aurora PostgreSQL) and catalog (Aurora MySQL). */
export const PROXIED_DATABASES = ['orders', 'catalog'] as const;
export type ProxiedDatabase = (typeof PROXIED_DATABASES)[number];

/** The Aurora engine of each database, as ACK names it. */
export const DATABASE_ENGINES: Record<ProxiedDatabase, 'aurora-postgresql' | 'aurora-mysql'> = {
  orders: 'aurora-postgresql',
  catalog: 'aurora-mysql',
};

/** The global cluster of a database, e.g. securecart-prod-orders (charts/data-chart.ts). */
export function globalDatabaseIdentifier(env: string, db: ProxiedDatabase): string {
  return `securecart-${env}-${db}`;
}

/** A region's member of a global database: the global identifier and the region (charts/constructs/aurora-global-database.ts). */
export function regionalClusterIdentifier(env: string, db: ProxiedDatabase, region: string): string {
  return `${globalDatabaseIdentifier(env, db)}-${region}`;
}

/** The DB subnet group of a region's databases (the data tier's DBSubnetGroup; same name in every region). */
export function dataSubnetGroupName(env: string): string {
  return `securecart-${env}-data`;
}

/**
 * The proxy of a database in a region. Proxy names are unique per account and region, so one name serves
 * every region (letters, digits and single hyphens, starting with a letter: CreateDBProxy's DBProxyName).
 */
export function proxyName(env: string, db: ProxiedDatabase): string {
  return `securecart-${env}-${db}`;
}

/** The proxy's READ_ONLY endpoint: the only one that works on a secondary cluster. */
export function readOnlyEndpointName(env: string, db: ProxiedDatabase): string {
  return `${proxyName(env, db)}-read-only`;
}

/**
 * Percent of the primary writer's max_connections that Aurora MySQL keeps for writes forwarded from the
 * secondaries (aurora_fwd_writer_max_connections_pct: default 10, valid 0-90; Aurora User Guide,
 * "Using write forwarding in an Amazon Aurora global database", configuration parameters). Set explicitly
 * in catalog's parameter group, so that the proxies' share below cannot drift from it.
 */
export const WRITE_FORWARDING_CONNECTIONS_PERCENT = 10;

/**
 * Percent of max_connections a proxy may open: what write forwarding leaves. "If the DB cluster is part of
 * a global database with write forwarding turned on, reduce your proxy's MaxConnectionsPercent value by the
 * quota that's allotted for write forwarding" (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-gdb.html).
 */
export const PROXY_MAX_CONNECTIONS_PERCENT = 100 - WRITE_FORWARDING_CONNECTIONS_PERCENT;
