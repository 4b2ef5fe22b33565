/**
 * The shop's credentials: generated in Secrets Manager by the global data stack, synced into
 * Kubernetes Secrets of the same name in each cluster, read by the workloads and the ACK data tier.
 * Shared here because the cluster app creates them and the charts reference them.
 */
import { PlatformConfig } from './schema';

/**
 * Characters never generated: RDS refuses / " @ and space. catalog reads its environment through
 * sethvargo/go-envconfig, which runs every value through os.Expand, so a `$` in a password would be
 * rewritten (retail-store-sample-app v1.6.2 src/catalog/config; go-envconfig v0.1.1); and its driver
 * splits the DSN at the last '@' and the first ':' (go-sql-driver/mysql v1.8.1 dsn.go:372-387). Keeping to
 * letters, digits and -._ also keeps every password safe in any URL.
 */
const DB_EXCLUDED = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\^';

export const CREDENTIALS = {
  // Aurora master user names: 1 to 16 letters, digits and underscores, starting with a letter.
  catalogDb: { secret: 'catalog-db', kubernetesSecret: 'catalog-db', username: 'catalog_admin', generatedKey: 'password', excludeCharacters: DB_EXCLUDED },
  ordersDb: { secret: 'orders-db', kubernetesSecret: 'orders-db', username: 'orders_admin', generatedKey: 'password', excludeCharacters: DB_EXCLUDED },
  // The token ends up inside checkout's rediss:// URL: letters and digits only.
  checkoutRedis: { secret: 'checkout-redis', kubernetesSecret: 'checkout-redis', username: undefined, generatedKey: 'authToken', excludeCharacters: `${DB_EXCLUDED},.=^-_` },
} as const;
export type CredentialName = keyof typeof CREDENTIALS;

/** Keys inside the credential Secrets. */
export const SECRET_KEYS = {
  username: 'username',
  password: 'password',
  redisAuthToken: 'authToken',
} as const;

/** Secrets Manager names share one prefix per environment, so IAM can be scoped to it. */
export function secretPrefix(config: PlatformConfig): string {
  return `securecart/${config.name}/`;
}

/** Secrets Manager name of a credential. */
export function secretName(config: PlatformConfig, credential: CredentialName): string {
  return `${secretPrefix(config)}${CREDENTIALS[credential].secret}`;
}

/**
 * The RDS certificate authorities, so that catalog can verify the database's certificate (RDS
 * certificates are not signed by a public CA). External Secrets fetches AWS's published global bundle
 * into this Secret in the shop's namespace and refreshes it daily (cluster/addons/credentials-sync);
 * catalog mounts it and points Go's root pool at it.
 */
export const RDS_CA_BUNDLE = {
  kubernetesSecret: 'rds-ca-bundle',
  key: 'rds-ca-bundle.pem',
  /** AWS publishes the bundles at truststore.pki.rds.amazonaws.com/<name>/<name>-bundle.pem; global holds every region's CAs. */
  bundle: 'global',
  url: 'https://truststore.pki.rds.amazonaws.com/{{ .remoteRef.key }}/{{ .remoteRef.key }}-bundle.pem',
} as const;
