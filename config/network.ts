/**
 * The private network (`network` in the config): VPC endpoints for the AWS APIs the clusters and the
 * shop call, an ECR pull-through cache for the public registry the images come from, PrivateLink
 * endpoints to partners (the payment provider), and private transit between the regions' VPCs (a
 * Transit Gateway per region, peered), with optional on-premises links. The cluster app builds them
 * (cluster/network), the charts narrow the NetworkPolicies to them (charts/apps-chart.ts), and both read
 * the catalog below, so that an endpoint and the egress rule that relies on it cannot drift apart.
 */
import { z } from 'zod';

/** Name of the isolated subnet tier that holds the interface endpoints and the transit attachments. */
export const ENDPOINT_SUBNET_TIER = 'endpoints';

/** Who calls an AWS API from inside a VPC. */
export type ApiCaller =
  | 'nodes'
  | 'vpc-cni'
  | 'karpenter'
  | 'load-balancer-controller'
  | 'external-secrets'
  | 'external-dns'
  | 'ack-rds'
  | 'ack-elasticache'
  | 'cloudwatch-observability'
  | 'synthetic-shopper'
  | 'carts'
  | 'trace-collector';

/** A shop workload that calls AWS APIs (its NetworkPolicy opens exactly the endpoints below). */
export type ShopApiCaller = Extract<ApiCaller, 'carts' | 'trace-collector'>;

export interface InterfaceEndpointSpec {
  /** The service's suffix in `com.amazonaws.<region>.<suffix>`. */
  readonly service: string;
  /**
   * Who calls it, and why (each from the caller's own source or chart); `unverified` says what could
   * keep the call off the endpoint, to be checked on the first deploy.
   */
  readonly callers: ReadonlyArray<{ readonly who: ApiCaller; readonly why: string; readonly unverified?: string }>;
  /**
   * Why the endpoint keeps AWS's full-access policy: set only for services that refuse any other
   * ("Service ... only supports the full-access endpoint policy"). Every other endpoint gets this
   * account's data perimeter (cluster/network/endpoint-policies.ts).
   * @default undefined: the endpoint has the account-only policy
   */
  readonly fullAccessOnly?: string;
}

/**
 * The interface endpoints of every region, derived from who calls what (callers and reasons below).
 * Not here, and why (these still leave through NAT: docs/architecture.md "Private network"):
 * Route 53 (external-dns: no interface endpoint), IAM and the Pricing API (Karpenter: us-east-1 only),
 * WAFv2 (the Load Balancer Controller's web ACL association, every 10 minutes at most), and git and Helm
 * repositories (Argo CD); EKS Auth, because nothing uses EKS Pod Identity (every role is IRSA, which is
 * STS); KMS, because nothing in the VPC calls it (Secrets Manager, RDS and EBS call KMS on their own side).
 */
