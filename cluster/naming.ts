/**
 * Names the cluster app gives to AWS resources that other stacks, regions or the charts find by name
 * (cross-region references cannot go through CloudFormation exports).
 */
import { PlatformConfig } from '../config/schema';

export { CREDENTIALS, secretName, secretPrefix } from '../config/credentials';
export type { CredentialName } from '../config/credentials';

/** The DynamoDB global table of carts (same name in every region). */
export function cartsTableName(config: PlatformConfig): string {
  return `securecart-${config.name}-carts`;
}

/** EKS cluster name in a region. */
export function clusterName(config: PlatformConfig, region: string): string {
  return `securecart-${config.name}-${region}`;
}

export { albTags, publicHostname, regionalHostname } from '../config/hostnames';

/** Tags on every resource of the environment. */
export function commonTags(config: PlatformConfig): Record<string, string> {
  return { project: 'securecart', environment: config.name, 'managed-by': 'aws-cdk' };
}

/** The alarm of a region's synthetic shopper: the health stack (another region) finds it by this name. */
export function shopperAlarmName(config: PlatformConfig, region: string): string {
  return `securecart-${config.name}-${region}-synthetic-shopper`;
}

/** The canary that shops in one region, on the region's own hostname (canaries are regional: one name in every region). */
export function regionalShopperName(config: PlatformConfig): string {
  return `securecart-${config.name}-shopper`;
}

/** The canary that shops on the public name (in the health stack's region, beside a regional shopper: a name of its own). */
export function publicShopperName(config: PlatformConfig): string {
  return `securecart-${config.name}-public-shopper`;
}

/** The e-mail the synthetic shopper's orders carry, so that they can be told apart. */
export function shopperEmail(config: PlatformConfig): string {
  return `synthetic-shopper@${config.dns.domain}`;
}

/** A region's backup vault: its own backups and the other regions' copies land here. */
export function backupVaultName(config: PlatformConfig, region: string): string {
  return `securecart-${config.name}-${region}`;
}

/** Alias of a region's backup vault key: the other regions' backup roles use it to copy into the vault. */
export function backupKeyAlias(config: PlatformConfig, region: string): string {
  return `alias/securecart-${config.name}-${region}-backup`;
}
