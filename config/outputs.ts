/**
 * The contract between the cluster app and the charts: values that exist only after `cdk deploy`
 * reach the charts through the CDK outputs file (`cdk deploy --outputs-file config/outputs/<env>.json`),
 * never by hand. The cluster stacks emit exactly these output keys; the charts read them here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { PROXIED_DATABASES, proxyName, readOnlyEndpointName } from './data-access';
import { ConfigError, formatIssues } from './load';
import { cacheRegistry } from './network';
import { regionSwitchPlanName } from './region-switch';
import { PlatformConfig } from './schema';

/** Outputs of each regional stack, by the property name the charts use. */
export const REGIONAL_OUTPUT_KEYS = {
  /** IAM role assumed through IRSA by the carts service account (DynamoDB access only). */
  cartsRoleArn: 'CartsRoleArn',
  /** IAM role assumed through IRSA by the trace collector's service account (X-Ray PutTraceSegments only). */
  traceCollectorRoleArn: 'TraceCollectorRoleArn',
  /** Kubernetes Secret (synced from Secrets Manager) holding catalog's `username` and `password`. */
  catalogDbSecretName: 'CatalogDbSecretName',
  /** Kubernetes Secret (synced from Secrets Manager) holding orders' `username` and `password`. */
  ordersDbSecretName: 'OrdersDbSecretName',
  /** Kubernetes Secret (synced from Secrets Manager) holding the Redis `authToken`. */
  checkoutRedisSecretName: 'CheckoutRedisSecretName',
  /** CIDRs of the public subnets (comma-separated): where the ALB reaches pods from. */
  publicSubnetCidrs: 'PublicSubnetCidrs',
  /** CIDRs of the isolated data subnets (comma-separated): where databases and Redis live. */
  dataSubnetCidrs: 'DataSubnetCidrs',
  /** Isolated data subnet ids (comma-separated), for the database and Redis subnet groups. */
  dataSubnetIds: 'DataSubnetIds',
  /** Security group of the Aurora clusters (open to the EKS cluster only). */
  databaseSecurityGroupId: 'DatabaseSecurityGroupId',
  /** Security group of the Redis replication group (open to the EKS cluster only). */
  redisSecurityGroupId: 'RedisSecurityGroupId',
  /** ACM certificate of the region's ALB (public and regional hostnames). */
  certificateArn: 'CertificateArn',
  /** WAFv2 web ACL of the region's ALB. */
  webAclArn: 'WebAclArn',
  /** KMS key (ARN, the form RDS reports back) of the region's Aurora clusters. */
  databaseKmsKeyArn: 'DatabaseKmsKeyArn',
} as const;

/** Outputs a regional stack has only under some front doors, by the property name the charts use. */
export const FRONT_DOOR_OUTPUT_KEYS = {
  /**
   * Security groups of the ALB behind CloudFront (comma-separated): CloudFront's origin-facing addresses
   * and Route 53's health checkers only. Present when edge.frontDoor is cloudfront.
   */
  albSecurityGroupIds: 'AlbSecurityGroupIds',
} as const;

/**
 * Outputs of a regional stack about its private network (cluster/network). Optional as a group: an
 * outputs file written before the endpoints existed has none, and the charts then keep the egress
 * rules and image references that work without them (a narrowed NetworkPolicy or a cached image
 * rendered before its endpoint or cache rule exists would stop the shop). Deploy first, then render.
 */
export const NETWORK_OUTPUT_KEYS = {
  /** CIDRs of the isolated endpoint subnets (comma-separated): where the interface endpoints' addresses are. */
  endpointSubnetCidrs: 'EndpointSubnetCidrs',
  /** The pull-through cache registry, `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>`; only with network.pullThroughCache.enabled. */
  imageCacheRegistry: 'ImageCacheRegistry',
} as const;

/**
 * Outputs of each region's data-access stack (its RDS Proxies), by the property name the charts use.
 * Optional: the stack can only be deployed once the region's databases exist (docs: first install), and
 * until then the charts point the workloads at the clusters' own endpoints.
 */