export const INTERFACE_ENDPOINTS: readonly InterfaceEndpointSpec[] = [
  {
    service: 'sts',
    callers: [
      { who: 'carts', why: 'IRSA: AssumeRoleWithWebIdentity (the EKS pod identity webhook sets AWS_STS_REGIONAL_ENDPOINTS=regional)' },
      { who: 'trace-collector', why: 'IRSA: AssumeRoleWithWebIdentity' },
      { who: 'karpenter', why: 'IRSA' },
      { who: 'load-balancer-controller', why: 'IRSA' },
      { who: 'external-secrets', why: 'IRSA' },
      { who: 'external-dns', why: 'IRSA (its Route 53 calls themselves still leave through NAT)' },
      {
        who: 'cloudwatch-observability',
        why: 'IRSA of the CloudWatch agent',
        unverified: 'its aws-sdk-go v1 reaches the regional STS endpoint only if EKS injects AWS_STS_REGIONAL_ENDPOINTS=regional; else the global one, through NAT, and its new credentials wait',
      },
      { who: 'ack-rds', why: 'IRSA' },
      { who: 'ack-elasticache', why: 'IRSA' },
    ],
  },
  { service: 'ecr.api', callers: [{ who: 'nodes', why: 'kubelet credential provider: GetAuthorizationToken; pull-through cache' }] },
  { service: 'ecr.dkr', callers: [{ who: 'nodes', why: 'image manifests from ECR (layers come from S3 through the gateway endpoint)' }] },
  {
    service: 'ec2',
    callers: [
      { who: 'vpc-cni', why: 'ipamd: ENIs and secondary addresses for pods' },
      { who: 'karpenter', why: 'DescribeInstanceTypes at start (the process exits if it fails: karpenter-provider-aws v1.14.1 pkg/operator/operator.go:124), CreateFleet, TerminateInstances, Describe*' },
      { who: 'load-balancer-controller', why: 'security groups and subnets of the ALB' },
      { who: 'cloudwatch-observability', why: 'the CloudWatch agent: DescribeTags and DescribeVolumes for Container Insights' },
    ],
  },
  { service: 'elasticloadbalancing', callers: [{ who: 'load-balancer-controller', why: 'the ALB, its listeners, rules and target groups' }] },
  {
    service: 'eks',
    // Not at start: that call is skipped when CLUSTER_ENDPOINT is set (operator.go:301-312), as Blueprints sets it.
    callers: [{ who: 'karpenter', why: 'DescribeCluster once per process, for the service CIDR of AL2023 nodes (pkg/providers/launchtemplate/launchtemplate.go:537-541)' }],
    fullAccessOnly: 'EKS refuses custom endpoint policies: "Service com.amazonaws.<region>.eks only supports the full-access endpoint policy" (awslabs/landing-zone-accelerator-on-aws#224)',
  },
  { service: 'sqs', callers: [{ who: 'karpenter', why: 'interruption queue: ReceiveMessage, DeleteMessage' }] },
  { service: 'ssm', callers: [{ who: 'karpenter', why: 'GetParameter: the EKS-optimised AMI of the EC2NodeClass alias (pkg/providers/ssm/provider.go:53, amifamily/al2023.go:47)' }] },
  {
    service: 'secretsmanager',
    callers: [
      { who: 'external-secrets', why: 'GetSecretValue: database and Redis credentials' },
      { who: 'synthetic-shopper', why: 'behind CloudFront: the origin-verify header it sends (cluster/synthetic-shopper)' },
    ],
  },
  { service: 'logs', callers: [{ who: 'cloudwatch-observability', why: 'Container Insights: Fluent Bit and the CloudWatch agent (its metrics are EMF log events)' }] },
  { service: 'monitoring', callers: [{ who: 'synthetic-shopper', why: 'behind CloudFront it runs in the VPC: PutMetricData of its journey metrics' }] },
  { service: 'xray', callers: [{ who: 'trace-collector', why: 'awsxray exporter: PutTraceSegments' }] },
  { service: 'rds', callers: [{ who: 'ack-rds', why: 'DB clusters, instances, global clusters, parameter groups' }] },
  { service: 'elasticache', callers: [{ who: 'ack-elasticache', why: 'replication groups, users, parameter groups' }] },
];

/**
 * Gateway endpoints (free, a route in every route table): S3 (ECR's image layers live in S3) and
 * DynamoDB (carts). No DynamoDB interface endpoint: carts could only reach one through its endpoint
 * override, and with an override the image pins its client to us-west-2
 * (retail-store-sample-app v1.6.2 src/cart/src/main/java/com/amazon/sample/carts/config/DynamoDBConfiguration.java:50-54:
 * `builder.region(Region.US_WEST_2); builder.endpointOverride(...)`), so requests signed for us-west-2
 * would reach another region's endpoint and be refused. Without it, its SDK (awssdk 2.32.13, src/cart/pom.xml)
 * resolves DynamoDB's regional (account-based) name to DynamoDB's public addresses, which the gateway
 * endpoint's route carries without the NAT gateways.
 */
export const GATEWAY_ENDPOINTS = ['s3', 'dynamodb'] as const;
export type GatewayEndpointService = (typeof GATEWAY_ENDPOINTS)[number];

/** The AWS APIs a shop workload calls: through interface endpoints (by the catalog above) and gateway endpoints. */
export interface ShopAwsCalls {
  readonly interface: readonly string[];
  readonly gateway: readonly GatewayEndpointService[];
}

/**
 * The AWS APIs each shop workload calls, from the images' own source: carts' DynamoDB client
 * (DynamoDBConfiguration.java above) and IRSA (STS); the trace collector's awsxray exporter and IRSA.
 * The charts open exactly these.
 */
export const SHOP_AWS_CALLS: Readonly<Record<ShopApiCaller, ShopAwsCalls>> = {
  carts: { interface: interfaceEndpointsOf('carts'), gateway: ['dynamodb'] },
  'trace-collector': { interface: interfaceEndpointsOf('trace-collector'), gateway: [] },
};

