/**
 * The five retail store sample services and how each is wired to its real AWS backend. Secret
 * names, the carts table and role come from the CDK outputs; database and Redis hosts come from the
 * ConfigMap the ACK data tier exports them to (each region's own cluster endpoint, which follows a
 * promotion); nothing here is environment specific.
 */
import { parseImage, PlatformConfig, RegionConfig, ServiceName } from '../config/schema';
import { GlobalOutputs, RegionalOutputs } from '../config/outputs';
import { EnvVar, HealthEndpoints, SecretFiles } from './constructs/highly-available-service';
import { RDS_CA_BUNDLE, SECRET_KEYS } from '../config/credentials';
import { tracingEnv } from './telemetry';
import { CATALOG_DB_NAME_WITH_TLS, DATA_ENDPOINTS, RDS_CA_DIRECTORY, UI_READINESS_PATH, DATABASE_NAMES, JAVA_OPTS, PORTS, SHUTDOWN, WELL_KNOWN } from './constants';

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

export function workloadSpecs(
  config: PlatformConfig,
  region: RegionConfig,
  outputs: { global: GlobalOutputs; regional: RegionalOutputs },
): WorkloadSpec[] {
  const ns = config.namespace;
  const out = outputs.regional;
  const secret = (name: string, key: string) => ({ name, key });
  const endpoint = (key: string) => ({ name: DATA_ENDPOINTS.configMap, key });
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
      // The RDS CAs, so the driver's tls=true verifies the database: with tls=true it builds an empty
      // tls.Config, i.e. Go's system root pool and the endpoint's host name (go-sql-driver/mysql v1.8.1
      // dsn.go:173-193), and Go's Linux root pool is read from SSL_CERT_FILE when set
      // (crypto/x509/root_unix.go; SSL_CERT_DIR keeps its defaults, so public roots stay trusted too).
      secretFiles: [{ secretName: RDS_CA_BUNDLE.kubernetesSecret, mountPath: RDS_CA_DIRECTORY }],
      env: [
        { name: 'SSL_CERT_FILE', value: `${RDS_CA_DIRECTORY}/${RDS_CA_BUNDLE.key}` },
        { name: 'RETAIL_CATALOG_PERSISTENCE_PROVIDER', value: 'mysql' },
        { name: 'CATALOG_DB_HOST', configMap: endpoint(DATA_ENDPOINTS.catalogDbHost) },
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
      serviceAccountAnnotations: { [WELL_KNOWN.irsaRoleArn]: out.cartsRoleArn },
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
        { name: 'ORDERS_DB_HOST', configMap: endpoint(DATA_ENDPOINTS.ordersDbHost) },
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
