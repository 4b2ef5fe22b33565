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