/** Whether a workload has an entry in SHOP_AWS_CALLS. */
export function isShopApiCaller(name: string): name is ShopApiCaller {
  return Object.prototype.hasOwnProperty.call(SHOP_AWS_CALLS, name);
}

function interfaceEndpointsOf(caller: ApiCaller): string[] {
  return INTERFACE_ENDPOINTS.filter((e) => e.callers.some((c) => c.who === caller)).map((e) => e.service);
}

/** A flow that still leaves through a NAT gateway, and what stops while its zone's NAT gateway is down. */
export interface NatFlow {
  /** Who makes it (as the architecture doc's table names it). */
  readonly who: string;
  /** What it reaches. */
  readonly what: string;
  /** Why no endpoint carries it. */
  readonly why: string;
  /** What waits while the NAT gateway of the zone it runs in is down (the other zones' are not). */
  readonly whenNatFails: string;
  /** On the shop's serving path or what decides its failover (the region's health). */
  readonly servingPath: boolean;
  /** Only with this front door (edge.frontDoor). @default every front door */
  readonly frontDoor?: 'cloudfront';
}

/**
 * What still needs the NAT gateways once the endpoints exist (docs/architecture.md "Private network";
 * the resilience report's "A zone's NAT gateway fails"). None of it is on the shop's serving path.
 * Sources: karpenter-provider-aws v1.14.1 (pkg/providers/instanceprofile/instanceprofile.go:85,122;
 * pkg/providers/pricing/pricing.go:114-127,300; nodeclass/instanceprofile.go:71-75), aws-load-balancer-controller
 * v3.4.0 (pkg/deploy/wafv2/web_acl_association_manager.go:13,59,94), external-dns v0.21.0
 * (provider/aws/aws.go:336: the global route53.amazonaws.com), the ECR User Guide (first pull through the cache).
 */
export const NAT_FLOWS: readonly NatFlow[] = [
  { who: 'Argo CD', what: 'git and Helm repositories', why: 'on the internet', whenNatFails: 'syncs wait if every repo-server replica runs in that zone; what is applied keeps running', servingPath: false },
  { who: 'external-dns', what: 'Route 53', why: 'Route 53\'s API has no interface endpoint in the commercial regions', whenNatFails: 'record changes wait if its pod runs in that zone; the records keep answering', servingPath: false },
  { who: 'Karpenter', what: 'IAM (instance profiles) and the Pricing API', why: 'their endpoints exist in us-east-1 only', whenNatFails: 'a new EC2NodeClass or role change waits; existing NodeClasses stay Ready and launch, with built-in on-demand prices', servingPath: false },
  { who: 'Load Balancer Controller', what: 'WAFv2 (the web ACL association)', why: 'not in the catalog (it has an endpoint)', whenNatFails: 'a new ALB gets its web ACL late; existing ALBs keep theirs', servingPath: false },
  { who: 'the first pull of a new image tag through the cache', what: 'the upstream registry, through ECR', why: 'ECR needs a NAT route for a first pull from a VPC that reaches it through interface endpoints', whenNatFails: 'a tag never pulled before cannot start in that zone; warm tags before rolling them out', servingPath: false },
  { who: 'Argo CD, External Secrets, KEDA, external-dns, metrics-server, the descheduler (images)', what: 'quay.io, ghcr.io, registry.k8s.io (its layers: the S3 gateway endpoint)', why: 'those registries are not cached', whenNatFails: 'a replica moved to a new node in that zone cannot start; the replicas in the other zones keep running (metrics-server\'s keep the HPAs\' metrics)', servingPath: false },
  { who: 'Session Manager', what: 'ssmmessages, ec2messages', why: 'no endpoints: nobody is meant to shell into nodes', whenNatFails: 'no sessions to nodes in that zone', servingPath: false },
  {
    who: 'the synthetic shopper behind CloudFront',
    what: 'the public hostname',
    why: 'it probes from the NAT addresses the ALB admits',
    whenNatFails: "its runs from that zone fail; dns.syntheticShopper.failedRuns of them set its alarm, which the region's Route 53 health check follows (cluster/health-stack.ts): one zone's NAT gateway can fail the region over",
    servingPath: true,
    frontDoor: 'cloudfront',
  },
];

/** A VPC endpoint service name of a partner: com.amazonaws.vpce.<region>.vpce-svc-<17 hex digits>. */
const PARTNER_SERVICE = /^com\.amazonaws\.vpce\.([a-z]{2}(-[a-z]+)+-\d)\.vpce-svc-[0-9a-f]{17}$/;
const NAME = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

