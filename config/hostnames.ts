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