export const DATA_ACCESS_OUTPUT_KEYS = {
  /** Default (read/write) endpoint of orders' proxy: the primary region's orders writes through it. */
  ordersProxyEndpoint: 'OrdersProxyEndpoint',
  /** READ_ONLY endpoint of orders' proxy: a secondary's orders (its cluster has no writer; writes are forwarded). */
  ordersProxyReadOnlyEndpoint: 'OrdersProxyReadOnlyEndpoint',
  /** Default (read/write) endpoint of catalog's proxy. */
  catalogProxyEndpoint: 'CatalogProxyEndpoint',
  /** READ_ONLY endpoint of catalog's proxy. */
  catalogProxyReadOnlyEndpoint: 'CatalogProxyReadOnlyEndpoint',
} as const;

/**
 * Outputs of the Region switch stack (cluster/region-switch). Optional: an outputs file written before the
 * stack existed has none, and nothing the charts render depends on it.
 */
export const REGION_SWITCH_OUTPUT_KEYS = {
  /** The ARC Region switch plan (arn:aws:arc-region-switch::<account>:plan/<name>:<6 characters>). */
  planArn: 'RegionSwitchPlanArn',
} as const;

/** Outputs of the global stack. */
export const GLOBAL_OUTPUT_KEYS = {
  /** DynamoDB global table of carts (same name in every region). */
  cartsTableName: 'CartsTableName',
} as const;

/** The endpoints of a region's RDS Proxies (host names, without port). */
export type ProxyEndpoints = { readonly [K in keyof typeof DATA_ACCESS_OUTPUT_KEYS]: string };

export type RegionalOutputs = { readonly [K in keyof typeof REGIONAL_OUTPUT_KEYS]: string } & {
  /** Id of the Route 53 health check of this region's own hostname (from the health stack). */
  readonly healthCheckId: string;
  /** The region's RDS Proxies. @default none: the data-access stack is not deployed yet, workloads use the clusters' endpoints */
  readonly proxyEndpoints?: ProxyEndpoints;
  /** The region's private network. @default none: the endpoints are not deployed yet (or not in the file) */
  readonly network?: NetworkOutputs;
} & { readonly [K in keyof typeof FRONT_DOOR_OUTPUT_KEYS]?: string };
/** A region's private network, as the charts use it. */
export interface NetworkOutputs {
  readonly endpointSubnetCidrs: string;
  /** @default none: the pull-through cache is off (network.pullThroughCache.enabled) or not deployed */
  readonly imageCacheRegistry?: string;
}
export type GlobalOutputs = { readonly [K in keyof typeof GLOBAL_OUTPUT_KEYS]: string };

/** Everything the charts of one environment need from its deployed stacks. */
export interface PlatformOutputs {
  readonly global: GlobalOutputs;
  readonly regions: { readonly [region: string]: RegionalOutputs };
  /** The Region switch plan. @default none: the region-switch stack's outputs are not in the file */
  readonly regionSwitchPlanArn?: string;
}

/** The stack holding the Route 53 health checks (in us-east-1, where their metrics are). */
export function healthStackName(env: string): string {
  return `securecart-${env}-health`;
}

/** Output key of a region's health check id in the health stack, e.g. HealthCheckIdUsEast1. */
export function healthCheckOutputKey(region: string): string {
  return `HealthCheckId${region.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('')}`;
}

/** Stack names carry the environment and the region, so two environments can share an account. */
export function regionalStackName(env: string, region: string): string {
  return `securecart-${env}-${region}`;
}
/** A region's RDS Proxies, deployed once its databases exist (cluster/data-access/data-access-stack.ts). */
export function dataAccessStackName(env: string, region: string): string {
  return `${regionalStackName(env, region)}-data-access`;
}
/**
 * A region's side of the private transit between the regions (cluster/network/transit-stack.ts): the
 * peering with the other regions' Transit Gateways and the on-premises links.
 */
export function transitStackName(env: string, region: string): string {
  return `${regionalStackName(env, region)}-transit`;
}
export function globalStackName(env: string): string {
  return `securecart-${env}-global`;
}
/** The ARC Region switch plan and its execution role (in us-east-1, the Region switch control plane's region). */
export function regionSwitchStackName(env: string): string {
  return `securecart-${env}-region-switch`;
}

