/**
 * The five retail store sample services and how each is wired to its real AWS backend. Secret
 * names, the carts table and role come from the CDK outputs; the Redis host comes from the ConfigMap the
 * ACK data tier exports it to; database hosts come from the region's RDS Proxies once they exist (the
 * data-access stack's outputs), else from the clusters' own endpoints the data tier exports. Either way
 * each region's own, by its role, which follows a promotion. Nothing here is environment specific.
 */
import { parseImage, PlatformConfig, RegionConfig, ServiceName } from '../config/schema';
import { GlobalOutputs, RegionalOutputs } from '../config/outputs';
import { EnvVar, HealthEndpoints, SecretFiles } from './constructs/highly-available-service';
import { RDS_CA_BUNDLE, SECRET_KEYS } from '../config/credentials';
import { tracingEnv } from './telemetry';
import { CATALOG_DB_NAME_WITH_TLS, DATA_ENDPOINTS, DATA_PROXY_ENDPOINT_SOURCES, DATA_PROXY_ENDPOINTS, RDS_CA_DIRECTORY, UI_READINESS_PATH, DATABASE_NAMES, JAVA_OPTS, PORTS, SHUTDOWN, WELL_KNOWN } from './constants';

/** Which backend a service talks to, for its egress NetworkPolicy. */
export type Backend = 'mysql' | 'postgres' | 'redis' | 'aws-apis' | 'none';

/** Everything about a service that does not depend on its sizing. */
export interface WorkloadSpec {
  readonly name: ServiceName;
  readonly component: 'frontend' | 'backend';
  readonly health: HealthEndpoints;
  readonly env: EnvVar[];
  /** Services this one calls over HTTP. */
  readonly calls: ServiceName[];
  readonly backend: Backend;
  readonly serviceAccountAnnotations?: Record<string, string>;
  readonly secretFiles?: SecretFiles[];
  readonly automountServiceAccountToken?: boolean;
  /** Seconds to keep serving after termination starts: the ALB's deregistration for ui, less in-cluster. */
  readonly drainSeconds?: number;
}

const SPRING_HEALTH: HealthEndpoints = {
  readinessPath: UI_READINESS_PATH,
  livenessPath: '/actuator/health/liveness',
  slowStart: true,
};

/** In-cluster URL of a service (Services listen on port 80). */
export function serviceUrl(name: ServiceName, namespace: string): string {
  return `http://${name}.${namespace}.svc:${PORTS.service}`;
}

/** The version label of a service: its image tag (or digest). */
export function imageVersion(image: string): string {
  const { tag, digest } = parseImage(image);
  return (tag ?? digest!.replace('sha256:', '')).slice(0, 63);
}

/**
 * The region's RDS Proxy endpoints when the services connect through them: data.rdsProxy on and the
 * region's data-access stack in the outputs (it is deployed after the databases). Otherwise undefined:
 * the services use the cluster endpoint ACK exports, which serves them in both roles of a Region switch.
 */
export function proxiedEndpoints(config: PlatformConfig, outputs: RegionalOutputs): RegionalOutputs['proxyEndpoints'] {
  return config.data.rdsProxy ? outputs.proxyEndpoints : undefined;
}

/**
 * The ConfigMap key a database client reads its host from. With the region's RDS Proxies: the primary's
 * clients use the proxy's default (read/write) endpoint; a secondary's use its READ_ONLY endpoint, the
 * only one that works on a secondary cluster ("requests that are sent to read/write endpoints fail",
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-gdb.html), their writes forwarded
 * by Aurora global write forwarding. Without proxies: the cluster endpoint ACK exports, in every region
 * and role (charts/constructs/aurora-global-database.ts).
 */
export function databaseHostRef(db: 'orders' | 'catalog', config: PlatformConfig, region: RegionConfig, outputs: RegionalOutputs): { name: string; key: string } {
  if (!proxiedEndpoints(config, outputs)) return { name: DATA_ENDPOINTS.configMap, key: db === 'orders' ? DATA_ENDPOINTS.ordersDbHost : DATA_ENDPOINTS.catalogDbHost };
  const primary = config.primaryRegion === region.name;
  return { name: DATA_PROXY_ENDPOINTS.configMap, key: DATA_PROXY_ENDPOINT_SOURCES[db][primary ? 'readWrite' : 'readOnly'].key };
}

