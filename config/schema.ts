/**
 * The platform config: one typed, validated document drives both the cluster app (AWS CDK) and the
 * workload charts (cdk8s). Every rule here exists because breaking it would break the shop in a way
 * that is cheaper to catch at synth than at 3 a.m.; each error message names the fix.
 */
import { RegionInfo } from 'aws-cdk-lib/region-info';
import * as ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { LOG_RETENTION_DAYS, observabilitySchema } from './observability';
import { checkNetwork, networkSchema } from './network';
import { checkSchedules, scheduleSchema } from './schedules';
import { isShopPath, SHOP_PATHS } from './shop-paths';

/** Kubernetes versions the clusters may run: those the pinned add-ons and schemas were checked against. */
export const KUBERNETES_VERSIONS = ['1.33', '1.34'] as const;

/** The five retail store sample services, in the order of the call graph (front to back). */
export const SERVICE_NAMES = ['ui', 'catalog', 'carts', 'orders', 'checkout'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * Regions of the commercial `aws` partition, from the region facts aws-cdk-lib carries (the ARNs the
 * platform builds and cdk.json's target partition are `aws`): a name of the right shape that AWS does
 * not have (`xx-nowhere-9`) is refused here, not by CloudFormation an hour into a deploy.
 */
export const AWS_REGIONS: readonly string[] = RegionInfo.regions.filter((r) => r.partition === 'aws').map((r) => r.name).sort();
const DNS_LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN_PATTERN = new RegExp(`^(${DNS_LABEL}\\.)+[a-z]{2,63}$`);
const HOSTNAME_LABEL_PATTERN = new RegExp(`^${DNS_LABEL}$`);
const CPU_PATTERN = /^([1-9]\d*m|\d+(\.\d{1,3})?)$/;
const MEMORY_PATTERN = /^[1-9]\d*(Mi|Gi)$/;
/** Namespaces the shop must never take over (a default-deny policy there would stop the cluster). */
const RESERVED_NAMESPACE = /^(default|kube-.*|argocd|karpenter|external-secrets|ack-system|amazon-cloudwatch)$/;
const DIGEST_PATTERN = /@sha256:[a-f0-9]{64}$/;
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export { LOG_RETENTION_DAYS } from './observability';

/** Kubernetes CPU quantity ("250m", "1", "1.5") in millicores. */
export function cpuMillis(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Math.round(Number(quantity) * 1000);
}

/** Kubernetes memory quantity ("512Mi", "2Gi") in MiB. */
export function memoryMebibytes(quantity: string): number {
  const value = Number(quantity.slice(0, -2));
  return quantity.endsWith('Gi') ? value * 1024 : value;
}

/**
 * Splits an image reference into repository and tag/digest, refusing references that could change
 * under us: no tag, or the mutable `latest` tag.
 */
export function parseImage(ref: string): { repository: string; tag?: string; digest?: string } {
  const digestMatch = DIGEST_PATTERN.exec(ref);
  const withoutDigest = digestMatch ? ref.slice(0, digestMatch.index) : ref;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const repository = colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
  const tag = colon === -1 ? undefined : withoutDigest.slice(colon + 1);
  return { repository, tag, digest: digestMatch ? digestMatch[0].slice(1) : undefined };
}

const image = z.string().superRefine((ref, ctx) => {
  const { repository, tag, digest } = parseImage(ref);
  if (!/^[a-z0-9]+([._\-/][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(repository)) {
    ctx.addIssue({ code: 'custom', message: `"${ref}" is not a valid image reference: use <registry>/<repository>:<tag>` });
  } else if (!tag && !digest) {
    ctx.addIssue({ code: 'custom', message: `image "${ref}" has no tag or digest: pin it, e.g. "${repository}:1.6.2" or "${repository}@sha256:<digest>"` });
  } else if (tag?.toLowerCase() === 'latest') {
    ctx.addIssue({ code: 'custom', message: `image "${ref}" uses the mutable "latest" tag: pin a version tag or a digest` });
  } else if (tag !== undefined && !TAG_PATTERN.test(tag)) {
    ctx.addIssue({ code: 'custom', message: `image "${ref}" has an invalid tag "${tag}"` });
  }
});

const cpu = z
  .string()
  .regex(CPU_PATTERN, 'must be a CPU quantity such as "250m" or "1"')
  .refine((q) => cpuMillis(q) > 0, 'must be above zero: the HPA computes utilisation from the request');
const memory = z
  .string()
  .regex(MEMORY_PATTERN, 'must be a memory quantity above zero in Mi or Gi, such as "512Mi"');

const resources = z
  .object({
    /** CPU request; no CPU limit is set (see HighlyAvailableService). */
    cpu,
    /** Memory request. */
    memory,
    /** Memory limit, at least the request. */
    memoryLimit: memory,
  })
  .strict()
  .superRefine((r, ctx) => {
    if (memoryMebibytes(r.memoryLimit) < memoryMebibytes(r.memory)) {
      ctx.addIssue({ code: 'custom', path: ['memoryLimit'], message: `memoryLimit ${r.memoryLimit} is below the memory request ${r.memory}: raise memoryLimit to at least ${r.memory}` });
    }
  });

const regionalSizing = z
  .object({
    /** Floor of the HPA. 2 at least: a warm standby must itself survive an AZ loss once it takes traffic. */
    minReplicas: z.number().int().min(2, 'must be at least 2: a single replica dies with its node or AZ (a warm standby must survive an AZ loss once it takes traffic)'),
    /** Ceiling of the HPA, above minReplicas so the HPA can scale out. */
    maxReplicas: z.number().int().max(500, 'must be at most 500: raise Karpenter and quota limits first, then this bound'),
    /**
     * Replicas the service needs to carry its normal load in this region (for a warm standby: once it
     * takes over). The resilience report checks what survives a zone loss against it.
     * @default minReplicas
     */
    requiredReplicas: z.number().int().min(1, 'must be at least 1').optional(),
    /** Per-region override of the service's resources (e.g. smaller pods in a warm standby). */
    resources: resources.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.maxReplicas <= s.minReplicas) {
      ctx.addIssue({ code: 'custom', path: ['maxReplicas'], message: `maxReplicas ${s.maxReplicas} must be greater than minReplicas ${s.minReplicas} so the HPA can scale out: raise maxReplicas` });
    }
    if (s.requiredReplicas !== undefined && s.requiredReplicas > s.maxReplicas) {
      ctx.addIssue({ code: 'custom', path: ['requiredReplicas'], message: `requiredReplicas ${s.requiredReplicas} is above maxReplicas ${s.maxReplicas}: the HPA could never reach it; raise maxReplicas` });
    }
  });

const service = z
  .object({
    /** Container image, pinned by tag or digest. */
    image,
    /** Default resources of every pod of the service. */
    resources,
    /** Sizing per region, keyed by region name; every configured region needs an entry. */
    regions: z.record(z.string(), regionalSizing),
  })
  .strict();

const region = z
  .object({
    /** AWS region name, e.g. us-east-1. */
    name: z.string().refine((n) => AWS_REGIONS.includes(n), (n) => ({ message: `"${n}" is not an AWS region of the aws partition: use one of ${AWS_REGIONS.join(', ')}` })),
    /**
     * Availability Zones to use, as full names.
     * @default the region's a, b and c zones
     */
    availabilityZones: z.array(z.string()).optional(),
    /** The region's VPC CIDR (IPv4, /16 to /22), disjoint from every other region's. */
    vpcCidr: z.string(),
    /**
     * Zones taken out of service while they are impaired: no Karpenter NodePool of the region lists
     * them, so Karpenter stops counting them as topology domains and launches replacement capacity in
     * the others (docs/architecture.md, "Losing an Availability Zone"). Empty in normal operation; set
     * and cleared by a person following docs/operations.md ("A zone degrades"). Subnets, data-tier
     * placement and the ALB are left alone: AWS fails those over by itself.
     * @default []
     */
    evacuatedZones: z.array(z.string()).default([]),
  })
  .strict();

const healthCheck = z
  .object({
    /** Route 53 health check interval: 10 (fast) or 30 (standard) seconds. @default 10 */
    intervalSeconds: z
      .number()
      .refine((n) => n === 10 || n === 30, 'must be 10 or 30: the only intervals Route 53 offers')
      .default(10),
    /** Consecutive failures before Route 53 marks a region unhealthy (1-10). @default 3 */
    failureThreshold: z.number().int().min(1, 'must be between 1 and 10 (Route 53 limit)').max(10, 'must be between 1 and 10 (Route 53 limit)').default(3),
    /**
     * Path probed on each region's own hostname, through its WAF and ALB: a page that fails when the shop
     * cannot show its catalog. It must be one of the shop's public paths (config/shop-paths.ts).
     * @default /catalog (ui renders it from catalog, MySQL, carts and DynamoDB; read-only)
     */
    path: z
      .string()
      .refine((p) => isShopPath(p), (p) => ({ message: `"${p}" is not one of the shop's public paths (${SHOP_PATHS.map((x) => x.path).join(', ')}): the ALB and the WAF answer anything else with 404, so the check would always fail; use e.g. "/catalog"` }))
      .default('/catalog'),
  })
  .strict();

const syntheticShopper = z
  .object({
    /**
     * Complete checkout on every run, so the region's health covers orders and its database too. The
     * orders are the customer "Synthetic Shopper" with e-mail synthetic-shopper@<dns.domain>: filter them
     * out of reporting and fulfilment. Off: the shopper stops at the payment step.
     * @default true
     */
    placeOrders: z.boolean().default(true),
    /** Consecutive failed runs (one a minute) that make the region unhealthy (1-5). @default 2 */
    failedRuns: z.number().int().min(1, 'must be between 1 and 5').max(5, 'must be between 1 and 5').default(2),
  })
  .strict();

/**
 * What customers' requests reach first (docs/architecture.md, "The front door"):
 * - `route53`: the public name is a Route 53 failover (or latency) record over the regional ALBs.
 * - `cloudfront`: an Amazon CloudFront distribution caches the ui's static assets and product media at
 *   the edge, absorbs layer 3/4 floods (Shield Standard) and runs the WAF at the edge; reads fail over
 *   per request, writes follow a Route 53 failover origin.
 * - `globalAccelerator`: AWS Global Accelerator's anycast addresses route each new connection to a
 *   healthy region without DNS caching; nothing is cached.
 */
export const FRONT_DOORS = ['route53', 'cloudfront', 'globalAccelerator'] as const;
export type FrontDoor = (typeof FRONT_DOORS)[number];

/** CloudFront price classes: which edge locations serve the shop (cheaper classes leave some out). */
export const CLOUDFRONT_PRICE_CLASSES = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'] as const;

const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const cloudFront = z
  .object({
    /**
     * Edge locations that serve the shop. PriceClass_100 (North America, Europe, Israel) covers the
     * regions the shop runs in at the lowest price; widen it when customers shop from elsewhere.
     * @default PriceClass_100
     */
    priceClass: z.enum(CLOUDFRONT_PRICE_CLASSES).default('PriceClass_100'),
    /**
     * S3 bucket in us-east-1 for CloudFront's standard access logs (its ACLs must be enabled, as
     * CloudFront's log delivery writes through them). @default no access logs
     */
    accessLogsBucket: z.string().regex(S3_BUCKET_NAME, 'must be an S3 bucket name such as "securecart-cloudfront-logs"').optional(),
    /** Days between rotations of the secret origin header the ALBs check (Secrets Manager, 1-365). @default 30 */
    originSecretRotationDays: z.number().int().min(1, 'must be between 1 and 365 days').max(365, 'must be between 1 and 365 days').default(30),
    /** Requests per 5 minutes from one client IP before the edge WAF blocks it (WAF's floor is 10). @default 2000 */
    rateLimitPer5Minutes: z.number().int().min(10, 'must be at least 10 (the lowest limit WAF accepts)').max(2000000000).default(2000),
  })
  .strict();

const edge = z
  .object({
    /**
     * The front door (FRONT_DOORS). CloudFront by default: for a shop most bytes are images and scripts
     * that the edge can serve without touching a region, its WAF and Shield Standard stop abuse before
     * it costs the clusters anything, and reads keep working through a region loss request by request.
     * Global Accelerator moves checkout's writes sooner (no DNS) but caches nothing; see the failover
     * rows of docs/resilience.md.
     * @default cloudfront
     */
    frontDoor: z.enum(FRONT_DOORS).default('cloudfront'),
    /** CloudFront settings, used when frontDoor is cloudfront. */
    cloudFront: cloudFront.default({}),
    /**
     * Shield Advanced protections (distribution or accelerator, ALBs, hosted zone), a protection group
     * and health-based detection. It needs the account's Shield Advanced subscription (a one-year
     * commitment, subscribed outside this app); Shield Standard is always on. @default false
     */
    shieldAdvanced: z.boolean().default(false),
    /** TLS policy of the ALB's HTTPS listener: TLS 1.3 with 1.2 fallback and forward-secret ciphers only. */
    sslPolicy: z
      .enum(['ELBSecurityPolicy-TLS13-1-2-2021-06', 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06', 'ELBSecurityPolicy-TLS13-1-3-2021-06'])
      .default('ELBSecurityPolicy-TLS13-1-2-2021-06'),
    /** S3 bucket (in each region, named with {region}) for ALB access logs. @default no access logs */
    accessLogsBucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.{}-]{1,61}[a-z0-9}]$/, 'must be an S3 bucket name, optionally with {region}, such as "securecart-alb-logs-{region}"')
      .optional(),
  })
  .strict();

const dns = z
  .object({
    /** The apex the shop lives under, e.g. securecart.example.com. */
    domain: z
      .string()
      .max(200, 'is too long: hostnames under it must stay within 253 characters')
      .regex(DOMAIN_PATTERN, 'must be a lowercase DNS name such as "securecart.example.com"'),
    /** Route 53 hosted zone id of `domain` (imported by id, never looked up). */
    hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ"'),
    /** First label of the public name customers use. @default shop */
    publicHostname: z.string().regex(HOSTNAME_LABEL_PATTERN, 'must be a single DNS label such as "shop"').default('shop'),
    /** Route 53 health checks of each region's own hostname. */
    healthCheck: healthCheck.default({}),
    /**
     * A CloudWatch Synthetics canary per region that shops through the region's own hostname every
     * minute; its failures make the region unhealthy in Route 53 with the health check above.
     */
    syntheticShopper: syntheticShopper.default({}),
  })
  .strict();

const cluster = z
  .object({
    /** CIDRs allowed to reach the public side of the EKS API endpoint (the private side is always on). */
    publicEndpointCidrs: z
      .array(
        z.string().superRefine((cidr, ctx) => {
          const problem = cidrProblem(cidr, 8, 32);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
      )
      .min(1, 'needs at least one CIDR: list the networks your operators and CI reach the API from'),
    /**
     * IAM role operators assume to administer the clusters (e.g. an SSO permission-set role). Only it
     * may assume the cluster-admin role; nothing else in the account becomes cluster-admin.
     */
    adminRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN such as "arn:aws:iam::111122223333:role/platform-admins"'),
    /** The managed node group for system pods (CoreDNS, controllers, Karpenter itself), spread over every AZ. */
    systemNodes: z
      .object({
        /** @default m7i.large */
        instanceType: z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, 'must be an EC2 instance type such as "m7i.large"').default('m7i.large'),
        /** At least one node per AZ (checked against every region's zones). @default 3 */
        minSize: z.number().int().min(2, 'must be at least 2: system pods need a node to fail over to').default(3),
        /** @default 6 */
        maxSize: z.number().int().max(30, 'must be at most 30: the shop runs on Karpenter nodes, not here').default(6),
      })
      .strict()
      .refine((n) => n.maxSize >= n.minSize, { message: 'maxSize must be at least minSize', path: ['maxSize'] })
      .default({}),
    /** Ceiling of the on-demand capacity Karpenter may provision per region, in vCPUs. @default 200 */
    karpenterCpuLimit: z.number().int().min(8).default(200),
    /** Ceiling of the spot capacity used for bursts beyond the on-demand ceiling, in vCPUs (0: none). @default 100 */
    spotBurstCpuLimit: z.number().int().min(0).default(100),
    /**
     * Days VPC flow logs are kept (a CloudWatch Logs retention value). PCI DSS 10.5.1 asks for 12 months
     * of audit trail; the AWS Control Tower control CT.CLOUDWATCH.PR.2 for at least 365 days.
     * @default 365
     */
    /**
     * Enable CloudWatch's resource tags for telemetry in each region (one setting per account and
     * region), which the ALB 5xx alarms need to select this environment's load balancers by tag. Set
     * false when another stack of the account already enabled it (creating it twice fails).
     * @default true
     */
    enableResourceTagsForTelemetry: z.boolean().default(true),
    flowLogRetentionDays: z
      .number()
      .refine((d) => LOG_RETENTION_DAYS.includes(d), (d) => ({ message: `${d} is not a CloudWatch Logs retention period: use one of ${LOG_RETENTION_DAYS.join(', ')} (365 or more for PCI DSS 10.5.1)` }))
      .default(365),
  })
  .strict();

/** Keys replaced by `instances` when the regions became interchangeable (issue 15): say so, not "unrecognized key". */
const RENAMED_DATABASE_KEYS = ['primaryInstances', 'secondaryInstances'] as const;

const database = z.preprocess((value, ctx) => {
  if (value && typeof value === 'object') {
    for (const key of RENAMED_DATABASE_KEYS.filter((k) => k in value)) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'was replaced by instances (the same in every region, since either region may hold the writer after a Region switch): remove primaryInstances and secondaryInstances, set instances (at least 2)' });
    }
    if (RENAMED_DATABASE_KEYS.some((k) => k in value)) return z.NEVER;
  }
  return value;
}, z
  .object({
    /** Aurora engine version, pinned (the secondary region runs the same). */
    engineVersion: z.string().regex(/^\d+(\.[\w-]+)+$/, 'must be a pinned Aurora engine version such as "16.6" or "8.0.mysql_aurora.3.08.0"'),
    /** Instance class of every instance. @default db.r6g.large */
    instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an RDS instance class such as "db.r6g.large"').default('db.r6g.large'),
    /**
     * Instances of the database in every region, each in its own AZ. The same in every region: after a
     * Region switch (cluster/region-switch) the other region holds the writer without a change in git,
     * so it must already be Multi-AZ (a writer and a reader to fail over to). At least 2. @default 2
     */
    instances: z.number().int().min(2, 'must be at least 2: a single instance puts the database in a single AZ (no Multi-AZ failover), in whichever region holds the writer').default(2),
  })
  .strict());

