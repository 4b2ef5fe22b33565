/**
 * The front doors (cluster/front-door/), asserted on the synthesized templates of the whole cluster app
 * (every stack, offline, as `npm run synth` renders them) for the variants that change them:
 *
 * - `cloudfront`: the default environment (config/environments/prod.yaml: CloudFront, primary and home
 *   us-east-1, secondary us-west-2);
 * - `tuned`: CloudFront with Shield Advanced, non-default CloudFront settings, the regions listed the other
 *   way round (home us-west-2) and us-west-2 primary, so every value below is proven to come from the config;
 * - `accelerator` and `acceleratorActive`: Global Accelerator, active-passive and active-active;
 * - `route53`: the public name is Route 53's failover pair alone.
 *
 * Expected values come from the config and the exported constants; each assertion names the AWS
 * documentation or the upstream file it relies on.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import {
  CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST,
  CLOUDFRONT_REGION,
  MEDIA_PATH,
  ORIGIN_CONNECTION,
  ORIGIN_FAILOVER_STATUS_CODES,
  ORIGIN_VERIFY_HEADER,
  ORIGIN_VERIFY_RULE,
  ORIGIN_VERIFY_SECRET_KEY,
  mediaBucketName,
  originVerifySecretName,
  originVerifyValueReference,
  regionalWebAclName,
  route53HealthCheckPrefixList,
} from '../config/front-door';
import { albGroupName, originHostname, publicHostname, regionalHostname } from '../config/hostnames';
import { parseConfig } from '../config/load';
import { FRONT_DOOR_OUTPUT_KEYS, acceleratorStackName, edgeStackName, globalStackName, healthCheckOutputKey, healthStackName, regionalStackName, regionSwitchStackName, transitStackName } from '../config/outputs';
import { PlatformConfig } from '../config/schema';
import { SHOP_PATHS, shopPathPattern } from '../config/shop-paths';
import { ACCELERATOR_PORTS } from '../cluster/front-door/accelerator-stack';
import { ASSETS_PATTERN, ASSETS_TTL, EDGE_PATHS, FAILOVER_READ_PATTERNS } from '../cluster/front-door/cloudfront-stack';
import { ROTATION_CODE_DIR } from '../cluster/front-door/origin-verify-secret';
import { clusterName, commonTags } from '../cluster/naming';
import { AWS_MANAGED_RULE_GROUPS } from '../cluster/waf-rules';
import { ClusterSynth } from '../cluster/synth';
import { defaultConfigData } from './helpers';
import { resourcesOf, synthTemplates } from './support/cluster-templates';
import { allowedActions, cfnText, evaluate } from './support/iam';

// ---------------------------------------------------------------------------------------------------
// Variants, synthesized once for the file
// ---------------------------------------------------------------------------------------------------

interface Variant {
  readonly config: PlatformConfig;
  readonly synth: ClusterSynth;
  readonly templates: Record<string, Template>;
}

function configWith(name: string, edit: (data: Record<string, any>) => void): PlatformConfig {
  const data = defaultConfigData();
  edit(data);
  return parseConfig(data, name);
}

const CONFIGS = {
  cloudfront: configWith('cloudfront', () => undefined),
  tuned: configWith('tuned', (data) => {
    data.regions = [...data.regions].reverse();
    data.primaryRegion = 'us-west-2';
    data.edge = { ...data.edge, shieldAdvanced: true, cloudFront: { priceClass: 'PriceClass_200', rateLimitPer5Minutes: 1234, originSecretRotationDays: 7 } };
  }),
  accelerator: configWith('accelerator', (data) => (data.edge = { ...data.edge, frontDoor: 'globalAccelerator' })),
  acceleratorActive: configWith('accelerator-active-active', (data) => {
    data.edge = { ...data.edge, frontDoor: 'globalAccelerator' };
    data.failoverMode = 'active-active';
  }),
  route53: configWith('route53', (data) => (data.edge = { ...data.edge, frontDoor: 'route53' })),
};
type VariantName = keyof typeof CONFIGS;
const CLOUDFRONT_VARIANTS: VariantName[] = ['cloudfront', 'tuned'];
const OTHER_FRONT_DOORS: VariantName[] = ['accelerator', 'route53'];

const variants = {} as Record<VariantName, Variant>;

beforeAll(async () => {
  for (const [name, config] of Object.entries(CONFIGS) as Array<[VariantName, PlatformConfig]>) {
    variants[name] = { config, ...(await synthTemplates(config)) };
  }
}, 180_000);

// ---------------------------------------------------------------------------------------------------
// Reading templates
// ---------------------------------------------------------------------------------------------------

const regionNames = (config: PlatformConfig) => config.regions.map((r) => r.name);
/** The region whose hostname CloudFront falls back to: the one that is not primary. */
const secondaryOf = (config: PlatformConfig) => regionNames(config).find((r) => r !== config.primaryRegion)!;
const resources = (t: Template): Record<string, any> => t.toJSON().Resources;
const only = (t: Template, type: string): [string, any] => {
  const found = resourcesOf(t, type);
  expect(found).toHaveLength(1);
  return found[0];
};
const getAttId = (v: any, attribute: string): string => {
  expect(v?.['Fn::GetAtt']?.[1]).toBe(attribute);
  return v['Fn::GetAtt'][0];
};
const stackNames = (v: Variant) => Object.keys(v.templates).sort();
const regional = (v: Variant, region: string) => v.templates[regionalStackName(v.config.name, region)];
const edge = (v: Variant) => v.templates[edgeStackName(v.config.name)];
const global = (v: Variant) => v.templates[globalStackName(v.config.name)];
const health = (v: Variant) => v.templates[healthStackName(v.config.name)];
const accelerator = (v: Variant) => v.templates[acceleratorStackName(v.config.name)];

/** The stacks (by name) a stack depends on, in the cloud assembly (cdk deploy's order). */
function dependenciesOf(v: Variant, stackName: string): string[] {
  const stack = v.synth.assembly.stacks.find((s) => s.stackName === stackName)!;
  return stack.dependencies.filter((d): d is CloudFormationStackArtifact => d instanceof CloudFormationStackArtifact).map((d) => d.stackName).sort();
}

/** Statements of every policy a role has: inline ones and AWS::IAM::Policy resources attached to it. */
function roleStatements(t: Template, roleId: string): any[] {
  const all = resources(t);
  const inline = (all[roleId].Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement);
  const attached = Object.values(all)
    .filter((r: any) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: any) => ref.Ref === roleId))
    .flatMap((r: any) => r.Properties.PolicyDocument.Statement);
  return [...inline, ...attached];
}

/** An IAM statement's actions, as a list. */
const actionsOf = (s: any): string[] => ([] as string[]).concat(s.Action);

/** The logical id of the resource whose attribute an exported output of `exporter` carries (Fn::ImportValue). */
function importedResource(value: unknown, exporter: Template): string {
  const text = JSON.stringify(value);
  const name = /"Fn::ImportValue":"([^"]+)"/.exec(text)?.[1];
  expect(name).toBeDefined();
  const output = Object.values(exporter.toJSON().Outputs as Record<string, any>).find((o) => o.Export?.Name === name);
  expect(output).toBeDefined();
  return output.Value['Fn::GetAtt'][0];
}

/** An AwsCustomResource's SDK call (the Create one; Update must be the same call). */
function sdkCall(resource: any): any {
  expect(resource.Properties.Update).toBe(resource.Properties.Create);
  return JSON.parse(resource.Properties.Create);
}

// ---------------------------------------------------------------------------------------------------
// A WAF evaluator for the statements the shop's web ACLs use (CloudFormation's PascalCase)
// ---------------------------------------------------------------------------------------------------

interface WafRequest {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  /** Other headers, names in lower case. */
  readonly headers?: Readonly<Record<string, string>>;
}
type WafVerdict = { readonly action: 'allow' } | { readonly action: 'block'; readonly rule: string; readonly status: number };

/**
 * The value of a request component (AWS WAF Developer Guide, "Request components": a SingleHeader names
 * one header, case-insensitively; a header the request lacks matches nothing).
 */
function component(field: any, req: WafRequest): string | undefined {
  if (field.SingleHeader) {
    const name = String(field.SingleHeader.Name).toLowerCase();
    return name === 'host' ? req.host : req.headers?.[name];
  }
  if (field.Method) return req.method;
  if (field.UriPath) return req.path;
  throw new Error(`field not modelled: ${JSON.stringify(field)}`);
}

function untransformed(transformations: any[]): void {
  if (!transformations.every((t) => t.Type === 'NONE')) throw new Error(`text transformations not modelled: ${JSON.stringify(transformations)}`);
}