/** Where `cdk deploy --outputs-file` writes, and where the charts read, an environment's outputs. */
export function defaultOutputsFile(env: string): string {
  return path.join(__dirname, 'outputs', `${env}.json`);
}

const k8sName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,251}[a-z0-9])?$/, 'must be a Kubernetes object name');
const nonEmpty = z.string().min(1);
/** EC2 resource ids: the prefix and 8 (older resources) or 17 hex digits. */
const ec2Id = (prefix: string) => `${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})`;
const cidrList = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}(,\d{1,3}(\.\d{1,3}){3}\/\d{1,2})*$/, 'must be comma-separated IPv4 CIDRs');
const regionalValidators: Record<keyof typeof REGIONAL_OUTPUT_KEYS, z.ZodString> = {
  cartsRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN'),
  traceCollectorRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN'),
  catalogDbSecretName: k8sName,
  ordersDbSecretName: k8sName,
  checkoutRedisSecretName: k8sName,
  publicSubnetCidrs: cidrList,
  dataSubnetCidrs: cidrList,
  dataSubnetIds: z.string().regex(new RegExp(`^${ec2Id('subnet')}(,${ec2Id('subnet')})*$`), 'must be comma-separated subnet ids (subnet- and 8 or 17 hex digits)'),
  databaseSecurityGroupId: z.string().regex(new RegExp(`^${ec2Id('sg')}$`), 'must be a security group id (sg- and 8 or 17 hex digits)'),
  redisSecurityGroupId: z.string().regex(new RegExp(`^${ec2Id('sg')}$`), 'must be a security group id (sg- and 8 or 17 hex digits)'),
  certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, 'must be an ACM certificate ARN'),
  webAclArn: z.string().regex(/^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[\w-]+\/[\w-]+$/, 'must be a regional WAFv2 web ACL ARN'),
  // A key ARN, never an alias: RDS reports the key by ARN and the ACK controller writes that back.
  databaseKmsKeyArn: z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, 'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias'),
};
const regionalShape = z.object(
  Object.fromEntries(Object.entries(REGIONAL_OUTPUT_KEYS).map(([prop, key]) => [key, regionalValidators[prop as keyof typeof REGIONAL_OUTPUT_KEYS]])),
);
const globalShape = z.object({ CartsTableName: nonEmpty });

/**
 * Reads the outputs file of an environment. CDK writes one object per stack (plus outputs the charts
 * do not use, which are ignored); every output the charts need must be present for every region.
 */
