import { CfnOutput, Duration, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import {
  MEDIA_PATH,
  ORIGIN_CONNECTION,
  ORIGIN_FAILOVER_STATUS_CODES,
  ORIGIN_VERIFY_HEADER,
  mediaBucketName,
  originVerifyValueReference,
} from '../../config/front-door';
import { originHostname, publicHostname, regionalHostname } from '../../config/hostnames';
import { PlatformConfig } from '../../config/schema';
import { SHOP_PATHS, ShopPath } from '../../config/shop-paths';
import { commonTags } from '../naming';
import { managedRuleGroupRules, rateLimitPerIpRule, shopPathRules } from '../waf-rules';
import { lookUpAlbs } from './load-balancer-lookup';
import { ShieldAdvanced } from './shield-advanced';

export interface CloudFrontStackProps extends StackProps {
  readonly config: PlatformConfig;
  /** Route 53 health check ids of each region (the health stack's calculated checks). */
  readonly regionHealthCheckIds: Readonly<Record<string, string>>;
  /** Route 53 health check id of "at least one region can sell". */
  readonly shopHealthCheckId: string;
}

/**
 * The ui's pages that only read (GET): CloudFront may retry them on the secondary region, request by
 * request (aws-containers/retail-store-sample-app v1.6.2 src/ui: HomeController GET /home,
 * CatalogController GET /catalog, /catalog/{id}, /catalog/search). `/` stays on the default behaviour:
 * CloudFront has no pattern for the root alone.
 */
export const FAILOVER_READ_PATTERNS = ['/home', '/catalog*'] as const;

/**
 * The ui's static files (css, js, images, product images), all under /assets (src/main/resources/static).
 * ui sends `Cache-Control: public, max-age=31536000` for them (application-prod.yml, the profile the
 * image runs), but their names carry no version: the edge keeps them a day by default and at most a
 * week, and a ui release invalidates /assets/* (docs/operations.md, "Releasing the ui").
 */
export const ASSETS_PATTERN = '/assets/*';
export const ASSETS_TTL = { default: Duration.days(1), max: Duration.days(7) } as const;

/** The paths the edge admits: the shop's (the ALB's list) and product media. */
export const EDGE_PATHS: readonly ShopPath[] = [...SHOP_PATHS, { path: MEDIA_PATH, match: 'prefix', serves: 'product media (S3, origin access control)' }];

/**
 * The CloudFront front door, in us-east-1 (CloudFront's certificates and web ACLs live there):
 *
 * - writes and the root page (default behaviour) go to the origin name, a Route 53 failover pair over
 *   the regional ALBs: CloudFront never fails a POST over to another origin (CloudFront Developer Guide,
 *   "Optimize high availability with CloudFront origin failover"), and refuses an origin group on a
 *   behaviour that allows POST, so DNS moves writes, as it does without CloudFront;
 * - reads of pages (/home, /catalog*) use an origin group: the origin name first, the secondary's own
 *   hostname when it fails to connect or answers 500, 502, 503 or 504: a read fails over per request;
 * - static assets are cached at the edge, compressed, and fail over like the reads;
 * - product media comes from the media buckets through origin access control, the home region's first.
 *
 * Every request to a region carries the origin-verify header (the regional WAF requires it); HTTPS only,
 * TLS 1.2 or later on both sides; the edge web ACL allows the shop's paths only, runs AWS's managed rules
 * and limits each client's rate.
 */
export class CloudFrontStack extends Stack {
  readonly distribution: cloudfront.Distribution;
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: CloudFrontStackProps) {
    super(scope, id, props);
    const { config } = props;
    const cf = config.edge.cloudFront;
    const primary = config.primaryRegion;
    const secondary = config.regions.find((r) => r.name !== primary)!.name;
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: config.dns.hostedZoneId, zoneName: config.dns.domain });

    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: publicHostname(config),
      validation: acm.CertificateValidation.fromDns(zone),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `securecart-${config.name}-edge`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `securecart-${config.name}-edge`, sampledRequestsEnabled: true },
      rules: [
        ...shopPathRules(1, EDGE_PATHS),
        ...managedRuleGroupRules(),
        rateLimitPerIpRule(cf.rateLimitPer5Minutes),
      ],
    });

    const region = (hostname: string) =>
      new origins.HttpOrigin(hostname, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        connectionAttempts: ORIGIN_CONNECTION.attempts,
        connectionTimeout: Duration.seconds(ORIGIN_CONNECTION.timeoutSeconds),
        readTimeout: Duration.seconds(ORIGIN_CONNECTION.readTimeoutSeconds),
        // Resolved by CloudFormation from the secret's replica in us-east-1; the rotation function
        // updates it in place between deploys (cluster/origin-verify/rotation.js).
        customHeaders: { [ORIGIN_VERIFY_HEADER]: originVerifyValueReference(config.name) },
      });
    const writes = region(originHostname(config));
    const reads = new origins.OriginGroup({
      primaryOrigin: writes,
      fallbackOrigin: region(regionalHostname(config, secondary)),
      fallbackStatusCodes: [...ORIGIN_FAILOVER_STATUS_CODES],
    });
    const bucket = (r: string) => s3.Bucket.fromBucketAttributes(this, `Media-${r}`, { bucketName: mediaBucketName(config.name, config.accountId, r), region: r });
    const media = new origins.OriginGroup({
      primaryOrigin: origins.S3BucketOrigin.withOriginAccessControl(bucket(config.regions[0].name)),
      fallbackOrigin: origins.S3BucketOrigin.withOriginAccessControl(bucket(config.regions[1].name)),
      fallbackStatusCodes: [...ORIGIN_FAILOVER_STATUS_CODES],
    });

    // Pages are personal (cart, session): never cached, and forwarded with every cookie (SESSIONID),
    // query string (tag, page, size, keyword) and header but Host, so the ALB sees the origin's own name.
    const dynamic = {
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      compress: true,
    };
    const assets = new cloudfront.CachePolicy(this, 'AssetsCachePolicy', {
      comment: 'ui static assets: no cookies, query strings or headers in the key; compressed',
      defaultTtl: ASSETS_TTL.default,
      maxTtl: ASSETS_TTL.max,
      minTtl: Duration.seconds(0),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const cached = (origin: cloudfront.IOrigin, cachePolicy: cloudfront.ICachePolicy): cloudfront.BehaviorOptions => ({
      origin,
      cachePolicy,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
      responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      compress: true,
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `SecureCart ${config.name}: ${publicHostname(config)}`,
      domainNames: [publicHostname(config)],
      certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass[cf.priceClass.replace('PriceClass_', 'PRICE_CLASS_').toUpperCase() as keyof typeof cloudfront.PriceClass],
      enableIpv6: true,
      webAclId: this.webAcl.attrArn,
      enableLogging: cf.accessLogsBucket !== undefined,
      logBucket: cf.accessLogsBucket ? s3.Bucket.fromBucketName(this, 'AccessLogs', cf.accessLogsBucket) : undefined,
      logFilePrefix: cf.accessLogsBucket ? `${config.name}/` : undefined,
      defaultBehavior: { origin: writes, allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL, ...dynamic },
      additionalBehaviors: {
        [ASSETS_PATTERN]: cached(reads, assets),
        [`${MEDIA_PATH}/*`]: cached(media, cloudfront.CachePolicy.CACHING_OPTIMIZED),
        ...Object.fromEntries(FAILOVER_READ_PATTERNS.map((p) => [p, { origin: reads, allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS, ...dynamic }])),
      },
    });
    for (const [k, v] of Object.entries(commonTags(config))) Tags.of(this.distribution).add(k, v);

    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
    new route53.ARecord(this, 'PublicA', { zone, recordName: publicHostname(config), target });
    new route53.AaaaRecord(this, 'PublicAaaa', { zone, recordName: publicHostname(config), target });

    if (config.edge.shieldAdvanced) {
      ShieldAdvanced.forFrontDoor(this, 'Shield', {
        ...props,
        frontDoor: { name: 'distribution', resourceArn: this.distribution.distributionArn },
        albs: lookUpAlbs(this, config),
        hostedZoneId: config.dns.hostedZoneId,
        env: config.name,
      });
    }

    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
    new CfnOutput(this, 'DistributionDomainName', { value: this.distribution.distributionDomainName });
    new CfnOutput(this, 'EdgeWebAclArn', { value: this.webAcl.attrArn });
  }
}