/**
 * AWS Backup of the stateful resources of each region (Aurora clusters, the carts table's replica, the
 * media bucket): daily and monthly backups copied to the other regions' vaults, vaults locked in
 * compliance mode, and restore tests. Point-in-time recovery days are data.backupRetentionDays.
 */
const backup = z
  .object({
    /** Days daily backups (and their copies in the other regions) are kept. @default 35 */
    dailyRetentionDays: z.number().int().min(7, 'must be at least 7 days').max(365).default(35),
    /** Days monthly backups (and their copies) are kept. @default 365 */
    monthlyRetentionDays: z.number().int().min(30, 'must be at least 30 days').max(3650, 'must be at most 3650 days (ten years)').default(365),
    /**
     * Days after which monthly backups move to cold storage, for the resource types AWS Backup offers it
     * for (DynamoDB, with AWS Backup's advanced DynamoDB features; not Aurora, not S3). AWS Backup keeps a
     * cold recovery point at least 90 days. @default 30
     */
    coldStorageAfterDays: z.number().int().min(1).default(30),
    /**
     * Days the vault locks stay changeable after their creation (compliance mode's grace time): until
     * then a lock can be removed; afterwards nobody, the account's root user included, can shorten a
     * recovery point's retention or delete the vault while it holds any. AWS's minimum is 3. @default 3
     */
    vaultLockGraceDays: z.number().int().min(3, "must be at least 3: AWS Backup's minimum grace time of a compliance-mode lock").max(36500).default(3),
    /** Restore tests: the latest recovery point of every protected resource, restored on a schedule. */
    restoreTesting: z
      .object({
        /** When, as an AWS Backup cron expression in UTC. @default "cron(0 6 ? * SUN *)" (Sundays 06:00) */
        schedule: z
          .string()
          .regex(/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/, 'must be a six-field cron expression such as "cron(0 6 ? * SUN *)"')
          .default('cron(0 6 ? * SUN *)'),
        /** Hours the restored copies live, to be checked, before AWS Backup deletes them (1 to 168). @default 4 */
        validationWindowHours: z.number().int().min(1, 'must be at least 1 hour').max(168, 'must be at most 168 hours (AWS Backup limit)').default(4),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.monthlyRetentionDays - b.coldStorageAfterDays < 90) {
      ctx.addIssue({
        code: 'custom',
        path: ['coldStorageAfterDays'],
        message: `${b.coldStorageAfterDays} days leaves ${b.monthlyRetentionDays - b.coldStorageAfterDays} days in cold storage before monthlyRetentionDays ${b.monthlyRetentionDays}: AWS Backup keeps cold recovery points at least 90 days; use at most ${b.monthlyRetentionDays - 90}`,
      });
    }
    if (b.monthlyRetentionDays < b.dailyRetentionDays) {
      ctx.addIssue({ code: 'custom', path: ['monthlyRetentionDays'], message: `${b.monthlyRetentionDays} days is shorter than dailyRetentionDays ${b.dailyRetentionDays}: monthly backups are the long-term ones; raise it` });
    }
  });

const data = z
  .object({
    /**
     * Upper bound of the orders data a region loss can lose, in seconds: Aurora PostgreSQL's
     * rds.global_db_rpo on the primary's cluster parameter group (20 to 2147483647). Past it, when no
     * secondary has caught up, Aurora blocks commits on the primary: a standby region that stops
     * replicating stops order writes after this long. null lifts the bound: while the other region is
     * lost or after an unplanned failover, until a secondary replicates again (docs/operations.md).
     * @default 20 (the smallest Aurora accepts)
     */
    ordersRpoBoundSeconds: z.number().int().min(20, 'must be at least 20: the smallest rds.global_db_rpo Aurora accepts').max(2147483647).nullable().default(20),
    /**
     * Replication lag, in seconds, at which the standby's databases raise an alarm (orders' RPO lag,
     * catalog's replication lag). Below the orders bound, so operators hear of it before commits block.
     * @default 10
     */
    replicationLagAlarmSeconds: z.number().int().min(1).default(10),
    /**
     * Days of point-in-time recovery: AWS Backup's continuous backups of the Aurora clusters and the
     * clusters' own automated-backup retention (one value, so that the ACK controller never reverts what
     * AWS Backup manages), DynamoDB's point-in-time recovery, and the days Redis keeps its daily snapshots.
     * @default 7
     */
    backupRetentionDays: z.number().int().min(7, 'must be at least 7 days').max(35, 'must be at most 35 days (the RDS limit)').default(7),
    /**
     * Put an RDS Proxy in front of each region's clusters (cluster/data-access) and have the services
     * connect through it. Off: the services use their own region's cluster endpoint, the one endpoint
     * that serves them in both roles, so a Region switch needs no restart and no change in git (a
     * proxy's read/write endpoint fails on a secondary cluster and its read-only endpoint cannot write on
     * a primary: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-gdb.html). On:
     * faster Multi-AZ failover and pooling, but after a switch every region's clients must be moved to
     * the other proxy endpoint by a render and a restart (docs/operations.md, "RDS Proxy").
     * @default false
     */
    rdsProxy: z.boolean().default(false),
    /** AWS Backup: plans, locked vaults with cross-region copies, restore tests (cluster/data-protection). */
    backup: backup.default({}),
    /** orders' PostgreSQL (Aurora PostgreSQL global database). */
    orders: database,
    /** catalog's MySQL (Aurora MySQL global database). */
    catalog: database,
    /** checkout's Redis, one replication group per region (ElastiCache has no Global Datastore in ACK). */
    redis: z
      .object({
        /** @default "7.1" */
        engineVersion: z.string().regex(/^\d+\.\d+$/, 'must be a Redis engine version such as "7.1"').default('7.1'),
        /** @default cache.r7g.large */
        nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'must be a node type such as "cache.r7g.large"').default('cache.r7g.large'),
        /** Replicas of the primary, spread over the other AZs. At least 1 for automatic failover. @default 2 */
        replicas: z.number().int().min(1, 'must be at least 1: Multi-AZ automatic failover needs a replica').max(5).default(2),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((d, ctx) => {
    // RDS reports the full engine version and the ACK controller writes it back into the spec (and
    // GlobalCluster compares it as a plain string): a short form such as "8.0" would be rewritten and
    // re-applied by Argo CD forever. Require the form AWS reports.
    const full = { orders: /^\d+\.\d+$/, catalog: /^\d+\.\d+\.mysql_aurora\.\d+\.\d+\.\d+$/ } as const;
    const example = { orders: '16.6', catalog: '8.0.mysql_aurora.3.08.0' } as const;
    if (d.ordersRpoBoundSeconds !== null && d.replicationLagAlarmSeconds >= d.ordersRpoBoundSeconds) {
      ctx.addIssue({ code: 'custom', path: ['replicationLagAlarmSeconds'], message: `${d.replicationLagAlarmSeconds} s is not below ordersRpoBoundSeconds ${d.ordersRpoBoundSeconds} s: the alarm must fire before Aurora blocks commits; lower it` });
    }
    for (const db of ['orders', 'catalog'] as const) {
      if (!full[db].test(d[db].engineVersion)) {
        ctx.addIssue({ code: 'custom', path: [db, 'engineVersion'], message: `"${d[db].engineVersion}" is not the full ${db === 'orders' ? 'Aurora PostgreSQL' : 'Aurora MySQL'} version RDS reports: use the full form such as "${example[db]}"` });
      }
    }
  });

const budgets = z
  .object({
    /**
     * Longest modeled time, through the chosen front door (edge.frontDoor), for customers to reach the
     * secondary after the primary region stops answering: the slowest request type counts (for
     * CloudFront, a POST to checkout). @default 90
     */
    regionFailoverSeconds: z.number().int().positive().default(90),
    /** Share of each service's required capacity that must survive the loss of any one AZ of the primary region. @default 100 */
    azLossCapacityPercent: z.number().min(0).max(100).default(100),
    /**
     * Longest modeled time for customers to reach the secondary when the primary still answers but
     * cannot sell (a backend down), detected by the synthetic shopper. @default 300
     */
    cannotSellFailoverSeconds: z.number().int().positive().default(300),
    /**
     * Longest loss of order data (orders' database) a region loss may cost: checked against the bound
     * that is enforced (data.ordersRpoBoundSeconds), not the typical replication lag. @default 20
     */
    orderDataRpoSeconds: z.number().min(0).default(20),
    /**
     * Longest time, after an AZ of the primary region is lost at the peak with no spare room on the
     * surviving nodes, until every service runs the pods its load needs again: the evacuation of the
     * zone (a person's decision and commit) included. @default 900
     */
    zoneLossRecoverySeconds: z.number().int().positive().default(900),
    /**
     * Longest modeled duration of the Region switch plan (cluster/region-switch), from its approval to
     * customers' writes reaching the other region, for both a planned switchover and an unplanned
     * failover: the region-loss RTO of order writes once a person has approved. The approval itself is
     * not in it. Also the plan's recovery time objective. @default 900
     */
    regionSwitchSeconds: z.number().int().positive().default(900),
  })
  .strict();

const drills = z
  .object({
    /**
     * How long an AZ power interruption drill keeps the zone's instances stopped, its Redis nodes
     * powered off and Karpenter's launches there refused, in minutes (AWS's scenario uses 30). @default 30
     */
    azPowerMinutes: z.number().int().min(5, 'must be at least 5: the zone loss takes a few minutes to show').max(720, 'must be at most 720: FIS actions last at most 12 hours').default(30),
    /**
     * Let the FIS EKS pod actions run against the shop's Deployments. FIS fails every pod action while
     * the target containers have a read-only root filesystem (FIS User Guide, "EKS Pod actions",
     * Limitations), so this renders the shop's containers with a writable one. Turn it on for a drill
     * window only, and back off afterwards. @default false
     */
    allowPodFaults: z.boolean().default(false),
  })
  .strict();

/** An IAM role ARN (the aws partitions), for the roles the platform names in its config. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
/** A Route 53 health check id (a UUID). */
const HEALTH_CHECK_ID = /^[0-9a-f-]{36}$/;
/** Minutes an ARC Region switch step may run (the API's floor is 1; it publishes no ceiling). */
const stepMinutes = (fallback: number) => z.number().int('must be a whole number of minutes').min(1, 'must be at least 1 minute (the ARC Region switch floor)').default(fallback);

/**
 * The ARC Region switch plan (cluster/region-switch): who approves an execution, how long each step
 * may take, and the health checks the plan vends for the DNS records.
 */
const regionSwitch = z
  .object({
    /**
     * IAM role whose users may approve (or decline) an execution's approval step. ARC requires it to be
     * in the account that owns the plan (manual-approval-block.html).
     * @default cluster.adminRoleArn
     */
    approverRoleArn: z.string().regex(ROLE_ARN, 'must be an IAM role ARN such as "arn:aws:iam::111122223333:role/region-switch-approvers"').optional(),
    /** Minutes each step may take before the execution pauses for a person (retry, skip or cancel). */
    timeouts: z
      .object({
        /** The approval step: how long the plan waits for a person. @default 60 */
        approvalMinutes: stepMinutes(60),
        /** The EKS scaling step: until the activated region's Deployments have their replicas ready. @default 20 */
        scalingMinutes: stepMinutes(20),
        /** Each Aurora global database's switchover (or failover). @default 30 */
        databaseMinutes: stepMinutes(30),
        /** The Route 53 health check step. @default 10 */
        dnsMinutes: stepMinutes(10),
      })
      .strict()
      .default({}),
    /**
     * Per region, the Route 53 health check the plan vends for the region's DNS record, as listed by
     * `aws arc-region-switch list-route53-health-checks --plan-arn <arn>` after the plan's first deploy.
     * @default none (the records keep the platform's own health checks until they are set)
     */
    healthCheckIds: z.record(z.string(), z.string().regex(HEALTH_CHECK_ID, 'must be a Route 53 health check id (36 characters: hex digits and dashes), as listed by "aws arc-region-switch list-route53-health-checks"')).optional(),
  })
  .strict();

const gitops = z
  .object({
    /** The git repository Argo CD syncs (this repository). */
    repoUrl: z.string().regex(/^(https:\/\/|git@|ssh:\/\/)\S+$/, 'must be an https:// or ssh git URL'),
    /** Branch, tag or commit Argo CD follows. @default main */
    targetRevision: z.string().min(1).default('main'),
  })
  .strict();

export const platformConfigSchema = z
  .object({
    /** Environment name: prefixes stacks and names the outputs file. */
    name: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be lowercase letters, digits and dashes, starting with a letter, at most 20 characters'),
    /** How regions share traffic. @default active-passive */
    failoverMode: z.enum(['active-passive', 'active-active']).default('active-passive'),
    /** Kubernetes version of every cluster (and the API level the manifests are validated against). @default "1.34" */
    kubernetesVersion: z.enum(KUBERNETES_VERSIONS).default('1.34'),
    /** Namespace of the shop's workloads. @default securecart */
    namespace: z
      .string()
      .regex(HOSTNAME_LABEL_PATTERN, 'must be a DNS label such as "securecart"')
      .refine((n) => !RESERVED_NAMESPACE.test(n), (n) => ({ message: `"${n}" belongs to the cluster or its add-ons: the shop's default-deny policies would break it; use a namespace of its own such as "securecart"` }))
      .default('securecart'),
    /** AWS account the environment deploys to (needed to synthesize without lookups). */
    accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    /**
     * Regions; at least two. The first is the home of the global data stack (carts table, credentials),
     * which never moves.
     */
    regions: z.array(region).min(2, 'needs at least 2 regions: the shop must survive a region loss'),
    /**
     * The home region: it takes the public traffic and holds the databases' writers unless the Region
     * switch plan (cluster/region-switch) has activated the other region. Its record is the Route 53
     * PRIMARY, and its cluster created the global databases and keeps their GlobalCluster objects, master
     * credentials and RPO bound for their life (ACK must not see them move: docs/architecture.md, "Region
     * switch"). A switch does not change it: which region is active is the plan's state in AWS, and git
     * renders the same manifests either way.
     * @default the first region
     */
    primaryRegion: z.string().optional(),
    dns,
    edge: edge.default({}),
    cluster,
    gitops,
    data,
    /** AWS Fault Injection Service drills (npm run drill). */
    drills: drills.default({}),
    /** The ARC Region switch plan that activates a region (cluster/region-switch). */
    regionSwitch: regionSwitch.default({}),
    /** Traces, SLOs and their burn-rate alarms, alert subscriptions, telemetry retention. */
    observability: observabilitySchema.default({}),
    /** What the resilience report holds the rendered platform to (npm run resilience fails beyond them). */
    budgets: z.preprocess((value, ctx) => {
      // Renamed when the front door became a choice: say so instead of "unrecognized key".
      if (value && typeof value === 'object' && 'dnsFailoverSeconds' in value) {
        ctx.addIssue({ code: 'custom', path: ['dnsFailoverSeconds'], message: 'was renamed budgets.regionFailoverSeconds: it now applies to the chosen front door (edge.frontDoor); rename the key' });
        return z.NEVER;
      }
      return value;
    }, budgets.default({})),
    services: z.object(Object.fromEntries(SERVICE_NAMES.map((n) => [n, service])) as Record<ServiceName, typeof service>).strict(),
    /**
     * Scheduled capacity: floors raised before known peaks and lowered after them, through KEDA's cron
     * scaler beside the CPU and memory targets (config/schedules.ts, docs/operations.md "Scheduled capacity").
     * @default []
     */
    schedules: z.array(scheduleSchema).default([]),
    /**
     * The private network: VPC endpoints, the ECR pull-through cache, partners' PrivateLink endpoints and
     * the Transit Gateways between the regions (config/network.ts, docs/architecture.md "Private network").
     */
    network: networkSchema.default({}),
  })
  .strict()
  .superRefine(checkRegions)
  .superRefine((c, ctx) => checkSchedules(c, ctx, cpuMillis))
  .superRefine(checkRegionSwitch)
  .superRefine((c, ctx) => checkNetwork(c, ctx, cidrsOverlap))
  .transform(withDefaultZones);

/** A region with its Availability Zones filled in. */
export type RegionConfig = z.output<typeof region> & { readonly availabilityZones: string[] };
export type PlatformConfig = Omit<z.output<typeof platformConfigSchema>, 'regions' | 'primaryRegion'> & {
  readonly regions: RegionConfig[];
  readonly primaryRegion: string;
};
export type ServiceConfig = PlatformConfig['services'][ServiceName];
export type ServiceResources = z.output<typeof resources>;

function withDefaultZones<T extends { regions: Array<z.output<typeof region>>; primaryRegion?: string }>(
  c: T,
): Omit<T, 'regions' | 'primaryRegion'> & { regions: RegionConfig[]; primaryRegion: string } {
  return {
    ...c,
    primaryRegion: c.primaryRegion ?? c.regions[0].name,
    regions: c.regions.map((r) => ({ ...r, availabilityZones: r.availabilityZones ?? ['a', 'b', 'c'].map((l) => `${r.name}${l}`) })),
  };
}

function checkRegions(
  c: {
    regions: Array<{ name: string; vpcCidr: string; availabilityZones?: string[]; evacuatedZones: string[] }>;
    primaryRegion?: string;
    services: Record<string, { regions: Record<string, unknown> }>;
    cluster: { systemNodes: { minSize: number } };
    data: { orders: { instances: number }; catalog: { instances: number } };
  },
  ctx: z.RefinementCtx,
): void {
  if (c.primaryRegion !== undefined && !c.regions.some((r) => r.name === c.primaryRegion)) {
    ctx.addIssue({ code: 'custom', path: ['primaryRegion'], message: `"${c.primaryRegion}" is not one of the regions (${c.regions.map((r) => r.name).join(', ')}): name one of them, or add the region` });
  }
  for (const db of ['orders', 'catalog'] as const) {
    c.regions.forEach((r, i) => {
      const zones = r.availabilityZones?.length ?? 3;
      if (c.data[db].instances > zones) {
        ctx.addIssue({ code: 'custom', path: ['data', db, 'instances'], message: `${c.data[db].instances} instances exceed the ${zones} AZs of regions.${i} (${r.name}): use at most ${zones}, one per AZ` });
      }
    });
  }
  const mostZones = Math.max(...c.regions.map((r) => r.availabilityZones?.length ?? 3));
  if (c.cluster.systemNodes.minSize < mostZones) {
    ctx.addIssue({ code: 'custom', path: ['cluster', 'systemNodes', 'minSize'], message: `${c.cluster.systemNodes.minSize} is fewer than the ${mostZones} AZs of a region: use at least ${mostZones} so every AZ keeps a system node` });
  }
  const seen = new Map<string, number>();
  const networks: Array<{ index: number; cidr: string; net: [ipaddr.IPv4, number] }> = [];
  c.regions.forEach((r, i) => {
    if (seen.has(r.name)) {
      ctx.addIssue({ code: 'custom', path: ['regions', i, 'name'], message: `region "${r.name}" is listed twice (also at regions.${seen.get(r.name)}): each region appears once` });
    }
    seen.set(r.name, i);

    const zones = r.availabilityZones;
    if (zones) {
      if (zones.length < 2 || zones.length > 6) {
        ctx.addIssue({ code: 'custom', path: ['regions', i, 'availabilityZones'], message: `has ${zones.length} zone(s): use 2 to 6 Availability Zones (3 recommended)` });
      }
      zones.forEach((z, j) => {
        if (!new RegExp(`^${r.name}[a-z]$`).test(z)) {
          ctx.addIssue({ code: 'custom', path: ['regions', i, 'availabilityZones', j], message: `"${z}" is not an Availability Zone of ${r.name}: use names like "${r.name}a"` });
        } else if (zones.indexOf(z) !== j) {
          ctx.addIssue({ code: 'custom', path: ['regions', i, 'availabilityZones', j], message: `"${z}" is listed twice: each zone appears once` });
        }
      });
    }

    const regionZones = zones ?? ['a', 'b', 'c'].map((l) => `${r.name}${l}`);
    r.evacuatedZones.forEach((z, j) => {
      if (!regionZones.includes(z)) {
        ctx.addIssue({ code: 'custom', path: ['regions', i, 'evacuatedZones', j], message: `"${z}" is not one of the region's zones (${regionZones.join(', ')}): name a zone the region uses` });
      } else if (r.evacuatedZones.indexOf(z) !== j) {
        ctx.addIssue({ code: 'custom', path: ['regions', i, 'evacuatedZones', j], message: `"${z}" is listed twice: each zone appears once` });
      }
    });
    if (regionZones.every((z) => r.evacuatedZones.includes(z))) {
      ctx.addIssue({ code: 'custom', path: ['regions', i, 'evacuatedZones'], message: `evacuates every zone of ${r.name}: Karpenter could launch nowhere; keep at least one zone, and fail the region over instead (docs/operations.md)` });
    }

    const net = parseCidr(r.vpcCidr);
    if (typeof net === 'string') {
      ctx.addIssue({ code: 'custom', path: ['regions', i, 'vpcCidr'], message: net });
      return;
    }
    for (const other of networks) {
      if (net[0].match(other.net) || other.net[0].match(net)) {
        ctx.addIssue({ code: 'custom', path: ['regions', i, 'vpcCidr'], message: `${r.vpcCidr} overlaps regions.${other.index}.vpcCidr ${other.cidr}: give every region a disjoint CIDR (peering and failover routing need it)` });
      }
    }
    networks.push({ index: i, cidr: r.vpcCidr, net });
  });

  const regionNames = c.regions.map((r) => r.name);
  for (const [svc, s] of Object.entries(c.services)) {
    for (const name of regionNames) {
      if (!(name in s.regions)) {
        ctx.addIssue({ code: 'custom', path: ['services', svc, 'regions'], message: `has no sizing for region "${name}": add services.${svc}.regions.${name} with minReplicas and maxReplicas` });
      }
    }
    for (const name of Object.keys(s.regions)) {
      if (!regionNames.includes(name)) {
        ctx.addIssue({ code: 'custom', path: ['services', svc, 'regions', name], message: `sizes region "${name}", which is not in regions: remove it or add the region` });
      }
    }
  }
}

/** The Region switch settings against the regions and the account: names that exist, a role the plan's account owns. */
function checkRegionSwitch(
  c: { accountId: string; regions: Array<{ name: string }>; cluster: { adminRoleArn: string }; regionSwitch: { approverRoleArn?: string; healthCheckIds?: Record<string, string> } },
  ctx: z.RefinementCtx,
): void {
  const names = c.regions.map((r) => r.name);
  for (const region of Object.keys(c.regionSwitch.healthCheckIds ?? {})) {
    if (!names.includes(region)) {
      ctx.addIssue({ code: 'custom', path: ['regionSwitch', 'healthCheckIds', region], message: `"${region}" is not one of the regions (${names.join(', ')}): key each health check id by the region the plan vended it for` });
    }
  }
  // "The IAM role must be within the account that is the owner of the plan" (ARC, manual approval block).
  const approver = c.regionSwitch.approverRoleArn ?? c.cluster.adminRoleArn;
  const account = /^arn:[^:]+:iam::(\d{12}):/.exec(approver)?.[1];
  if (account !== undefined && /^\d{12}$/.test(c.accountId) && account !== c.accountId) {
    const path = c.regionSwitch.approverRoleArn === undefined ? ['cluster', 'adminRoleArn'] : ['regionSwitch', 'approverRoleArn'];
    ctx.addIssue({ code: 'custom', path, message: `${approver} is in account ${account}, not accountId ${c.accountId}: ARC approves a Region switch only with a role of the plan's own account; set regionSwitch.approverRoleArn to one` });
  }
}

/** What is wrong with an IPv4 CIDR (undefined when nothing is), its prefix bounded by [minBits, maxBits]. */
function cidrProblem(cidr: string, minBits: number, maxBits: number, purpose = 'a CIDR'): string | undefined {
  const [address, bitsText] = cidr.split('/');
  // Only canonical dotted decimal: ipaddr.js also reads octal and hex forms, which EC2 and Kubernetes do not.
  if (bitsText === undefined || !ipaddr.IPv4.isValidFourPartDecimal(address) || !/^\d{1,2}$/.test(bitsText) || Number(bitsText) > 32) {
    return `"${cidr}" is not an IPv4 CIDR in dotted decimal: use a block such as "10.10.0.0/16"`;
  }
  const bits = Number(bitsText);
  if (bits < minBits || bits > maxBits) return `"${cidr}" has prefix /${bits}: ${purpose} needs /${minBits} to /${maxBits}`;
  if (bits === 0) return `"${cidr}" opens the whole internet: list the networks that need access`;
  const network = ipaddr.IPv4.networkAddressFromCIDR(cidr).toString();
  if (network !== ipaddr.IPv4.parse(address).toString()) return `"${cidr}" has host bits set: use "${network}/${bits}"`;
  return undefined;
}

/**
 * Whether two IPv4 CIDRs overlap; a message when the first is not a CIDR (the second is a VPC CIDR,
 * checked on its own).
 */
function cidrsOverlap(cidr: string, vpcCidr: string): boolean | string {
  const problem = cidrProblem(cidr, 1, 32);
  if (problem) return problem;
  if (cidrProblem(vpcCidr, 16, 22)) return false;
  const a = ipaddr.IPv4.parseCIDR(cidr);
  const b = ipaddr.IPv4.parseCIDR(vpcCidr);
  return a[0].match(b) || b[0].match(a);
}

/** Parses an IPv4 VPC CIDR; returns an error message when it is not one. */
function parseCidr(cidr: string): [ipaddr.IPv4, number] | string {
  const problem = cidrProblem(cidr, 16, 22, 'a VPC over three AZs with three subnet tiers');
  if (problem) return problem;
  const [addr, bits] = ipaddr.IPv4.parseCIDR(cidr);
  return [addr, bits];
}