/**
 * How catalog's driver verifies the database (tls=true: an empty tls.Config, i.e. Go's system root pool
 * and the host's name, go-sql-driver/mysql v1.8.1 dsn.go:173-193). Go's Linux root pool
 * (crypto/x509/root_unix.go loadSystemRoots, go1.19 lines 35-75; the same code in go1.21+) reads
 * SSL_CERT_FILE instead of the first default file that exists (root_linux.go:8-15, among them
 * /etc/pki/tls/certs/ca-bundle.crt of Fedora-like systems), then every file of /etc/ssl/certs and
 * /etc/pki/tls/certs (root_linux.go:18-22) unless SSL_CERT_DIR is set, skipping only symlinks whose
 * target has no '/' (root_unix.go:84-108).
 * - Directly to the cluster, the server presents an RDS certificate (rds-ca-*), which no public store has:
 *   SSL_CERT_FILE is the RDS bundle External Secrets keeps current (config/credentials.ts RDS_CA_BUNDLE).
 * - Through an RDS Proxy, it presents an ACM certificate of Amazon Trust Services ("RDS Proxy uses
 *   certificates from the AWS Certificate Manager (ACM)... you don't need to download Amazon RDS
 *   certificates", Aurora User Guide, "Using TLS/SSL with RDS Proxy"), whose roots (Amazon Root CA 1-4,
 *   Starfield Services G2) are in the image's own store and not in the RDS bundle. The image is Amazon
 *   Linux 2023 (retail-store-sample-app v1.6.2 src/catalog/Dockerfile:27), whose CA store is there: the
 *   Dockerfile runs dnf over HTTPS in that very stage (:36-39), which needs the system bundle. So catalog
 *   gets neither the variable nor the mount: Go reads the system bundle file and directories itself, and the
 *   pod no longer depends on the rds-ca-bundle Secret.
 */
function catalogTrust(config: PlatformConfig, outputs: RegionalOutputs): { env: EnvVar[]; secretFiles?: SecretFiles[] } {
  if (proxiedEndpoints(config, outputs)) return { env: [] };
  return {
    env: [{ name: 'SSL_CERT_FILE', value: `${RDS_CA_DIRECTORY}/${RDS_CA_BUNDLE.key}` }],
    secretFiles: [{ secretName: RDS_CA_BUNDLE.kubernetesSecret, mountPath: RDS_CA_DIRECTORY }],
  };
}