const port = z.number().int('must be a whole port number').min(1, 'must be a port (1-65535)').max(65535, 'must be a port (1-65535)');

const partner = z
  .object({
    /** Short name (a DNS label): names the endpoint, its security group and the NetworkPolicy rule. */
    name: z.string().regex(NAME, 'must be a DNS label of at most 32 characters, e.g. "payments"'),
    /** The partner's endpoint service in each region, keyed by region: every region needs one (either may serve). */
    serviceNames: z.record(z.string(), z.string().regex(PARTNER_SERVICE, 'must be a VPC endpoint service name: com.amazonaws.vpce.<region>.vpce-svc-<17 hex digits>, as the partner gives it')),
    /** TCP ports the partner serves on. @default [443] */
    ports: z.array(port).min(1, 'needs at least one port').default([443]),
    /** Whether the partner's service offers private DNS (the partner's hostname resolves to the endpoint). @default true */
    privateDns: z.boolean().default(true),
    /** The shop services that call the partner: the only ones its NetworkPolicy rule admits. @default ["checkout"] */
    clients: z.array(z.string()).min(1, 'needs at least one client service').default(['checkout']),
  })
  .strict();

const onPremises = z
  .object({
    /** The on-premises networks (IPv4 CIDRs), disjoint from every VPC. */
    cidrs: z.array(z.string()).min(1, 'needs at least one on-premises CIDR'),
    /**
     * A Site-to-Site VPN to the home region's Transit Gateway.
     * @default none
     */
    vpn: z
      .object({
        /** The public IPv4 address of the on-premises VPN device. */
        customerGatewayIp: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'must be an IPv4 address such as "203.0.113.10"'),
        /** The on-premises BGP ASN. */
        bgpAsn: z.number().int().min(1, 'must be a BGP ASN (1-4294967294)').max(4294967294, 'must be a BGP ASN (1-4294967294)'),
      })
      .strict()
      .optional(),
    /**
     * An existing Direct Connect gateway, associated with every region's Transit Gateway.
     * @default none
     */
    directConnectGatewayId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a Direct Connect gateway id (a UUID)').optional(),
  })
  .strict();

const transit = z
  .object({
    /** A Transit Gateway per region, peered between the regions. @default false */
    enabled: z.boolean().default(false),
    /** Links to an on-premises network (off unless set). @default none */
    onPremises: onPremises.optional(),
  })
  .strict();

export const networkSchema = z
  .object({
    /** ECR pull-through cache of the public registry the images come from (public.ecr.aws). */
    pullThroughCache: z
      .object({
        /** Create the cache rule in every region and render images through it. @default true */
        enabled: z.boolean().default(true),
        /** The repository prefix of the cache in ECR. @default "ecr-public" */
        prefix: z
          .string()
          .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, 'must be 2-30 lowercase letters, digits and . _ - (an ECR repository prefix), e.g. "ecr-public"')
          .min(2, 'must be 2-30 characters (an ECR repository prefix)')
          .max(30, 'must be 2-30 characters (an ECR repository prefix)')
          .refine((p) => p !== 'aws', 'is reserved by ECR: use e.g. "ecr-public"')
          .default('ecr-public'),
      })
      .strict()
      .default({}),
    /** PrivateLink endpoints to partners' services. @default [] */
    partners: z.array(partner).default([]),
    /** Private transit between the regions (and optionally on premises). */
    transit: transit.default({}),
  })
  .strict();

export type NetworkConfig = z.output<typeof networkSchema>;
export type PartnerConfig = NetworkConfig['partners'][number];