/**
 * Whether a statement matches (AWS WAF Developer Guide, "Rule statements": NOT, OR, AND; a string match
 * with positional constraint EXACTLY is the whole component, case-sensitive; regex matches over the raw
 * URI path). AWS's managed rule groups and rate-based statements are not modelled: one ordinary request
 * trips neither.
 */
function matches(statement: any, req: WafRequest): boolean {
  if (statement.NotStatement) return !matches(statement.NotStatement.Statement, req);
  if (statement.OrStatement) return statement.OrStatement.Statements.some((s: any) => matches(s, req));
  if (statement.AndStatement) return statement.AndStatement.Statements.every((s: any) => matches(s, req));
  if (statement.ByteMatchStatement) {
    const b = statement.ByteMatchStatement;
    untransformed(b.TextTransformations);
    if (b.PositionalConstraint !== 'EXACTLY') throw new Error(`positional constraint not modelled: ${b.PositionalConstraint}`);
    const value = component(b.FieldToMatch, req);
    return value !== undefined && value === b.SearchString;
  }
  if (statement.RegexMatchStatement) {
    const r = statement.RegexMatchStatement;
    untransformed(r.TextTransformations);
    const value = component(r.FieldToMatch, req);
    return value !== undefined && new RegExp(r.RegexString).test(value);
  }
  if (statement.ManagedRuleGroupStatement || statement.RateBasedStatement) return false;
  throw new Error(`statement not modelled: ${Object.keys(statement).join(', ')}`);
}

/** A web ACL's verdict: rules by priority, the first terminating action wins, else the default action. */
function wafVerdict(webAcl: any, req: WafRequest): WafVerdict {
  const rules = [...webAcl.Properties.Rules].sort((a, b) => a.Priority - b.Priority);
  for (const rule of rules) {
    if (!rule.Action || rule.Action.Count || !matches(rule.Statement, req)) continue;
    if (rule.Action.Allow) return { action: 'allow' };
    if (rule.Action.Block) return { action: 'block', rule: rule.Name, status: rule.Action.Block.CustomResponse?.ResponseCode ?? 403 };
  }
  expect(webAcl.Properties.DefaultAction).toEqual({ Allow: {} });
  return { action: 'allow' };
}

const ALLOWED: WafVerdict = { action: 'allow' };
const refused = (status: number, rule: string): WafVerdict => ({ action: 'block', rule, status });

/** AWS-managed CloudFront policies by id (CloudFront Developer Guide, "Use managed cache policies" and "Use managed origin request policies"). */
const MANAGED_POLICY = {
  cachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  cachingOptimized: '658327ea-f89d-4fab-a63d-7e88639e58f6',
  allViewerExceptHostHeader: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
};
/** Methods CloudFront lets a cached behaviour of an origin group allow (aws/aws-cdk#32450; CloudFront API, CacheBehavior.AllowedMethods). */
const ORIGIN_GROUP_METHODS = ['GET', 'HEAD', 'OPTIONS'];

// ---------------------------------------------------------------------------------------------------
// A. The CloudFront stack
// ---------------------------------------------------------------------------------------------------