export function loadOutputs(config: PlatformConfig, file: string = defaultOutputsFile(config.name)): PlatformOutputs {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const why = e instanceof SyntaxError ? `not valid JSON (${e.message})` : `cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
    throw new ConfigError(file, [`outputs file: ${why}: run "cdk deploy --all --outputs-file ${file}" or pass --outputs <file>`]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(file, [`outputs file: expected an object of stacks, as written by "cdk deploy --all --outputs-file ${file}"`]);
  }
  const stacks = data as Record<string, unknown>;
  const problems: string[] = [];
  const read = <S extends z.ZodTypeAny>(stack: string, shape: S): z.output<S> | undefined => {
    if (!(stack in stacks)) {
      problems.push(`${stack}: stack missing from the outputs file: deploy it with --outputs-file`);
      return undefined;
    }
    const result = shape.safeParse(stacks[stack]);
    if (!result.success) {
      problems.push(...formatIssues(result.error).map((p) => `${stack}.${p}`));
      return undefined;
    }
    return result.data;
  };
  const g = read(globalStackName(config.name), globalShape);
  const healthCheckId = z.string().regex(/^[0-9a-f-]{36}$/, 'must be a Route 53 health check id');
  const health = read(healthStackName(config.name), z.object(Object.fromEntries(config.regions.map((r) => [healthCheckOutputKey(r.name), healthCheckId]))));
  const regions: Record<string, RegionalOutputs> = {};
  const securityGroups = z.string().regex(new RegExp(`^${ec2Id('sg')}(,${ec2Id('sg')})*$`), 'must be comma-separated security group ids (sg- and 8 or 17 hex digits)');
  const behindCloudFront = config.edge.frontDoor === 'cloudfront';
  for (const region of config.regions) {
    const shape = behindCloudFront ? regionalShape.extend({ [FRONT_DOOR_OUTPUT_KEYS.albSecurityGroupIds]: securityGroups }) : regionalShape;
    const r = read(regionalStackName(config.name, region.name), shape) as Record<string, string> | undefined;
    const proxyEndpoints = readProxyEndpoints(stacks, config.name, region.name, problems);
    // From the stack's raw outputs: the shape above keeps only the keys it names.
    const network = r ? readNetwork(stacks[regionalStackName(config.name, region.name)] as Record<string, unknown>, config, region.name, regionalStackName(config.name, region.name), problems) : undefined;
    if (r && health) {
      regions[region.name] = {
        ...Object.fromEntries(Object.entries(REGIONAL_OUTPUT_KEYS).map(([prop, key]) => [prop, r[key]])),
        ...(behindCloudFront ? { albSecurityGroupIds: r[FRONT_DOOR_OUTPUT_KEYS.albSecurityGroupIds] } : {}),
        healthCheckId: health[healthCheckOutputKey(region.name)],
        ...(proxyEndpoints ? { proxyEndpoints } : {}),
        ...(network ? { network } : {}),
      } as unknown as RegionalOutputs;
    }
  }
  const regionSwitchPlanArn = readRegionSwitchPlanArn(stacks, config.name, config.accountId, problems);
  if (problems.length || !g) throw new ConfigError(file, problems);
  return { global: { cartsTableName: g.CartsTableName }, regions, ...(regionSwitchPlanArn ? { regionSwitchPlanArn } : {}) };
}

/**
 * A region's network outputs, or undefined when its stack has none yet. The cache registry must be this account's and region's with
 * the configured prefix, and is ignored when the cache is switched off in the config (the rule is
 * deleted by the next deploy: images go back to public.ecr.aws before it is).
 */
function readNetwork(values: Record<string, unknown>, config: PlatformConfig, region: string, stack: string, problems: string[]): NetworkOutputs | undefined {
  const cidrs = values[NETWORK_OUTPUT_KEYS.endpointSubnetCidrs];
  if (cidrs === undefined) return undefined;
  const before = problems.length;
  if (typeof cidrs !== 'string' || !cidrList.safeParse(cidrs).success) {
    problems.push(`${stack}.${NETWORK_OUTPUT_KEYS.endpointSubnetCidrs}: ${JSON.stringify(cidrs)} is not comma-separated IPv4 CIDRs: redeploy ${stack} with --outputs-file`);
  }
  const registry = values[NETWORK_OUTPUT_KEYS.imageCacheRegistry];
  const cache = config.network.pullThroughCache;
  const expected = cacheRegistry(config.accountId, region, cache.prefix);
  if (cache.enabled && registry !== undefined && registry !== expected) {
    problems.push(`${stack}.${NETWORK_OUTPUT_KEYS.imageCacheRegistry}: ${JSON.stringify(registry)} is not ${expected} (network.pullThroughCache.prefix "${cache.prefix}"): redeploy ${stack} with --outputs-file`);
  }
  if (problems.length > before) return undefined;
  return {
    endpointSubnetCidrs: cidrs as string,
    ...(cache.enabled && registry !== undefined ? { imageCacheRegistry: registry as string } : {}),
  };
}

/**
 * The plan's ARN from the region-switch stack, or undefined when that stack is not in the file. When it is,
 * the ARN must name this environment's plan in this account (the ARN form of ARC's StartPlanExecution).
 */
function readRegionSwitchPlanArn(stacks: Record<string, unknown>, env: string, accountId: string, problems: string[]): string | undefined {
  const stack = regionSwitchStackName(env);
  if (!(stack in stacks)) return undefined;
  const key = REGION_SWITCH_OUTPUT_KEYS.planArn;
  const value = (stacks[stack] as Record<string, unknown> | null)?.[key];
  const plan = regionSwitchPlanName(env);
  const shape = `arn:aws:arc-region-switch::${accountId}:plan/${plan}:<6 characters>`;
  if (typeof value !== 'string' || !new RegExp(`^arn:aws[a-zA-Z-]*:arc-region-switch::${accountId}:plan/${plan}:[a-z0-9]{6}$`).test(value)) {
    const what = value === undefined ? 'required output is missing' : `${JSON.stringify(value)} is not the plan ARN`;
    problems.push(`${stack}.${key}: ${what}: expected ${shape}; redeploy ${stack} with --outputs-file`);
    return undefined;
  }
  return value;
}

/**
 * A region's proxy endpoints from its data-access stack, or undefined when that stack is not in the file
 * (not deployed yet). When it is, every key must be there and name this region's proxies: RDS answers
 * `<proxy>.proxy-<id>.<region>.rds.amazonaws.com` for a proxy's default endpoint and
 * `<endpoint>.endpoint.proxy-<id>.<region>.rds.amazonaws.com` for an endpoint of its own, `<id>` being the
 * account's in the region (Aurora User Guide, "Connecting to a proxy" and "Working with Amazon RDS Proxy
 * endpoints": the-proxy.proxy-demo.us-east-1.rds.amazonaws.com, reader-demo.endpoint.proxy-demo.us-east-1...).
 */
function readProxyEndpoints(stacks: Record<string, unknown>, env: string, region: string, problems: string[]): ProxyEndpoints | undefined {
  const stack = dataAccessStackName(env, region);
  if (!(stack in stacks)) return undefined;
  const values = stacks[stack];
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    problems.push(`${stack}: expected an object of outputs, as written by "cdk deploy ${stack} --outputs-file"`);
    return undefined;
  }
  const found = values as Record<string, unknown>;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const domain = `\\.${escape(region)}\\.rds\\.amazonaws\\.com(\\.cn)?`;
  const before = problems.length;
  for (const db of PROXIED_DATABASES) {
    const keys = { readWrite: DATA_ACCESS_OUTPUT_KEYS[`${db}ProxyEndpoint`], readOnly: DATA_ACCESS_OUTPUT_KEYS[`${db}ProxyReadOnlyEndpoint`] };
    const forms = {
      readWrite: { pattern: new RegExp(`^${escape(proxyName(env, db))}\\.proxy-([a-z0-9]+)${domain}$`), shape: `${proxyName(env, db)}.proxy-<id>.${region}.rds.amazonaws.com` },
      readOnly: { pattern: new RegExp(`^${escape(readOnlyEndpointName(env, db))}\\.endpoint\\.proxy-([a-z0-9]+)${domain}$`), shape: `${readOnlyEndpointName(env, db)}.endpoint.proxy-<id>.${region}.rds.amazonaws.com` },
    };
    const ids: string[] = [];
    for (const role of ['readWrite', 'readOnly'] as const) {
      const key = keys[role];
      const value = found[key];
      if (value === undefined) {
        problems.push(`${stack}.${key}: required output is missing: redeploy ${stack} with --outputs-file`);
        continue;
      }
      const match = typeof value === 'string' ? forms[role].pattern.exec(value) : null;
      if (!match) {
        problems.push(`${stack}.${key}: ${JSON.stringify(value)} is not ${role === 'readWrite' ? 'the default endpoint' : 'the READ_ONLY endpoint'} of proxy ${proxyName(env, db)} in ${region}: expected ${forms[role].shape}`);
        continue;
      }
      ids.push(match[1]);
    }
    if (ids.length === 2 && ids[0] !== ids[1]) {
      problems.push(`${stack}.${keys.readOnly}: names proxy id ${ids[1]}, ${keys.readWrite} names ${ids[0]}: both must be endpoints of proxy ${proxyName(env, db)} in this account and region`);
    }
  }
  if (problems.length > before) return undefined;
  return Object.fromEntries(Object.entries(DATA_ACCESS_OUTPUT_KEYS).map(([prop, key]) => [prop, found[key] as string])) as unknown as ProxyEndpoints;
}

/** The CloudFront stack (us-east-1): distribution, its certificate and web ACL, Shield protections. */
export function edgeStackName(env: string): string {
  return `securecart-${env}-edge`;
}

/** The Global Accelerator stack (us-east-1, beside the health checks): accelerator, listeners, endpoint groups, Shield protections. */
export function acceleratorStackName(env: string): string {
  return `securecart-${env}-accelerator`;
}
