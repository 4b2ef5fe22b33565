/**
 * Every label key, annotation key, port and timing shared between charts lives here, so that a
 * selector, a NetworkPolicy and an ALB setting can never drift apart.
 */
import { ZONE_LABEL } from '../config/karpenter';
import type { ProxyEndpoints } from '../config/outputs';

/**
 * external-dns reads `external-dns.alpha.kubernetes.io/` up to v0.21 and `external-dns.kubernetes.io/`
 * from v0.22. The clusters run chart 1.21.1, i.e. external-dns v0.21 (cluster/regional-stack.ts
 * VERSIONS.externalDns; test/edge.test.ts keeps the two in step).
 */
export const EXTERNAL_DNS_PREFIX = 'external-dns.alpha.kubernetes.io/';

/** Annotation prefix of the AWS Load Balancer Controller. */
export const ALB_PREFIX = 'alb.ingress.kubernetes.io/';

/** TTL Route 53 gives alias records to an ALB (the ALB's own; TTL annotations do not apply to aliases). */
export const ALB_ALIAS_TTL_SECONDS = 60;

/** Kubernetes recommended labels. */
export const LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  version: 'app.kubernetes.io/version',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** Value of `app.kubernetes.io/part-of` on every object: `kubectl get -l app.kubernetes.io/part-of=securecart`. */
export const PART_OF = 'securecart';
/** Value of `app.kubernetes.io/managed-by`: the tool that renders the object. */
export const MANAGED_BY = 'cdk8s';

/** Well-known labels and annotations of Kubernetes and AWS. */
export const WELL_KNOWN = {
  zone: ZONE_LABEL,
  hostname: 'kubernetes.io/hostname',
  namespaceName: 'kubernetes.io/metadata.name',
  irsaRoleArn: 'eks.amazonaws.com/role-arn',
  /**
   * "true": the pod identity webhook injects AWS_STS_REGIONAL_ENDPOINTS=regional into the service
   * account's pods whatever its cluster-wide default (aws/amazon-eks-pod-identity-webhook v0.6.17
   * pkg/cache/cache.go:238-244; main.go:83 defaults the flag to false), so IRSA's STS call reaches the
   * region's STS endpoint, i.e. its interface endpoint, and never the global sts.amazonaws.com through NAT.
   */
  stsRegionalEndpoints: 'eks.amazonaws.com/sts-regional-endpoints',
  taintNotReady: 'node.kubernetes.io/not-ready',
  taintUnreachable: 'node.kubernetes.io/unreachable',
  podSecurityEnforce: 'pod-security.kubernetes.io/enforce',
  podSecurityEnforceVersion: 'pod-security.kubernetes.io/enforce-version',
  podSecurityWarn: 'pod-security.kubernetes.io/warn',
  podSecurityAudit: 'pod-security.kubernetes.io/audit',
  podReadinessGateInject: 'elbv2.k8s.aws/pod-readiness-gate-inject',
} as const;

/** CoreDNS as EKS runs it. */
export const CLUSTER_DNS = {
  namespace: 'kube-system',
  podLabels: { 'k8s-app': 'kube-dns' },
  port: 53,
} as const;

/** Ports. Every sample image listens on 8080; Services expose 80 so in-cluster URLs need no port. */
export const PORTS = {
  container: 8080,
  service: 80,
  https: 443,
  mysql: 3306,
  postgres: 5432,
  redis: 6379,
} as const;

/**
 * ui's readiness (Spring Boot's readiness group, readinessState only, on Kubernetes): what the ALB
 * checks on each pod. It says the pod is up, not that the shop works (the region's Route 53 check does).
 */
export const UI_READINESS_PATH = '/actuator/health/readiness';

/** Name of the container port, referenced by Services and probes. */
export const HTTP_PORT_NAME = 'http';

/**
 * Graceful shutdown. The ALB keeps sending requests to a target for a while after its pod starts
 * terminating (the controller deregisters it, then the ALB drains for the deregistration delay). The
 * preStop sleep keeps the pod serving for longer than that, then the app gets its own shutdown time.
 */
export const SHUTDOWN = {
  /** Target group deregistration delay set on the ALB (edge chart). */
  albDeregistrationDelaySeconds: 30,
  /** Margin for the controller to notice the terminating endpoint and call the ALB API. */
  deregistrationMarginSeconds: 5,
  /** Time the application needs to finish in-flight requests after SIGTERM. */
  appShutdownSeconds: 15,
  /** Drain of services only called in-cluster: endpoint removal reaches kube-proxy on every node in seconds. */
  inClusterDrainSeconds: 10,
} as const;

/** UID/GID the sample images run as. */
export const RUN_AS_USER = 1000;

/** Logical database names inside the shop's database clusters. */
export const DATABASE_NAMES = {
  catalog: 'catalog',
  orders: 'orders',
} as const;

