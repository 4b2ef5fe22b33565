import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** Any IPv4 address. */
export const ANY_IPV4 = '0.0.0.0/0';

/**
 * One NetworkPolicy peer per CIDR (`<id>0`, `<id>1`, ...), from a list or a comma-separated string as
 * the stack outputs hold them. `0.0.0.0/0` is an ipBlock like any other (cdk8s-plus-28's `anyIpv4` is
 * `ipv4('0.0.0.0/0')`).
 */
export function ipBlocks(scope: Construct, id: string, cidrs: string | readonly string[]): kplus.NetworkPolicyIpBlock[] {
  return (typeof cidrs === 'string' ? cidrs.split(',') : cidrs).map((cidr, i) => kplus.NetworkPolicyIpBlock.ipv4(scope, `${id}${i}`, cidr));
}
