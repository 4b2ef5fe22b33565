/**
 * The shop's credentials: generated in Secrets Manager by the global data stack, synced into
 * Kubernetes Secrets of the same name in each cluster, read by the workloads and the ACK data tier.
 * Shared here because the cluster app creates them and the charts reference them.
 */
import { PlatformConfig } from './schema';

/**
 * Characters never generated: RDS refuses / " @ and space; catalog puts its password into a URL
 * (its migration tool parses user:password@...), whose user info allows only letters, digits and
 * -._~!$&'()*+,;= — so everything else, and the URL-significant ones, are excluded too.
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