/** The registry of the pull-through cache in a region: `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>`. */
export function cacheRegistry(accountId: string, region: string, prefix: string): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com/${prefix}`;
}

/** The upstream registry the cache mirrors. */
export const UPSTREAM_REGISTRY = 'public.ecr.aws';

/**
 * An image as pulled through the cache: `public.ecr.aws/<alias>/<repo>:<tag>` becomes
 * `<registry>/<alias>/<repo>:<tag>` (the cache keeps the upstream path under its prefix). Images of
 * other registries are returned unchanged: the cache holds public.ecr.aws only.
 */
export function throughCache(image: string, registry: string | undefined): string {
  if (!registry || !image.startsWith(`${UPSTREAM_REGISTRY}/`)) return image;
  return `${registry}/${image.slice(UPSTREAM_REGISTRY.length + 1)}`;
}

/**
 * The first Transit Gateway ASN: a private ASN (64512-65534) that is neither a Transit Gateway's nor a
 * Direct Connect gateway's default (both 64512: a Direct Connect gateway refuses to associate with a
 * Transit Gateway of its own ASN, https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-transit-gateways.html).
 */
export const TRANSIT_ASN_BASE = 64600;

/**
 * The Transit Gateway's Amazon-side ASN of the i-th region: one per region, distinct (BGP over Direct
 * Connect and VPN needs them so). Bound to the regions' order: an ASN is fixed once the gateway exists
 * (changing it replaces the gateway), so regions are appended, never reordered.
 */
export function transitAsn(regionIndex: number): number {
  return TRANSIT_ASN_BASE + regionIndex;
}

/** Cross-field rules: a partner service per region and in that region; on-premises CIDRs disjoint from the VPCs. */
export function checkNetwork(
  c: { regions: Array<{ name: string; vpcCidr: string }>; network: NetworkConfig; services: Record<string, unknown> },
  ctx: z.RefinementCtx,
  overlaps: (a: string, b: string) => boolean | string,
): void {
  const names = new Set<string>();
  c.network.partners.forEach((p, i) => {
    if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['network', 'partners', i, 'name'], message: `"${p.name}" is used twice: give each partner its own name` });
    names.add(p.name);
    for (const r of c.regions) {
      if (!(r.name in p.serviceNames)) ctx.addIssue({ code: 'custom', path: ['network', 'partners', i, 'serviceNames'], message: `has no service for ${r.name}: add the partner's endpoint service name in ${r.name} (either region may serve checkout)` });
    }
    for (const [region, service] of Object.entries(p.serviceNames)) {
      if (!c.regions.some((r) => r.name === region)) ctx.addIssue({ code: 'custom', path: ['network', 'partners', i, 'serviceNames', region], message: `"${region}" is not one of the configured regions: remove it or add the region` });
      const match = PARTNER_SERVICE.exec(service);
      if (match && match[1] !== region) ctx.addIssue({ code: 'custom', path: ['network', 'partners', i, 'serviceNames', region], message: `"${service}" is in ${match[1]}, not ${region}: an interface endpoint reaches services of its own region only` });
    }
    p.clients.forEach((client, j) => {
      if (!(client in c.services)) ctx.addIssue({ code: 'custom', path: ['network', 'partners', i, 'clients', j], message: `"${client}" is not one of the shop's services (${Object.keys(c.services).join(', ')}): name the service that calls the partner` });
    });
    if (new Set(p.ports).size !== p.ports.length) ctx.addIssue({ code: 'custom', path: ['network', 'partners', i, 'ports'], message: `lists a port twice (${p.ports.join(', ')}): list each once` });
  });
  const onPrem = c.network.transit.onPremises;
  if (onPrem) {
    if (!c.network.transit.enabled) ctx.addIssue({ code: 'custom', path: ['network', 'transit', 'onPremises'], message: 'needs the Transit Gateways: set network.transit.enabled to true, or remove onPremises' });
    if (onPrem.vpn && c.regions.some((_, i) => transitAsn(i) === onPrem.vpn!.bgpAsn)) {
      ctx.addIssue({ code: 'custom', path: ['network', 'transit', 'onPremises', 'vpn', 'bgpAsn'], message: `${onPrem.vpn.bgpAsn} is a Transit Gateway's own ASN (${c.regions.map((_, i) => transitAsn(i)).join(', ')}): BGP needs the on-premises side to use another` });
    }
    if (!onPrem.vpn && !onPrem.directConnectGatewayId) ctx.addIssue({ code: 'custom', path: ['network', 'transit', 'onPremises'], message: 'has neither vpn nor directConnectGatewayId: add the link the on-premises network uses, or remove onPremises' });
    onPrem.cidrs.forEach((cidr, i) => {
      for (const r of c.regions) {
        const o = overlaps(cidr, r.vpcCidr);
        if (typeof o === 'string') ctx.addIssue({ code: 'custom', path: ['network', 'transit', 'onPremises', 'cidrs', i], message: o });
        else if (o) ctx.addIssue({ code: 'custom', path: ['network', 'transit', 'onPremises', 'cidrs', i], message: `${cidr} overlaps ${r.name}'s VPC ${r.vpcCidr}: routes to on premises would capture the VPC's own traffic; use a disjoint CIDR` });
      }
    });
  }
}

