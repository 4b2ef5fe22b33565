/**
 * The shop's hostnames: a contract between the cluster app (certificates, Route 53 health checks, the
 * ExternalDNS fence) and the charts (Ingress hosts), which must name them identically.
 */
import { PlatformConfig } from './schema';

/** The name customers use, answered by the healthy region(s). */
export function publicHostname(config: PlatformConfig): string {
  return `${config.dns.publicHostname}.${config.dns.domain}`;
}

/** The name only `region` answers: the target of its Route 53 health check. */
export function regionalHostname(config: PlatformConfig, region: string): string {
  return `${region}.${publicHostname(config)}`;
}

/**
 * Tags on the environment's ALBs (the edge chart's Ingress sets them): the cluster app's 5xx alarms
 * select this environment's load balancers by them.
 */
export function albTags(config: PlatformConfig): Record<string, string> {
  return { project: 'securecart', environment: config.name };
}

/**
 * Behind CloudFront, the name CloudFront sends customers' writes (and, first, their reads) to: a Route 53
 * failover (or latency) pair over the regional ALBs, the pair the public name itself is under the
 * `route53` front door. CloudFront resolves it like any origin, so a region failover moves its requests
 * without a change to the distribution.
 */
export function originHostname(config: PlatformConfig): string {
  return `origin.${publicHostname(config)}`;
}

/**
 * The hostname whose Route 53 record set external-dns publishes from the regional ALBs: the public name
 * itself (route53), the origin name CloudFront uses (cloudfront), or none (globalAccelerator: the public
 * name is an alias of the accelerator, published by the cluster app).
 */
export function albRecordHostname(config: PlatformConfig): string | undefined {
  switch (config.edge.frontDoor) {
    case 'route53':
      return publicHostname(config);
    case 'cloudfront':
      return originHostname(config);
    case 'globalAccelerator':
      return undefined;
  }
}

/**
 * The IngressGroup of the region's ALB. The load balancer controller tags the ALB with it
 * (`ingress.k8s.aws/stack: <group>` for an explicit group: aws-load-balancer-controller v3.4.0
 * pkg/ingress/group.go:31-35, pkg/model/core/stack_id.go:13-17), which is how the cluster app finds the
 * ALB it did not create.
 */
export function albGroupName(config: PlatformConfig): string {
  return `securecart-${config.name}`;
}
