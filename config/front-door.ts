/**
 * Names the front door's pieces share across stacks, regions and the charts (cluster/front-door/,
 * charts/edge-chart.ts): each is written once here.
 */

/**
 * The header CloudFront adds to every request it sends a region, whose value (a secret, rotated) the
 * regional WAF requires: an ALB admits CloudFront's addresses, which any CloudFront distribution shares,
 * so the address alone does not prove the request went through this distribution and its WAF.
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/** The key of the origin-verify secret's JSON that holds the header value. */
export const ORIGIN_VERIFY_SECRET_KEY = 'value';

/** The regional WAF rule that checks the header (the rotation function finds it by this name). */
export const ORIGIN_VERIFY_RULE = 'origin-verify';

/**
 * Where CloudFront serves product media from the media buckets (S3, origin access control). Not one of
 * the ALB's paths: the regions never see it.
 */
export const MEDIA_PATH = '/media';

/** The managed prefix list of CloudFront's origin-facing addresses (one list for every region). */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = 'com.amazonaws.global.cloudfront.origin-facing';

/** The managed prefix list of Route 53's health checkers, per region (AWS, September 2023). */
export function route53HealthCheckPrefixList(region: string): string {
  return `com.amazonaws.${region}.route53-healthchecks`;
}

/**
 * Where the front door's stack lives, whichever it is: CloudFront's certificates and web ACLs must be in
 * us-east-1, and so are the Route 53 health checks whose ids the front door's Shield protections name
 * (same-region references). Global Accelerator's API is served from us-west-2 only, but its
 * CloudFormation resources may live in a stack of any region: the resource handlers call us-west-2
 * themselves (aws-cloudformation/aws-cloudformation-resource-providers-globalaccelerator,
 * AcceleratorClientBuilder.kt SUPPORTED_REGION).
 */
export const CLOUDFRONT_REGION = 'us-east-1';
export const FRONT_DOOR_STACK_REGION = CLOUDFRONT_REGION;

/** Status codes of the primary origin on which CloudFront retries a read on the secondary. */
export const ORIGIN_FAILOVER_STATUS_CODES = [500, 502, 503, 504] as const;

/**
 * How CloudFront connects to a region: one attempt of at most 4 s, so a read whose primary origin does
 * not answer moves to the secondary within 4 s (CloudFront's defaults, 3 attempts of 10 s, would make
 * it 30 s). Read timeout: ui's slowest page (checkout, which calls orders and Redis) answers well under it.
 */
export const ORIGIN_CONNECTION = { attempts: 1, timeoutSeconds: 4, readTimeoutSeconds: 30 } as const;

/**
 * Secrets Manager name of the origin-verify secret: outside the shop's credential prefix
 * (config/credentials.ts secretPrefix), which External Secrets in the clusters may read; only
 * CloudFormation, the rotation function and the synthetic shoppers read this one.
 */
export function originVerifySecretName(env: string): string {
  return `securecart-edge/${env}/origin-verify`;
}

/** CloudFormation's dynamic reference to the header value, resolved in the stack's own region. */
export function originVerifyValueReference(env: string): string {
  return `{{resolve:secretsmanager:${originVerifySecretName(env)}:SecretString:${ORIGIN_VERIFY_SECRET_KEY}}}`;
}

/** The regional web ACL's name: the rotation function finds it by name in each region. */
export function regionalWebAclName(env: string, region: string): string {
  return `securecart-${env}-${region}`;
}

/**
 * The media bucket of a region. S3 names are global: the account and the region make it unique, and it
 * stays within S3's 63 characters for any environment name (20) and region name.
 */
export function mediaBucketName(env: string, account: string, region: string): string {
  return `sc-${env}-media-${account}-${region}`;
}