/**
 * catalog's database name, carrying the TLS settings. catalog v1.6.2 has no TLS setting and builds
 * `user:pass@tcp(<endpoint>)/<DB_NAME>?timeout=<n>s&charset=utf8mb4&parseTime=True&loc=Local`
 * (retail-store-sample-app src/catalog/repository/repository.go:28), while the cluster refuses plain
 * text (require_secure_transport). go-sql-driver/mysql v1.8.1 starts the parameters at the first '?'
 * after the last '/', splits them on '&' and each at its first '=' (dsn.go:407-444), so:
 * - `tls=true` verifies the server against the root pool and its name (the root pool holds the RDS CAs
 *   directly, the system's through an RDS Proxy: charts/workloads.ts catalogTrust);
 * - `timeout=5s` replaces the image's own, which would otherwise be glued to our last parameter;
 * - `interpolateParams=true` sends a query's arguments inside its text: without it the driver answers
 *   driver.ErrSkip for any query with arguments (connection.go:315-317, 376-378), so database/sql
 *   prepares it on the server, and "prepared statements cause the proxy to pin the session ... whether
 *   the prepared statement uses SQL text or the binary protocol" (Aurora User Guide, "Avoiding pinning
 *   an RDS Proxy"): every catalog connection would hold its own database connection through RDS Proxy.
 *   The image's charset=utf8mb4 is one the driver interpolates safely (it refuses the multibyte ones);
 * - `connectionAttributes=` absorbs the image's `?timeout=<n>s`: that attribute has no ':' and the driver
 *   drops it at connect (connector.go:43-51). Any other sink breaks: an unknown key becomes
 *   `SET ?timeout = 5s` at connect, and `tls=true?timeout=5s` is an unknown TLS config name.
 * test/catalog-dsn.test.ts assembles the full string as the image does and parses it by the driver's rules.
 */
export const CATALOG_DB_NAME_WITH_TLS = `${DATABASE_NAMES.catalog}?tls=true&timeout=5s&interpolateParams=true&connectionAttributes=`;

/** Where catalog finds the RDS certificate bundle (the Secret's keys as files). */
export const RDS_CA_DIRECTORY = '/etc/rds-ca';


/**
 * JVM settings for the Java images: size the heap from the memory limit, never from the node. 60 % leaves
 * room for metaspace, threads and buffers, so a busy pod stays under the HPA's 90 % memory target
 * instead of sitting at it because the heap grew once.
 */
export const JAVA_OPTS = '-XX:MaxRAMPercentage=60.0 -Djava.security.egd=file:/dev/urandom';

/** Annotations that keep data safe from deletes (ACK, Argo CD) and let ACK adopt what exists. */
export const DATA_SAFETY_ANNOTATIONS = {
  /** ACK leaves the AWS resource in place when the Kubernetes object is deleted. */
  'services.k8s.aws/deletion-policy': 'retain',
  /** ACK adopts an existing AWS resource of the same name instead of failing (re-created objects, moved regions). */
  'services.k8s.aws/adoption-policy': 'adopt-or-create',
  /** Argo CD never prunes or deletes the object, whatever the Application says. */
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
} as const;

/** ACK RDS annotations asking for a final snapshot should the cluster ever be deleted (the default skips it). */
export const RDS_FINAL_SNAPSHOT = {
  skip: 'rds.services.k8s.aws/skip-final-snapshot',
  identifier: 'rds.services.k8s.aws/final-db-snapshot-identifier',
} as const;

/** The ConfigMap ACK FieldExports write the data stores' endpoints into, and its keys. */
export const DATA_ENDPOINTS = {
  configMap: 'data-endpoints',
  ordersDbHost: 'orders-db-host',
  catalogDbHost: 'catalog-db-host',
  redisHost: 'checkout-redis-host',
} as const;

/**
 * The ConfigMap of the region's RDS Proxy endpoints (cluster/data-access), from the outputs file: Argo CD
 * owns it whole. Rendered once the region's data-access stack is in the outputs; until then the workloads
 * read the clusters' own endpoints from DATA_ENDPOINTS. Both endpoints of each proxy are published; a
 * workload picks by its region's role (the primary's read/write, a secondary's read-only).
 */
export const DATA_PROXY_ENDPOINTS = {
  configMap: 'data-proxy-endpoints',
  ordersReadWrite: 'orders-proxy-read-write',
  ordersReadOnly: 'orders-proxy-read-only',
  catalogReadWrite: 'catalog-proxy-read-write',
  catalogReadOnly: 'catalog-proxy-read-only',
} as const;

/**
 * Each proxy endpoint the pods may read: its key in DATA_PROXY_ENDPOINTS.configMap and the outputs value
 * it holds. One table for the ConfigMap (data chart), the pods' choice by region role (workloads) and the
 * promotion's checks.
 */
export const DATA_PROXY_ENDPOINT_SOURCES = {
  orders: {
    readWrite: { key: DATA_PROXY_ENDPOINTS.ordersReadWrite, output: 'ordersProxyEndpoint' },
    readOnly: { key: DATA_PROXY_ENDPOINTS.ordersReadOnly, output: 'ordersProxyReadOnlyEndpoint' },
  },
  catalog: {
    readWrite: { key: DATA_PROXY_ENDPOINTS.catalogReadWrite, output: 'catalogProxyEndpoint' },
    readOnly: { key: DATA_PROXY_ENDPOINTS.catalogReadOnly, output: 'catalogProxyReadOnlyEndpoint' },
  },
} as const satisfies Record<'orders' | 'catalog', Record<'readWrite' | 'readOnly', { key: string; output: keyof ProxyEndpoints }>>;