export function workloadSpecs(
  config: PlatformConfig,
  region: RegionConfig,
  outputs: { global: GlobalOutputs; regional: RegionalOutputs },
): WorkloadSpec[] {
  const ns = config.namespace;
  const out = outputs.regional;
  const secret = (name: string, key: string) => ({ name, key });
  const endpoint = (key: string) => ({ name: DATA_ENDPOINTS.configMap, key });
  const catalogTls = catalogTrust(config, out);
  const specs: WorkloadSpec[] = [
    {
      name: 'ui',
      component: 'frontend',
      health: SPRING_HEALTH,
      calls: ['catalog', 'carts', 'orders', 'checkout'],
      backend: 'none',
      // Behind the ALB: the construct's default drain outlasts target deregistration.
      env: [
        { name: 'JAVA_OPTS', value: JAVA_OPTS },
        { name: 'RETAIL_UI_ENDPOINTS_CATALOG', value: serviceUrl('catalog', ns) },
        { name: 'RETAIL_UI_ENDPOINTS_CARTS', value: serviceUrl('carts', ns) },
        { name: 'RETAIL_UI_ENDPOINTS_ORDERS', value: serviceUrl('orders', ns) },
        { name: 'RETAIL_UI_ENDPOINTS_CHECKOUT', value: serviceUrl('checkout', ns) },
      ],
    },
    {
      name: 'catalog',
      component: 'backend',
      drainSeconds: SHUTDOWN.inClusterDrainSeconds,
      health: { readinessPath: '/health' },
      calls: [],
      backend: 'mysql',
      // The roots that verify the database's certificate: the RDS CAs directly, the system's through a proxy.
      secretFiles: catalogTls.secretFiles,
      env: [
        ...catalogTls.env,
        { name: 'RETAIL_CATALOG_PERSISTENCE_PROVIDER', value: 'mysql' },
        // catalog v1.6.2 reads one endpoint, for reads and writes alike (config/config.go:29; the fixture
        // cluster/upstream/catalog-database-config.json): the region's role decides which one.
        { name: 'CATALOG_DB_HOST', configMap: databaseHostRef('catalog', config, region, out) },
        { name: 'RETAIL_CATALOG_PERSISTENCE_ENDPOINT', value: `$(CATALOG_DB_HOST):${PORTS.mysql}` },
        { name: 'RETAIL_CATALOG_PERSISTENCE_DB_NAME', value: CATALOG_DB_NAME_WITH_TLS },
        { name: 'RETAIL_CATALOG_PERSISTENCE_USER', secret: secret(out.catalogDbSecretName, SECRET_KEYS.username) },
        { name: 'RETAIL_CATALOG_PERSISTENCE_PASSWORD', secret: secret(out.catalogDbSecretName, SECRET_KEYS.password) },
      ],
    },
    {
      name: 'carts',
      component: 'backend',
      drainSeconds: SHUTDOWN.inClusterDrainSeconds,
      health: SPRING_HEALTH,
      calls: [],
      backend: 'aws-apis',
      // IRSA: the pod identity webhook adds its own projected token (audience sts.amazonaws.com) for this
      // role whatever automountServiceAccountToken says (amazon-eks-pod-identity-webhook v0.6.17
      // pkg/handler/handler.go:347-362 builds the aws-iam-token volume; nothing there reads automount).
      // carts never calls the Kubernetes API, so it gets no Kubernetes API token.
      serviceAccountAnnotations: { [WELL_KNOWN.irsaRoleArn]: out.cartsRoleArn, [WELL_KNOWN.stsRegionalEndpoints]: 'true' },
      env: [
        { name: 'JAVA_OPTS', value: JAVA_OPTS },
        { name: 'AWS_REGION', value: region.name },
        { name: 'RETAIL_CART_PERSISTENCE_PROVIDER', value: 'dynamodb' },
        { name: 'RETAIL_CART_PERSISTENCE_DYNAMODB_TABLE_NAME', value: outputs.global.cartsTableName },
        { name: 'RETAIL_CART_PERSISTENCE_DYNAMODB_CREATE_TABLE', value: 'false' },
      ],
    },
    {
      name: 'orders',
      component: 'backend',
      drainSeconds: SHUTDOWN.inClusterDrainSeconds,
      health: SPRING_HEALTH,
      calls: [],
      backend: 'postgres',
      env: [
        { name: 'JAVA_OPTS', value: JAVA_OPTS },
        { name: 'RETAIL_ORDERS_PERSISTENCE_PROVIDER', value: 'postgres' },
        // orders v1.6.2 also reads one endpoint, into jdbc:postgresql://<endpoint>/<name> with no SSL
        // parameter (src/orders/.../config/DataSourceConfig.java:33): pgJDBC's default sslmode=prefer, TLS
        // (which the proxies require) without verification, so no trust store to change.
        { name: 'ORDERS_DB_HOST', configMap: databaseHostRef('orders', config, region, out) },
        { name: 'RETAIL_ORDERS_PERSISTENCE_ENDPOINT', value: `$(ORDERS_DB_HOST):${PORTS.postgres}` },
        { name: 'RETAIL_ORDERS_PERSISTENCE_NAME', value: DATABASE_NAMES.orders },
        { name: 'RETAIL_ORDERS_PERSISTENCE_USERNAME', secret: secret(out.ordersDbSecretName, SECRET_KEYS.username) },
        { name: 'RETAIL_ORDERS_PERSISTENCE_PASSWORD', secret: secret(out.ordersDbSecretName, SECRET_KEYS.password) },
        { name: 'RETAIL_ORDERS_MESSAGING_PROVIDER', value: 'in-memory' },
      ],
    },
    {
      name: 'checkout',
      component: 'backend',
      drainSeconds: SHUTDOWN.inClusterDrainSeconds,
      health: { readinessPath: '/health' },
      calls: ['orders'],
      backend: 'redis',
      env: [
        // The auth token stays in its Secret: the URL refers to it through Kubernetes' $(VAR) expansion.
        { name: 'RETAIL_CHECKOUT_REDIS_AUTH_TOKEN', secret: secret(out.checkoutRedisSecretName, SECRET_KEYS.redisAuthToken) },
        { name: 'RETAIL_CHECKOUT_PERSISTENCE_PROVIDER', value: 'redis' },
        { name: 'CHECKOUT_REDIS_HOST', configMap: endpoint(DATA_ENDPOINTS.redisHost) },
        { name: 'RETAIL_CHECKOUT_PERSISTENCE_REDIS_URL', value: `rediss://:$(RETAIL_CHECKOUT_REDIS_AUTH_TOKEN)@$(CHECKOUT_REDIS_HOST):${PORTS.redis}` },
        { name: 'RETAIL_CHECKOUT_ENDPOINTS_ORDERS', value: serviceUrl('orders', ns) },
      ],
    },
  ];
  // Tracing last: each image's OpenTelemetry variables, as that image reads them (charts/telemetry.ts).
  return specs.map((spec) => ({ ...spec, env: [...spec.env, ...tracingEnv(spec.name, config, region)] }));
}

/** Ports a backend listens on, for egress rules. */
export const BACKEND_PORTS: Record<Exclude<Backend, 'none'>, number> = {
  mysql: PORTS.mysql,
  postgres: PORTS.postgres,
  redis: PORTS.redis,
  'aws-apis': PORTS.https,
};