describe.each(CLOUDFRONT_VARIANTS)('CloudFront front door (%s)', (name) => {
  const v = () => variants[name];
  const config = () => v().config;
  const t = () => edge(v());
  const distribution = () => only(t(), 'AWS::CloudFront::Distribution');
  const dc = () => distribution()[1].Properties.DistributionConfig;
  const groups = (): any[] => dc().OriginGroups.Items;
  const originsById = (): Record<string, any> => Object.fromEntries(dc().Origins.map((o: any) => [o.Id, o]));
  const groupMembers = (groupId: string): any[] => groups().find((g) => g.Id === groupId).Members.Items.map((m: any) => originsById()[m.OriginId]);
  const behaviour = (pattern: string) => dc().CacheBehaviors.find((b: any) => b.PathPattern === pattern);
  const isGroup = (id: string) => groups().some((g) => g.Id === id);
  const edgeAcl = () => only(t(), 'AWS::WAFv2::WebACL');

  test('lives in us-east-1 (ACM certificates and web ACLs of CloudFront must be there: CloudFront Developer Guide, "Requirements for using SSL/TLS certificates with CloudFront")', () => {
    expect(CLOUDFRONT_REGION).toBe('us-east-1');
    expect(v().synth.assembly.stacks.find((s) => s.stackName === edgeStackName(config().name))!.environment.region).toBe(CLOUDFRONT_REGION);
  });

  test('an ACM certificate for the public hostname alone, DNS-validated in the hosted zone, is the viewer certificate', () => {
    const [certId, cert] = only(t(), 'AWS::CertificateManager::Certificate');
    // AWS::CertificateManager::Certificate: DomainValidationOptions.HostedZoneId lets CloudFormation create the validation record.
    expect(cert.Properties).toMatchObject({
      DomainName: publicHostname(config()),
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: publicHostname(config()), HostedZoneId: config().dns.hostedZoneId }],
    });
    expect(cert.Properties.SubjectAlternativeNames).toBeUndefined();
    expect(dc().ViewerCertificate).toEqual({ AcmCertificateArn: { Ref: certId }, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
  });

  test('distribution: the public name, TLSv1.2_2021 over SNI, HTTP/2 and 3, IPv6, the configured price class, the edge web ACL', () => {
    // AWS::CloudFront::Distribution DistributionConfig (HttpVersion http2and3, PriceClass, WebACLId takes the WAFv2 web ACL ARN).
    const [aclId] = edgeAcl();
    expect(dc()).toMatchObject({
      Enabled: true,
      Aliases: [publicHostname(config())],
      HttpVersion: 'http2and3',
      IPV6Enabled: true,
      PriceClass: config().edge.cloudFront.priceClass,
      WebACLId: { 'Fn::GetAtt': [aclId, 'Arn'] },
    });
  });

  test('default behaviour: the origin name (one origin, not a group: CloudFront never fails a POST over), every method, never cached, the viewer’s request but Host, HTTPS', () => {
    const d = dc().DefaultCacheBehavior;
    expect(isGroup(d.TargetOriginId)).toBe(false);
    expect(originsById()[d.TargetOriginId].DomainName).toBe(originHostname(config()));
    // CloudFront API DefaultCacheBehavior.AllowedMethods: all seven methods.
    expect([...d.AllowedMethods].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    expect(d.CachePolicyId).toBe(MANAGED_POLICY.cachingDisabled);
    expect(d.OriginRequestPolicyId).toBe(MANAGED_POLICY.allViewerExceptHostHeader);
    expect(d.ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  test('cache behaviours: assets, media and the read pages, each on its origin group', () => {
    expect(dc().CacheBehaviors.map((b: any) => b.PathPattern).sort()).toEqual([ASSETS_PATTERN, `${MEDIA_PATH}/*`, ...FAILOVER_READ_PATTERNS].sort());
    expect(ASSETS_PATTERN).toBe('/assets/*');
    expect([...FAILOVER_READ_PATTERNS]).toEqual(['/home', '/catalog*']);
    for (const b of dc().CacheBehaviors) {
      expect(isGroup(b.TargetOriginId)).toBe(true);
      expect(b.ViewerProtocolPolicy).toBe('redirect-to-https');
    }
  });

  test(`${ASSETS_PATTERN}: GET and HEAD, its own cache policy (1 day by default, at most 7, nothing in the key), gzip and brotli`, () => {
    const b = behaviour(ASSETS_PATTERN);
    expect(b.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(b.CachedMethods).toEqual(['GET', 'HEAD']);
    expect(b.Compress).toBe(true);
    expect(groupMembers(b.TargetOriginId).map((o) => o.DomainName)).toEqual([originHostname(config()), regionalHostname(config(), secondaryOf(config()))]);
    const policy = resources(t())[b.CachePolicyId.Ref];
    // AWS::CloudFront::CachePolicy CachePolicyConfig (TTLs in seconds).
    expect(policy.Type).toBe('AWS::CloudFront::CachePolicy');
    expect(ASSETS_TTL.default.toSeconds()).toBe(Duration.days(1).toSeconds());
    expect(ASSETS_TTL.max.toSeconds()).toBe(Duration.days(7).toSeconds());
    expect(policy.Properties.CachePolicyConfig).toMatchObject({
      DefaultTTL: ASSETS_TTL.default.toSeconds(),
      MaxTTL: ASSETS_TTL.max.toSeconds(),
      MinTTL: 0,
      ParametersInCacheKeyAndForwardedToOrigin: {
        CookiesConfig: { CookieBehavior: 'none' },
        QueryStringsConfig: { QueryStringBehavior: 'none' },
        HeadersConfig: { HeaderBehavior: 'none' },
        EnableAcceptEncodingGzip: true,
        EnableAcceptEncodingBrotli: true,
      },
    });
  });

  test(`${MEDIA_PATH}/*: GET and HEAD from the media buckets’ origin group, CachingOptimized`, () => {
    const b = behaviour(`${MEDIA_PATH}/*`);
    expect(b.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(b.CachePolicyId).toBe(MANAGED_POLICY.cachingOptimized);
    expect(groupMembers(b.TargetOriginId).every((o) => o.S3OriginConfig !== undefined)).toBe(true);
  });

  test.each(['/home', '/catalog*'])('%s: the reads origin group, GET/HEAD/OPTIONS, never cached, the viewer’s request but Host', (pattern) => {
    const b = behaviour(pattern);
    expect(b.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS']);
    expect(b.CachePolicyId).toBe(MANAGED_POLICY.cachingDisabled);
    expect(b.OriginRequestPolicyId).toBe(MANAGED_POLICY.allViewerExceptHostHeader);
    expect(b.TargetOriginId).toBe(behaviour(ASSETS_PATTERN).TargetOriginId);
  });

  test('INVARIANT: no behaviour on an origin group allows POST, PUT, PATCH or DELETE (CloudFront refuses it: aws/aws-cdk#32450)', () => {
    // "The parameter AllowedMethods cannot include POST, PUT, PATCH, or DELETE for a cached behavior associated with an origin group."
    const all = [dc().DefaultCacheBehavior, ...dc().CacheBehaviors];
    const onGroups = all.filter((b) => isGroup(b.TargetOriginId));
    expect(onGroups.length).toBe(dc().CacheBehaviors.length);
    for (const b of onGroups) expect(b.AllowedMethods.filter((m: string) => !ORIGIN_GROUP_METHODS.includes(m))).toEqual([]);
  });

  test('origin groups: the origin name, then the secondary region’s own hostname; the media buckets, home region first; failover on 500, 502, 503, 504 exactly', () => {
    expect(groups()).toHaveLength(2);
    const domains = groups().map((g) => groupMembers(g.Id).map((o) => o.DomainName));
    const [home, other] = regionNames(config());
    const s3 = (r: string) => `${mediaBucketName(config().name, config().accountId, r)}.s3.${r}.amazonaws.com`;
    expect(domains).toEqual(
      expect.arrayContaining([
        [originHostname(config()), regionalHostname(config(), secondaryOf(config()))],
        [s3(home), s3(other)],
      ]),
    );
    // CloudFront Developer Guide, "Optimize high availability with CloudFront origin failover": the status codes that fail over.
    expect([...ORIGIN_FAILOVER_STATUS_CODES]).toEqual([500, 502, 503, 504]);
    for (const g of groups()) expect(g.FailoverCriteria.StatusCodes).toEqual({ Quantity: 4, Items: [500, 502, 503, 504] });
  });

  test('every custom origin: HTTPS only, TLSv1.2 only, one short connection attempt, the origin-verify header from Secrets Manager (never a literal)', () => {
    const custom = dc().Origins.filter((o: any) => o.CustomOriginConfig);
    expect(custom.map((o: any) => o.DomainName).sort()).toEqual([originHostname(config()), originHostname(config()), regionalHostname(config(), secondaryOf(config()))].sort());
    for (const o of custom) {
      // AWS::CloudFront::Distribution Origin / CustomOriginConfig.
      expect(o.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'], OriginReadTimeout: ORIGIN_CONNECTION.readTimeoutSeconds });
      expect(o.ConnectionAttempts).toBe(ORIGIN_CONNECTION.attempts);
      expect(o.ConnectionTimeout).toBe(ORIGIN_CONNECTION.timeoutSeconds);
      expect(o.OriginCustomHeaders).toEqual([{ HeaderName: ORIGIN_VERIFY_HEADER, HeaderValue: originVerifyValueReference(config().name) }]);
      // CloudFormation User Guide, "Get values stored in other services using dynamic references": resolved at deploy time.
      expect(o.OriginCustomHeaders[0].HeaderValue).toBe(`{{resolve:secretsmanager:${originVerifySecretName(config().name)}:SecretString:${ORIGIN_VERIFY_SECRET_KEY}}}`);
    }
  });

  test('media origins: each region’s bucket by its regional domain name, each with origin access control (S3, SigV4, always)', () => {
    const s3 = dc().Origins.filter((o: any) => o.S3OriginConfig);
    // CloudFront Developer Guide, "Restrict access to an Amazon S3 origin": OAC, and an empty OriginAccessIdentity.
    expect(s3.map((o: any) => o.DomainName).sort()).toEqual(regionNames(config()).map((r) => `${mediaBucketName(config().name, config().accountId, r)}.s3.${r}.amazonaws.com`).sort());
    const oacs = new Set<string>();
    for (const o of s3) {
      expect(o.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
      const oac = getAttId(o.OriginAccessControlId, 'Id');
      oacs.add(oac);
      expect(resources(t())[oac]).toMatchObject({
        Type: 'AWS::CloudFront::OriginAccessControl',
        Properties: { OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningProtocol: 'sigv4', SigningBehavior: 'always' } },
      });
    }
    expect(oacs.size).toBe(2);
  });

  test('edge web ACL: CloudFront scope; the shop’s paths and product media only; AWS’s three managed groups; a per-IP rate limit from the config', () => {
    const [, acl] = edgeAcl();
    expect(acl.Properties.Scope).toBe('CLOUDFRONT');
    const rules: any[] = acl.Properties.Rules;
    const shopPaths = rules.find((r) => r.Name === 'only-shop-paths');
    expect(shopPaths.Statement.NotStatement.Statement.RegexMatchStatement.RegexString).toBe(shopPathPattern(EDGE_PATHS));
    // The edge admits the regions' paths plus product media, which the regions never serve.
    expect(EDGE_PATHS.map((p) => p.path)).toEqual([...SHOP_PATHS.map((p) => p.path), MEDIA_PATH]);
    // The regex as rendered decides (AWS WAF, RegexMatchStatement over the raw URI path).
    const get = (p: string) => wafVerdict(acl, { method: 'GET', host: publicHostname(config()), path: p });
    for (const p of ['/', '/home', '/catalog/abc', '/cart', '/checkout/payment', '/assets/css/main.css', `${MEDIA_PATH}/x`, `${MEDIA_PATH}/products/1.jpg`]) expect(get(p)).toEqual(ALLOWED);
    for (const p of ['/utility/panic', '/proxy/orders', '/actuator/prometheus', '/topology', '/info', `${MEDIA_PATH}x`]) expect(get(p)).toEqual(refused(404, 'only-shop-paths'));
    expect(get(`${MEDIA_PATH}/../utility/panic`)).toEqual(refused(404, 'no-dot-segments'));
    // AWS WAF Developer Guide, "AWS Managed Rules rule groups list".
    expect(rules.filter((r) => r.Statement.ManagedRuleGroupStatement).map((r) => r.Statement.ManagedRuleGroupStatement)).toEqual(
      ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'].map((n) => ({ VendorName: 'AWS', Name: n })),
    );
    expect([...AWS_MANAGED_RULE_GROUPS]).toEqual(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']);
    const rate = rules.filter((r) => r.Statement.RateBasedStatement);
    expect(rate).toHaveLength(1);
    expect(rate[0].Action).toEqual({ Block: {} });
    expect(rate[0].Statement.RateBasedStatement).toEqual({ Limit: config().edge.cloudFront.rateLimitPer5Minutes, AggregateKeyType: 'IP' });
  });

  test('Route 53: A and AAAA alias records of the public name to the distribution', () => {
    const [distId] = distribution();
    const records = resourcesOf(t(), 'AWS::Route53::RecordSet').map(([, r]) => r.Properties);
    expect(records.map((r) => r.Type).sort()).toEqual(['A', 'AAAA']);
    for (const r of records) {
      // Route 53 Developer Guide, "Routing traffic to an Amazon CloudFront distribution by using your domain name".
      expect(r).toMatchObject({ Name: `${publicHostname(config())}.`, HostedZoneId: config().dns.hostedZoneId, AliasTarget: { DNSName: { 'Fn::GetAtt': [distId, 'DomainName'] } } });
    }
  });

  test('the distribution carries the tags the rotation role’s condition requires', () => {
    const tags = Object.fromEntries(distribution()[1].Properties.Tags.map((tg: any) => [tg.Key, tg.Value]));
    expect(tags).toMatchObject({ project: commonTags(config()).project, environment: config().name });
  });
});

describe('Shield Advanced', () => {
  test('tuned: the distribution (the shop’s check), each ALB found by LoadBalancerLookup (its region’s check) and the hosted zone (no check), in one ARBITRARY/SUM group', () => {
    const v = variants.tuned;
    const { config } = v;
    const t = edge(v);
    const all = resources(t);
    const [distId] = only(t, 'AWS::CloudFront::Distribution');
    const protections = resourcesOf(t, 'AWS::Shield::Protection').map(([id, r]) => ({ id, ...r.Properties }));
    expect(protections).toHaveLength(config.regions.length + 2);
    const byArn = (pred: (arn: any) => boolean) => protections.filter((p) => pred(p.ResourceArn));

    // The health stack's checks: the region's calculated check is the one its output names (config/outputs.ts).
    const h = health(v);
    const regionCheck = (r: string) => (h.toJSON().Outputs[healthCheckOutputKey(r)].Value['Fn::GetAtt'] as string[])[0];
    const checkIdFrom = (arns: any[]) => {
      expect(arns).toHaveLength(1);
      // Shield Advanced API, CreateProtection / AssociateHealthCheck: the Route 53 health check ARN.
      expect(cfnText(arns[0])).toMatch(/^arn:aws:route53:::healthcheck\//);
      return importedResource(arns[0], h);
    };

    const [dist] = byArn((arn) => JSON.stringify(arn).includes(`"Ref":"${distId}"`));
    expect(cfnText(dist.ResourceArn)).toBe(`arn:aws:cloudfront::${config.accountId}:distribution/{ref:${distId}}`);
    const shopCheck = resources(h)[checkIdFrom(dist.HealthCheckArns)].Properties.HealthCheckConfig;
    // "At least one region can sell": calculated over the regions' checks, healthy with one.
    expect(shopCheck.Type).toBe('CALCULATED');
    expect(shopCheck.HealthThreshold).toBe(1);
    expect(shopCheck.ChildHealthChecks.map((c: any) => getAttId(c, 'HealthCheckId')).sort()).toEqual(regionNames(config).map(regionCheck).sort());

    for (const r of regionNames(config)) {
      const lookups = resourcesOf(t, 'Custom::AWS').filter(([, res]) => sdkCall(res).region === r && sdkCall(res).action === 'getResources');
      expect(lookups).toHaveLength(1);
      const [lookupId] = lookups[0];
      const [alb] = byArn((arn) => arn?.['Fn::GetAtt']?.[0] === lookupId);
      expect(alb.ResourceArn).toEqual({ 'Fn::GetAtt': [lookupId, 'ResourceTagMappingList.0.ResourceARN'] });
      expect(checkIdFrom(alb.HealthCheckArns)).toBe(regionCheck(r));
      expect(resources(h)[regionCheck(r)].Properties.HealthCheckConfig.Type).toBe('CALCULATED');
    }

    const [zone] = byArn((arn) => cfnText(arn) === `arn:aws:route53:::hostedzone/${config.dns.hostedZoneId}`);
    // Shield Advanced Developer Guide, "Health-based detection": not supported for hosted zones.
    expect(zone.HealthCheckArns).toBeUndefined();

    const [[groupId, group]] = resourcesOf(t, 'AWS::Shield::ProtectionGroup');
    expect(group.Properties).toMatchObject({ Aggregation: 'SUM', Pattern: 'ARBITRARY' });
    expect(group.Properties.Members.map(cfnText).sort()).toEqual(protections.map((p) => cfnText(p.ResourceArn)).sort());
    expect([...all[groupId].DependsOn].sort()).toEqual(protections.map((p) => p.id).sort());
  });

  test.each(['cloudfront', 'accelerator', 'route53'] as VariantName[])('without edge.shieldAdvanced (%s) no stack renders an AWS::Shield resource', (name) => {
    const v = variants[name];
    expect(v.config.edge.shieldAdvanced).toBe(false);
    for (const t of Object.values(v.templates)) expect(Object.values(resources(t)).filter((r: any) => r.Type.startsWith('AWS::Shield::'))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// B. Origin protection: the regional web ACL and the ALB's security groups
// ---------------------------------------------------------------------------------------------------

describe.each(CLOUDFRONT_VARIANTS)('origin protection behind CloudFront (%s)', (name) => {
  const v = () => variants[name];
  const config = () => v().config;

  describe.each([0, 1])('region #%i', (index) => {
    const region = () => config().regions[index].name;
    const t = () => regional(v(), region());
    const acl = () => only(t(), 'AWS::WAFv2::WebACL')[1];
    const secret = () => originVerifyValueReference(config().name);
    const healthPath = () => config().dns.healthCheck.path;
    const req = (r: Partial<WafRequest>): WafRequest => ({ method: 'GET', host: originHostname(config()), path: '/home', ...r });
    const verdict = (r: Partial<WafRequest>) => wafVerdict(acl(), req(r));
    const blocked = refused(403, ORIGIN_VERIFY_RULE);

    test('the regional web ACL is the one the rotation updates by name, origin-verify its first rule, with no per-IP limit (every request comes from CloudFront)', () => {
      expect(acl().Properties.Name).toBe(regionalWebAclName(config().name, region()));
      const rules = [...acl().Properties.Rules].sort((a, b) => a.Priority - b.Priority);
      expect(rules[0].Name).toBe(ORIGIN_VERIFY_RULE);
      expect(rules.filter((r) => r.Statement.RateBasedStatement)).toEqual([]);
    });

    test('with the header value CloudFormation resolves from the secret: allowed (the shop’s paths still apply)', () => {
      const withHeader = { headers: { [ORIGIN_VERIFY_HEADER]: secret() } };
      expect(verdict(withHeader)).toEqual(ALLOWED);
      expect(verdict({ ...withHeader, method: 'POST', path: '/checkout/payment' })).toEqual(ALLOWED);
      // WAF header names are case-insensitive (AWS WAF, SingleHeader).
      expect(verdict({ headers: { [ORIGIN_VERIFY_HEADER.toLowerCase()]: secret() } })).toEqual(ALLOWED);
      // Product media is CloudFront's (S3), never the region's.
      expect(verdict({ ...withHeader, path: `${MEDIA_PATH}/x` })).toEqual(refused(404, 'only-shop-paths'));
      expect(verdict({ ...withHeader, path: '/utility/panic' })).toEqual(refused(404, 'only-shop-paths'));
    });

    test('without the header, or with another value: 403', () => {
      expect(verdict({})).toEqual(blocked);
      expect(verdict({ headers: { [ORIGIN_VERIFY_HEADER]: 'guess' } })).toEqual(blocked);
      expect(verdict({ headers: { [ORIGIN_VERIFY_HEADER]: `${secret()} ` } })).toEqual(blocked);
      expect(verdict({ host: publicHostname(config()) })).toEqual(blocked);
      expect(verdict({ host: regionalHostname(config(), region()), method: 'POST', path: '/cart' })).toEqual(blocked);
    });

    test('Route 53’s health check (GET of the health path on the region’s own hostname) needs no header; nothing else does', () => {
      // Route 53 Developer Guide, "Values that you specify when you create or update health checks": an HTTPS
      // check sends the FullyQualifiedDomainName as Host and cannot add headers.
      expect(verdict({ host: regionalHostname(config(), region()), path: healthPath() })).toEqual(ALLOWED);
      expect(verdict({ host: regionalHostname(config(), region()), path: healthPath(), method: 'POST' })).toEqual(blocked);
      expect(verdict({ host: regionalHostname(config(), region()), path: `${healthPath()}/x` })).toEqual(blocked);
      expect(verdict({ host: originHostname(config()), path: healthPath() })).toEqual(blocked);
      expect(verdict({ host: publicHostname(config()), path: healthPath() })).toEqual(blocked);
      const other = regionNames(config()).find((r) => r !== region())!;
      expect(verdict({ host: regionalHostname(config(), other), path: healthPath() })).toEqual(blocked);
    });

    test('the header value is the dynamic reference, never a literal', () => {
      const text = JSON.stringify(acl().Properties.Rules.find((r: any) => r.Name === ORIGIN_VERIFY_RULE));
      const values = [...text.matchAll(/"SearchString":"([^"]*)"/g)].map((m) => m[1]);
      expect(values).toEqual([secret(), regionalHostname(config(), region()), 'GET', healthPath()]);
    });

    test('ALB security groups: two with one HTTPS rule each from an AWS-managed prefix list (CloudFront origin-facing; the region’s Route 53 health checkers), a third with the region’s NAT addresses only', () => {
      const all = resources(t());
      // The names AWS publishes: CloudFront Developer Guide, "Use the CloudFront managed prefix list";
      // Route 53 Developer Guide, "Configuring router and firewall rules for Amazon Route 53 health checks".
      expect(CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST).toBe('com.amazonaws.global.cloudfront.origin-facing');
      expect(route53HealthCheckPrefixList(region())).toBe(`com.amazonaws.${region()}.route53-healthchecks`);
      const output = t().toJSON().Outputs[FRONT_DOOR_OUTPUT_KEYS.albSecurityGroupIds].Value['Fn::Join'];
      expect(output[0]).toBe('');
      const groupIds = output[1].filter((p: any) => typeof p !== 'string').map((p: any) => getAttId(p, 'GroupId'));
      expect(output[1].filter((p: any) => typeof p === 'string')).toEqual([',', ',']);
      expect(groupIds).toHaveLength(3);
      const lists: string[] = [];
      const eips = Object.entries(all).filter(([, r]: [string, any]) => r.Type === 'AWS::EC2::EIP').map(([id]) => id);
      expect(eips).toHaveLength(config().regions.find((r) => r.name === region())!.availabilityZones.length);
      for (const groupId of groupIds) {
        const group = all[groupId];
        expect(group.Type).toBe('AWS::EC2::SecurityGroup');
        const ingress = [
          ...(group.Properties.SecurityGroupIngress ?? []),
          ...Object.values(all)
            .filter((r: any) => r.Type === 'AWS::EC2::SecurityGroupIngress' && r.Properties.GroupId?.['Fn::GetAtt']?.[0] === groupId)
            .map((r: any) => r.Properties),
        ];
        if (!ingress.some((r: any) => r.SourcePrefixListId)) {
          // The NAT gateways' Elastic IPs, one /32 each, HTTPS only: the synthetic shopper's way out.
          expect(ingress.map((r: any) => r.CidrIp)).toEqual(eips.map((id) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'PublicIp'] }, '/32']] })));
          for (const r of ingress) expect(r).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
          continue;
        }
        expect(ingress).toHaveLength(1);
        const [rule] = ingress;
        expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
        expect(rule.CidrIp).toBeUndefined();
        expect(rule.CidrIpv6).toBeUndefined();
        const lookup = all[getAttId(rule.SourcePrefixListId, 'PrefixLists.0.PrefixListId')];
        expect(lookup.Type).toBe('Custom::AWS');
        const call = sdkCall(lookup);
        // EC2 API DescribeManagedPrefixLists, filter prefix-list-name.
        expect(call).toMatchObject({ service: 'EC2', action: 'describeManagedPrefixLists' });
        expect(call.parameters.Filters).toHaveLength(1);
        expect(call.parameters.Filters[0].Name).toBe('prefix-list-name');
        lists.push(...call.parameters.Filters[0].Values);
        // Nothing out either: an ALB only answers (its targets are reached through the controller's backend group).
        expect(JSON.stringify(group.Properties.SecurityGroupEgress ?? [])).not.toContain('0.0.0.0/0');
      }
      expect(lists.sort()).toEqual(['com.amazonaws.global.cloudfront.origin-facing', `com.amazonaws.${region()}.route53-healthchecks`].sort());
    });

    test('the synthetic shopper, which shops on the region’s own hostname, is admitted by the ALB’s security groups', () => {
      // Outside any VPC the canary would come from Lambda's public addresses, which the ALB does not admit:
      // it runs in the VPC, leaves through the NAT gateways, and the third group admits their addresses.
      const all = resources(t());
      const [, canary] = only(t(), 'AWS::Synthetics::Canary');
      expect(canary.Properties.RunConfig.EnvironmentVariables.SHOP_URL).toBe(`https://${regionalHostname(config(), region())}`);
      expect(canary.Properties.VPCConfig).toBeDefined();
      const groupIds = t().toJSON().Outputs[FRONT_DOOR_OUTPUT_KEYS.albSecurityGroupIds].Value['Fn::Join'][1].filter((p: any) => typeof p !== 'string').map((p: any) => p['Fn::GetAtt'][0]);
      const ingress = [
        ...Object.values(all).filter((r: any) => r.Type === 'AWS::EC2::SecurityGroupIngress' && groupIds.includes(r.Properties.GroupId?.['Fn::GetAtt']?.[0])),
        ...groupIds.flatMap((id: string) => (all[id].Properties.SecurityGroupIngress ?? []).map((rule: any) => ({ Properties: rule }))),
      ];
      const canaryGroups = JSON.stringify(canary.Properties.VPCConfig.SecurityGroupIds);
      const natAddresses = Object.entries(all).filter(([, r]: [string, any]) => r.Type === 'AWS::EC2::EIP').map(([id]) => id);
      expect(
        ingress.some((r: any) => canaryGroups.includes(JSON.stringify(r.Properties.SourceSecurityGroupId ?? null)) || natAddresses.some((id) => JSON.stringify(r.Properties.CidrIp ?? '').includes(id))),
      ).toBe(true);
    });
  });
});

describe.each(OTHER_FRONT_DOORS)('no origin protection without CloudFront (%s)', (name) => {
  const v = () => variants[name];

  test.each([0, 1])('region #%i: no origin-verify rule, a per-IP rate rule, no ALB security groups of ours', (index) => {
    const region = v().config.regions[index].name;
    const t = regional(v(), region);
    const [, acl] = only(t, 'AWS::WAFv2::WebACL');
    const rules: any[] = acl.Properties.Rules;
    expect(rules.map((r) => r.Name)).not.toContain(ORIGIN_VERIFY_RULE);
    expect(JSON.stringify(rules)).not.toContain(ORIGIN_VERIFY_HEADER);
    // Client IP preservation (accelerator) or direct DNS (route53): WAF sees customers, so it limits each one.
    const rate = rules.filter((r) => r.Statement.RateBasedStatement);
    expect(rate).toHaveLength(1);
    expect(rate[0].Action).toEqual({ Block: {} });
    expect(rate[0].Statement.RateBasedStatement.AggregateKeyType).toBe('IP');
    expect(wafVerdict(acl, { method: 'GET', host: regionalHostname(v().config, region), path: '/home' })).toEqual(ALLOWED);
    expect(t.toJSON().Outputs[FRONT_DOOR_OUTPUT_KEYS.albSecurityGroupIds]).toBeUndefined();
    expect(Object.values(resources(t)).filter((r: any) => r.Type === 'AWS::EC2::SecurityGroupIngress' && r.Properties.SourcePrefixListId)).toEqual([]);
    expect(resourcesOf(t, 'Custom::AWS').filter(([, r]) => sdkCall(r).action === 'describeManagedPrefixLists')).toEqual([]);
    const [, canary] = only(t, 'AWS::Synthetics::Canary');
    expect(Object.keys(canary.Properties.RunConfig.EnvironmentVariables).filter((k) => k.startsWith('ORIGIN_VERIFY'))).toEqual([]);
  });

  test('no origin-verify secret, rotation or rotation function in the global stack', () => {
    const t = global(v());
    expect(resourcesOf(t, 'AWS::SecretsManager::Secret').filter(([, r]) => r.Properties.Name === originVerifySecretName(v().config.name))).toEqual([]);
    t.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    expect(JSON.stringify(t.toJSON())).not.toContain(ORIGIN_VERIFY_HEADER);
  });
});

// ---------------------------------------------------------------------------------------------------
// C. The origin-verify secret and its readers
// ---------------------------------------------------------------------------------------------------

/** The SDK calls cluster/origin-verify/rotation.js makes (its `handler` wiring), as IAM actions. */
function rotationCalls(): string[] {
  const source = fs.readFileSync(path.join(ROTATION_CODE_DIR, 'rotation.js'), 'utf8');
  // Service Authorization Reference: the action of each SDK v3 command is the service prefix and the operation name.
  const prefixes: Record<string, string> = { 'client-secrets-manager': 'secretsmanager', 'client-wafv2': 'wafv2', 'client-cloudfront': 'cloudfront' };
  const modules = Object.fromEntries([...source.matchAll(/const (\w+) = require\('@aws-sdk\/([\w-]+)'\)/g)].map((m) => [m[1], prefixes[m[2]]]));
  const calls = [...source.matchAll(/call\(\w+, (\w+)\.(\w+)Command\)/g)].map((m) => {
    expect(modules[m[1]]).toBeDefined();
    return `${modules[m[1]]}:${m[2]}`;
  });
  return [...new Set(calls)].sort();
}

describe.each(CLOUDFRONT_VARIANTS)('origin-verify secret (%s)', (name) => {
  const v = () => variants[name];
  const config = () => v().config;
  const t = () => global(v());
  const secret = () => {
    const found = resourcesOf(t(), 'AWS::SecretsManager::Secret').filter(([, r]) => r.Properties.Name === originVerifySecretName(config().name));
    expect(found).toHaveLength(1);
    return found[0];
  };
  const schedule = () => {
    const found = resourcesOf(t(), 'AWS::SecretsManager::RotationSchedule').filter(([, r]) => r.Properties.SecretId.Ref === secret()[0]);
    expect(found).toHaveLength(1);
    return found[0][1];
  };
  const rotation = () => {
    const id = getAttId(schedule().Properties.RotationLambdaARN, 'Arn');
    return [id, resources(t())[id]] as [string, any];
  };
  const rotationRole = () => getAttId(rotation()[1].Properties.Role, 'Arn');

  test('is in the global stack, in the home region', () => {
    expect(v().synth.assembly.stacks.find((s) => s.stackName === globalStackName(config().name))!.environment.region).toBe(config().regions[0].name);
  });

  test('generated by Secrets Manager (never in the template), replicated to the other region and to CloudFront’s, retained', () => {
    const [, s] = secret();
    // AWS::SecretsManager::Secret GenerateSecretString: GenerateStringKey puts the value under that JSON key.
    expect(s.Properties.GenerateSecretString).toMatchObject({ GenerateStringKey: ORIGIN_VERIFY_SECRET_KEY, SecretStringTemplate: '{}' });
    expect(ORIGIN_VERIFY_SECRET_KEY).toBe('value');
    expect(s.Properties.SecretString).toBeUndefined();
    const [home, ...others] = regionNames(config());
    // A dynamic reference resolves in the stack's own region: each regional web ACL, and CloudFront's stack in us-east-1.
    const expected = [...others, ...(home === CLOUDFRONT_REGION ? [] : [CLOUDFRONT_REGION])];
    expect(s.Properties.ReplicaRegions.map((r: any) => r.Region).sort()).toEqual([...new Set(expected)].sort());
    expect(s.DeletionPolicy).toBe('Retain');
    expect(s.UpdateReplacePolicy).toBe('Retain');
  });

  test('rotated every edge.cloudFront.originSecretRotationDays days, not at deploy time', () => {
    // AWS::SecretsManager::RotationSchedule RotationRules.ScheduleExpression and RotateImmediatelyOnUpdate.
    expect(schedule().Properties.RotationRules).toEqual({ ScheduleExpression: `rate(${config().edge.cloudFront.originSecretRotationDays} days)` });
    expect(schedule().Properties.RotateImmediatelyOnUpdate).toBe(false);
  });

  test('the rotation function knows both regions’ web ACLs (as the regional stacks name them) and the public hostname', () => {
    const env = rotation()[1].Properties.Environment.Variables;
    const webAcls = JSON.parse(env.WEB_ACLS);
    expect(webAcls).toEqual(regionNames(config()).map((r) => ({ region: r, name: regionalWebAclName(config().name, r) })));
    for (const acl of webAcls) expect(only(regional(v(), acl.region), 'AWS::WAFv2::WebACL')[1].Properties.Name).toBe(acl.name);
    expect(env.ALIAS).toBe(publicHostname(config()));
    expect(env.HEADER_NAME).toBe(ORIGIN_VERIFY_HEADER);
  });

  test('only Secrets Manager acting for this account may invoke it', () => {
    const [fnId] = rotation();
    const permissions = resourcesOf(t(), 'AWS::Lambda::Permission').filter(([, r]) => JSON.stringify(r.Properties.FunctionName).includes(`"${fnId}"`));
    expect(permissions.length).toBeGreaterThan(0);
    // Secrets Manager User Guide, "Cross-service confused deputy prevention".
    for (const [, p] of permissions) expect(p.Properties).toMatchObject({ Principal: 'secretsmanager.amazonaws.com', SourceAccount: config().accountId });
  });

  test('its role allows exactly the calls rotation.js makes', () => {
    const statements = roleStatements(t(), rotationRole());
    expect(rotationCalls()).toEqual(
      [
        'cloudfront:GetDistributionConfig',
        'cloudfront:ListDistributions',
        'cloudfront:UpdateDistribution',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetRandomPassword',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
        'wafv2:GetWebACL',
        'wafv2:ListWebACLs',
        'wafv2:UpdateWebACL',
      ].sort(),
    );
    expect(allowedActions(statements)).toEqual(rotationCalls());
    expect(statements.filter((s) => s.Effect !== 'Allow')).toEqual([]);
    // Logs only besides: AWSLambdaBasicExecutionRole.
    expect(resources(t())[rotationRole()].Properties.ManagedPolicyArns.map(cfnText)).toEqual(['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']);
  });

  test('its role reaches the secret, the named regional web ACLs, their managed rule sets and tagged distributions only', () => {
    const statements = roleStatements(t(), rotationRole());
    const account = config().accountId;
    const secretRef = `{ref:${secret()[0]}}`;
    for (const action of ['DescribeSecret', 'GetSecretValue', 'PutSecretValue', 'UpdateSecretVersionStage']) {
      expect(evaluate(statements, `secretsmanager:${action}`, secretRef).decision).toBe('Allow');
      expect(evaluate(statements, `secretsmanager:${action}`, `arn:aws:secretsmanager:${config().regions[0].name}:${account}:secret:securecart/${config().name}/catalog-db-AbCdEf`).decision).toBe('ImplicitDeny');
    }
    // Service Authorization Reference, AWS WAF V2: web ACL ARNs are <scope>/webacl/<name>/<id>; managed rule sets <scope>/managedruleset/<name>/<id>.
    const waf = (region: string, resource: string) => `arn:aws:wafv2:${region}:${account}:${resource}`;
    for (const r of regionNames(config())) {
      const own = waf(r, `regional/webacl/${regionalWebAclName(config().name, r)}/0123-abcd`);
      for (const action of ['wafv2:GetWebACL', 'wafv2:UpdateWebACL']) {
        expect(evaluate(statements, action, own)).toEqual({ decision: 'Allow', conditions: [{}] });
        expect(evaluate(statements, action, waf(r, 'regional/webacl/someone-elses-acl/0123-abcd')).decision).toBe('ImplicitDeny');
        expect(evaluate(statements, action, waf(r, `global/webacl/securecart-${config().name}-edge/0123-abcd`)).decision).toBe('ImplicitDeny');
        expect(evaluate(statements, action, waf('eu-west-1', `regional/webacl/${regionalWebAclName(config().name, r)}/0123-abcd`)).decision).toBe('ImplicitDeny');
      }
      expect(evaluate(statements, 'wafv2:UpdateWebACL', waf(r, 'regional/managedruleset/AWSManagedRulesCommonRuleSet/0123-abcd')).decision).toBe('Allow');
      expect(evaluate(statements, 'wafv2:GetWebACL', waf(r, 'regional/managedruleset/AWSManagedRulesCommonRuleSet/0123-abcd')).decision).toBe('ImplicitDeny');
      expect(evaluate(statements, 'wafv2:ListWebACLs', waf(r, 'regional/webacl/*')).decision).toBe('Allow');
    }
    // Every wafv2 resource the role names is one of those: a listed region, regional scope, the named ACLs or managed rule sets.
    const names = regionNames(config()).map((r) => regionalWebAclName(config().name, r));
    for (const s of statements.filter((st) => actionsOf(st).some((a) => a.startsWith('wafv2:')))) {
      for (const res of ([] as unknown[]).concat(s.Resource).map(cfnText)) {
        const m = /^arn:aws:wafv2:([a-z0-9-]+):(\d+):regional\/(webacl|managedruleset)\/(.+)$/.exec(res);
        expect(m).not.toBeNull();
        expect(regionNames(config())).toContain(m![1]);
        expect(m![2]).toBe(account);
        if (m![3] === 'webacl') expect(['*', ...names.map((n) => `${n}/*`)]).toContain(m![4]);
        if (m![4] === '*') expect(actionsOf(s)).toEqual(['wafv2:ListWebACLs']);
        if (m![3] === 'managedruleset') expect(actionsOf(s)).toEqual(['wafv2:UpdateWebACL']);
      }
    }
    // CloudFront: get and update only a distribution tagged with this environment (IAM User Guide, aws:ResourceTag).
    const tags = { 'aws:ResourceTag/project': commonTags(config()).project, 'aws:ResourceTag/environment': config().name };
    for (const action of ['cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution']) {
      const { decision, conditions } = evaluate(statements, action, `arn:aws:cloudfront::${account}:distribution/E2EXAMPLE`);
      expect(decision).toBe('Allow');
      expect(conditions).toEqual([{ StringEquals: tags }]);
    }
    for (const s of statements.filter((st) => actionsOf(st).some((a) => a.startsWith('cloudfront:')))) {
      if (actionsOf(s).includes('cloudfront:ListDistributions')) {
        // Service Authorization Reference, CloudFront: ListDistributions has no resource type.
        expect(actionsOf(s).filter((a) => a.startsWith('cloudfront:'))).toEqual(['cloudfront:ListDistributions']);
        continue;
      }
      expect(s.Condition).toEqual({ StringEquals: tags });
      expect(([] as unknown[]).concat(s.Resource).map(cfnText)).toEqual([`arn:aws:cloudfront::${account}:distribution/*`]);
    }
    expect(allowedActions(statements).filter((a) => a.includes('*'))).toEqual([]);
  });

  test.each([0, 1])('region #%i: the synthetic shopper is given the secret’s name (never its value) and may read only that secret, in its own region', (index) => {
    const r = config().regions[index].name;
    const t = regional(v(), r);
    const [, canary] = only(t, 'AWS::Synthetics::Canary');
    const env = canary.Properties.RunConfig.EnvironmentVariables;
    expect(env).toMatchObject({ ORIGIN_VERIFY_SECRET: originVerifySecretName(config().name), ORIGIN_VERIFY_KEY: ORIGIN_VERIFY_SECRET_KEY, ORIGIN_VERIFY_HEADER: ORIGIN_VERIFY_HEADER });
    expect(JSON.stringify(canary.Properties)).not.toContain('resolve:secretsmanager');
    const statements = roleStatements(t, getAttId(canary.Properties.ExecutionRoleArn, 'Arn'));
    expect(allowedActions(statements).filter((a) => a.startsWith('secretsmanager:'))).toEqual(['secretsmanager:GetSecretValue']);
    // Secrets Manager User Guide, "Secret ARNs": the name, a hyphen and six random characters.
    const arn = (region: string, secretName: string) => `arn:aws:secretsmanager:${region}:${config().accountId}:secret:${secretName}-AbCdEf`;
    expect(evaluate(statements, 'secretsmanager:GetSecretValue', arn(r, originVerifySecretName(config().name))).decision).toBe('Allow');
    const other = regionNames(config()).find((x) => x !== r)!;
    expect(evaluate(statements, 'secretsmanager:GetSecretValue', arn(other, originVerifySecretName(config().name))).decision).toBe('ImplicitDeny');
    expect(evaluate(statements, 'secretsmanager:GetSecretValue', arn(r, `securecart/${config().name}/catalog-db`)).decision).toBe('ImplicitDeny');
    expect(evaluate(statements, 'secretsmanager:GetSecretValue', arn(r, `${originVerifySecretName(config().name)}-other`)).decision).toBe('ImplicitDeny');
  });
});

// ---------------------------------------------------------------------------------------------------
// D. Global Accelerator
// ---------------------------------------------------------------------------------------------------

describe.each(['accelerator', 'acceleratorActive'] as VariantName[])('Global Accelerator front door (%s)', (name) => {
  const v = () => variants[name];
  const config = () => v().config;
  const t = () => accelerator(v());
  const lookupOf = (region: string): string => {
    const found = resourcesOf(t(), 'Custom::AWS').filter(([, r]) => sdkCall(r).region === region);
    expect(found).toHaveLength(1);
    return found[0][0];
  };

  test('its own stack, in the front door region; no CloudFront distribution anywhere', () => {
    expect(stackNames(v())).toEqual(
      [acceleratorStackName(config().name), globalStackName(config().name), healthStackName(config().name), regionSwitchStackName(config().name), ...regionNames(config()).flatMap((r) => [regionalStackName(config().name, r), transitStackName(config().name, r)])].sort(),
    );
    for (const tpl of Object.values(v().templates)) tpl.resourceCountIs('AWS::CloudFront::Distribution', 0);
  });

  test('a dual-stack accelerator', () => {
    // AWS::GlobalAccelerator::Accelerator IpAddressType.
    expect(only(t(), 'AWS::GlobalAccelerator::Accelerator')[1].Properties).toMatchObject({ IpAddressType: 'DUAL_STACK', Enabled: true });
  });

  test('TCP listeners on 443 and 80', () => {
    expect([...ACCELERATOR_PORTS]).toEqual([443, 80]);
    const listeners = resourcesOf(t(), 'AWS::GlobalAccelerator::Listener').map(([, r]) => r.Properties);
    expect(listeners.map((l) => l.PortRanges)).toEqual(expect.arrayContaining([[{ FromPort: 443, ToPort: 443 }], [{ FromPort: 80, ToPort: 80 }]]));
    expect(listeners).toHaveLength(2);
    for (const l of listeners) expect(l.Protocol).toBe('TCP');
  });

  test('per listener, one endpoint group per region: its ALB with client IP preservation, the traffic dial of the failover mode, the configured health path', () => {
    const listeners = resourcesOf(t(), 'AWS::GlobalAccelerator::Listener');
    const groups = resourcesOf(t(), 'AWS::GlobalAccelerator::EndpointGroup').map(([, r]) => r.Properties);
    expect(groups).toHaveLength(listeners.length * config().regions.length);
    for (const [listenerId] of listeners) {
      const mine = groups.filter((g) => getAttId(g.ListenerArn, 'ListenerArn') === listenerId);
      expect(mine.map((g) => g.EndpointGroupRegion).sort()).toEqual(regionNames(config()).sort());
      for (const g of mine) {
        const r = g.EndpointGroupRegion;
        // Global Accelerator Developer Guide, "Preserve client IP addresses" (ALB endpoints) and "Adjust traffic flow with traffic dials".
        expect(g.EndpointConfigurations).toEqual([{ EndpointId: { 'Fn::GetAtt': [lookupOf(r), 'ResourceTagMappingList.0.ResourceARN'] }, ClientIPPreservationEnabled: true }]);
        const dial = config().failoverMode === 'active-active' ? 100 : r === config().primaryRegion ? 100 : 0;
        expect(g.TrafficDialPercentage).toBe(dial);
        expect(g.HealthCheckPath).toBe(config().dns.healthCheck.path);
      }
    }
    if (name === 'accelerator') expect(config().failoverMode).toBe('active-passive');
    if (name === 'acceleratorActive') expect(config().failoverMode).toBe('active-active');
  });

  test('each ALB is found by the load balancer controller’s tags, in its own region', () => {
    for (const r of regionNames(config())) {
      const call = sdkCall(resources(t())[lookupOf(r)]);
      // Resource Groups Tagging API GetResources.
      expect(call).toMatchObject({ service: 'ResourceGroupsTaggingAPI', action: 'getResources', region: r });
      expect(call.parameters.ResourceTypeFilters).toEqual(['elasticloadbalancing:loadbalancer']);
      // aws-load-balancer-controller v3.4.0 pkg/deploy/tracking/provider.go:110-131 (cluster, stack, resource
      // tags) and pkg/ingress/group.go:31-35 (an explicit IngressGroup's stack id is its name).
      expect(call.parameters.TagFilters).toEqual([
        { Key: 'elbv2.k8s.aws/cluster', Values: [clusterName(config(), r)] },
        { Key: 'ingress.k8s.aws/stack', Values: [albGroupName(config())] },
        { Key: 'ingress.k8s.aws/resource', Values: ['LoadBalancer'] },
      ]);
      expect(clusterName(config(), r)).toBe(`securecart-${config().name}-${r}`);
      expect(albGroupName(config())).toBe(`securecart-${config().name}`);
      expect(call.outputPaths).toEqual(['ResourceTagMappingList.0.ResourceARN']);
    }
  });

  test('A and AAAA alias records of the public name to the accelerator', () => {
    const [accId] = only(t(), 'AWS::GlobalAccelerator::Accelerator');
    const records = resourcesOf(t(), 'AWS::Route53::RecordSet').map(([, r]) => r.Properties);
    expect(records.map((r) => r.Type).sort()).toEqual(['A', 'AAAA']);
    for (const r of records) {
      // Route 53 Developer Guide, "Routing traffic to an AWS Global Accelerator accelerator" (hosted zone Z2BJ6XQ5FK7U4H).
      expect(r).toMatchObject({ Name: `${publicHostname(config())}.`, HostedZoneId: config().dns.hostedZoneId, AliasTarget: { HostedZoneId: 'Z2BJ6XQ5FK7U4H' } });
      expect(r.AliasTarget.DNSName['Fn::GetAtt'][0]).toBe(accId);
    }
  });

  test('the AAAA alias targets the dual-stack DNS name (DnsName resolves to the IPv4 addresses only)', () => {
    // Global Accelerator API, Accelerator.DnsName "points to an accelerator's static IPv4 addresses";
    // DualStackDnsName points to the A and AAAA records of a dual-stack accelerator.
    const [accId] = only(t(), 'AWS::GlobalAccelerator::Accelerator');
    const aaaa = resourcesOf(t(), 'AWS::Route53::RecordSet').map(([, r]) => r.Properties).find((r) => r.Type === 'AAAA');
    expect(aaaa.AliasTarget.DNSName).toEqual({ 'Fn::GetAtt': [accId, 'DualStackDnsName'] });
  });
});

// ---------------------------------------------------------------------------------------------------
// E. Media buckets
// ---------------------------------------------------------------------------------------------------

describe.each(CLOUDFRONT_VARIANTS)('media buckets (%s)', (name) => {
  const v = () => variants[name];
  const config = () => v().config;
  const bucketOf = (region: string): [string, any] => {
    const found = resourcesOf(regional(v(), region), 'AWS::S3::Bucket').filter(([, b]) => b.Properties.BucketName === mediaBucketName(config().name, config().accountId, region));
    expect(found).toHaveLength(1);
    return found[0];
  };

  test.each([0, 1])('region #%i: versioned, SSE-S3, never public, bucket owner enforced, retained', (index) => {
    const [, b] = bucketOf(config().regions[index].name);
    // AWS::S3::Bucket: VersioningConfiguration, BucketEncryption (AES256 = SSE-S3), PublicAccessBlockConfiguration, OwnershipControls.
    expect(b.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(b.DeletionPolicy).toBe('Retain');
    expect(b.UpdateReplacePolicy).toBe('Retain');
  });

  test.each([0, 1])('region #%i: the bucket policy refuses plain HTTP and lets only this account’s CloudFront distributions get objects', (index) => {
    const region = config().regions[index].name;
    const t = regional(v(), region);
    const [bucketId] = bucketOf(region);
    const policies = resourcesOf(t, 'AWS::S3::BucketPolicy').filter(([, p]) => p.Properties.Bucket.Ref === bucketId);
    expect(policies).toHaveLength(1);
    const statements: any[] = policies[0][1].Properties.PolicyDocument.Statement;
    // S3 User Guide, "Enforce encryption in transit" (aws:SecureTransport).
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    // CloudFront Developer Guide, "Restrict access to an Amazon S3 origin": the OAC bucket policy.
    expect(allows[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    expect(cfnText(allows[0].Resource)).toBe(`{ref:${bucketId}.Arn}/*`);
    expect(Object.keys(allows[0].Condition)).toEqual(['ArnLike']);
    expect(Object.keys(allows[0].Condition.ArnLike)).toEqual(['AWS:SourceArn']);
    expect(cfnText(allows[0].Condition.ArnLike['AWS:SourceArn'])).toBe(`arn:aws:cloudfront::${config().accountId}:distribution/*`);
  });

  test('the home region’s bucket replicates everything, deletions included, to the other region’s within 15 minutes (RTC); the other replicates nothing', () => {
    const [home, other] = regionNames(config());
    const rules = bucketOf(home)[1].Properties.ReplicationConfiguration.Rules;
    expect(rules).toHaveLength(1);
    // AWS::S3::Bucket ReplicationConfiguration: DeleteMarkerReplication, ReplicationTime and Metrics (RTC needs both at 15 minutes).
    expect(rules[0]).toMatchObject({
      Status: 'Enabled',
      Filter: { Prefix: '' },
      DeleteMarkerReplication: { Status: 'Enabled' },
      Destination: { ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } }, Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } } },
    });
    expect(cfnText(rules[0].Destination.Bucket)).toBe(`arn:aws:s3:::${mediaBucketName(config().name, config().accountId, other)}`);
    expect(bucketOf(other)[1].Properties.ReplicationConfiguration).toBeUndefined();
  });

  test('the home regional stack deploys after the other one (S3: "The destination bucket or buckets must already exist")', () => {
    // AWS::S3::Bucket ReplicationConfiguration documentation.
    const [home, other] = regionNames(config());
    expect(dependenciesOf(v(), regionalStackName(config().name, home))).toContain(regionalStackName(config().name, other));
    expect(dependenciesOf(v(), regionalStackName(config().name, other))).not.toContain(regionalStackName(config().name, home));
  });

  test('the replication role has no fixed account-wide name (a second environment or app in the account would collide)', () => {
    // aws-cdk-lib aws-s3 Bucket: without the @aws-cdk/aws-s3:setUniqueReplicationRoleName feature flag the
    // replication role is named "CDKReplicationRole" (IAM role names are unique per account).
    const [home] = regionNames(config());
    const t = regional(v(), home);
    const roleId = getAttId(bucketOf(home)[1].Properties.ReplicationConfiguration.Role, 'Arn');
    const roleName = resources(t)[roleId].Properties.RoleName;
    expect(roleName === undefined || (String(roleName).includes(config().name) && String(roleName).includes(home))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------
// F. Stack order
// ---------------------------------------------------------------------------------------------------

describe('stack order', () => {
  test.each(['cloudfront', 'tuned', 'accelerator', 'acceleratorActive'] as VariantName[])('%s: the front door stack deploys after the health, global and both regional stacks', (name) => {
    const v = variants[name];
    const { config } = v;
    const frontDoor = config.edge.frontDoor === 'cloudfront' ? edgeStackName(config.name) : acceleratorStackName(config.name);
    expect(v.templates[frontDoor]).toBeDefined();
    expect(dependenciesOf(v, frontDoor)).toEqual([healthStackName(config.name), globalStackName(config.name), ...regionNames(config).map((r) => regionalStackName(config.name, r))].sort());
  });

  test('route53: no front door stack', () => {
    const { config } = variants.route53;
    expect(stackNames(variants.route53)).toEqual([globalStackName(config.name), healthStackName(config.name), regionSwitchStackName(config.name), ...regionNames(config).flatMap((r) => [regionalStackName(config.name, r), transitStackName(config.name, r)])].sort());
  });

  test.each(Object.keys(CONFIGS) as VariantName[])('%s: the regional stacks depend on the global stack only under CloudFront (their web ACLs resolve its secret)', (name) => {
    const v = variants[name];
    const { config } = v;
    for (const r of regionNames(config)) {
      expect(dependenciesOf(v, regionalStackName(config.name, r)).includes(globalStackName(config.name))).toBe(config.edge.frontDoor === 'cloudfront');
    }
  });

});

// ---------------------------------------------------------------------------------------------------
// G. The deploy-time lookups are calls aws-cdk-lib can make, and their roles allow exactly them
// ---------------------------------------------------------------------------------------------------

describe('deploy-time lookups (AwsCustomResource)', () => {
  // aws-cdk-lib 2.261.0 custom-resources/lib/helpers-internal: AwsCustomResource runs the SDK v3 and
  // maps a v2 service name through sdk-v2-to-v3.json (lower-cased), then takes the IAM prefix of the
  // action from sdk-v3-metadata.json; an unknown name fails only at deploy time.
  const dir = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')), 'custom-resources', 'lib', 'helpers-internal');
  const v2ToV3 = JSON.parse(fs.readFileSync(path.join(dir, 'sdk-v2-to-v3.json'), 'utf8')) as Record<string, string>;
  const v3 = JSON.parse(fs.readFileSync(path.join(dir, 'sdk-v3-metadata.json'), 'utf8')) as Record<string, { iamPrefix?: string }>;

  test.each(['cloudfront', 'tuned', 'accelerator'] as VariantName[])('%s: every lookup names an SDK v3 client, and a role allows its one action', (name) => {
    let seen = 0;
    for (const t of Object.values(variants[name].templates)) {
      const allowed = new Set(
        resourcesOf(t, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => (Array.isArray(s.Action) ? s.Action : [s.Action]))),
      );
      for (const [, resource] of resourcesOf(t, 'Custom::AWS')) {
        const call = sdkCall(resource);
        const client = v2ToV3[call.service.toLowerCase()] ?? call.service.toLowerCase();
        expect(v3).toHaveProperty(client);
        const action = `${v3[client].iamPrefix ?? client}:${call.action[0].toUpperCase()}${call.action.slice(1)}`;
        expect({ call: `${call.service}.${call.action}`, allowed: allowed.has(action) }).toEqual({ call: `${call.service}.${call.action}`, allowed: true });
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});
