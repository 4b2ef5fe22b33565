/**
 * Where a shop workload's calls to AWS go, for its egress NetworkPolicy: to the interface endpoints'
 * subnets once the region's endpoints exist (their addresses are the only ones the calls reach), else
 * anywhere on 443 (the public endpoints, through the NAT gateways). One function for the services and
 * the trace collector, read from the same catalog the cluster app builds the endpoints from
 * (config/network.ts), so that an egress rule never names an endpoint that does not exist.
 */
import { PartnerConfig, SHOP_AWS_CALLS, ShopApiCaller } from '../config/network';
import { NetworkOutputs } from '../config/outputs';
import { ANY_IPV4 } from './ip-blocks';

export { ANY_IPV4 };

export interface AwsApiEgress {
  /** Destination CIDRs, each on TCP 443. */
  readonly cidrs: readonly string[];
  /** Why these and not fewer: shown in the report and asserted by the tests. */
  readonly reason: string;
}

/**
 * The egress a workload needs for its AWS calls (SHOP_AWS_CALLS):
 * - no network outputs yet (the endpoints are not deployed, or not in the outputs file): anywhere on 443,
 *   as the public endpoints need; narrowing before the endpoints exist would cut the calls;
 * - a gateway endpoint among the calls (carts: DynamoDB): anywhere on 443 still. A gateway endpoint is a
 *   route to the service's public addresses (an AWS prefix list), which a NetworkPolicy cannot name; the
 *   traffic never reaches the NAT gateways, but the rule cannot be narrower than the prefix list. An
 *   `ipBlock.except` of the private ranges is left out on purpose: the VPC CNI's policy agent has
 *   mis-merged except-rules with other rules (aws/aws-network-policy-agent#180, open);
 * - interface endpoints only (the trace collector: STS and X-Ray): the endpoint subnets on 443.
 */
export function awsApiEgress(caller: ShopApiCaller, network: NetworkOutputs | undefined): AwsApiEgress {
  const calls = SHOP_AWS_CALLS[caller];
  if (!network) return { cidrs: [ANY_IPV4], reason: 'the region has no VPC endpoints in the outputs yet: public AWS endpoints, through NAT' };
  if (calls.gateway.length) {
    return { cidrs: [ANY_IPV4], reason: `${calls.gateway.join(', ')} through a gateway endpoint: public addresses (an AWS prefix list) a NetworkPolicy cannot name` };
  }
  return { cidrs: network.endpointSubnetCidrs.split(','), reason: `${calls.interface.join(', ')} through interface endpoints in the endpoint subnets` };
}

/**
 * The partners a service calls, with the endpoint subnets where their PrivateLink endpoints are. None
 * before the region's network outputs exist: the partner endpoints are created by the same deploy.
 */
export function partnerEgress(service: string, partners: readonly PartnerConfig[], network: NetworkOutputs | undefined): Array<{ partner: string; cidrs: string[]; ports: number[] }> {
  if (!network) return [];
  return partners.filter((p) => p.clients.includes(service)).map((p) => ({ partner: p.name, cidrs: network.endpointSubnetCidrs.split(','), ports: [...p.ports] }));
}
