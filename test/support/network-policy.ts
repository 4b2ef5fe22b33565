/**
 * A NetworkPolicy evaluator for the tests: whether the rendered policies let one endpoint open a
 * connection to another, by the Kubernetes semantics (networking.k8s.io/v1): a pod selected by no policy
 * of a direction is not isolated in it; otherwise some rule of a selecting policy must match the peer
 * (pod and namespace selectors, or an ipBlock minus its except list) and the port. A connection needs
 * the sender's egress and the receiver's ingress.
 */
import * as ipaddr from 'ipaddr.js';
import { K8sObject } from '../helpers';

/** A pod (namespace and labels) or an address outside the cluster (ip only). */
export type Endpoint = { name: string; namespace?: string; labels?: Record<string, string>; namespaceLabels?: Record<string, string>; ip: string };

export const matchLabels = (selector: any, labels: Record<string, string> = {}): boolean => {
  // Not used by the charts; the walk would not read them.
  if (selector.matchExpressions !== undefined) throw new Error('matchExpressions are not evaluated by this walk');
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
};

export function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = ipaddr.parseCIDR(cidr);
  return ipaddr.parse(ip).kind() === net.kind() && ipaddr.parse(ip).match(net, bits);
}

/** Whether `owner`'s policies let it talk to `peer` (egress to it, or ingress from it) on port/protocol. */
export function policyAllows(policies: K8sObject[], owner: Endpoint, peer: Endpoint, direction: 'Egress' | 'Ingress', port: number, protocol: string): boolean {
  const applying = policies.filter((p) => p.metadata.namespace === owner.namespace && matchLabels(p.spec.podSelector, owner.labels) && p.spec.policyTypes.includes(direction));
  if (applying.length === 0) return true; // not isolated in this direction
  const peerMatches = (sel: any) => {
    if (sel.ipBlock) return inCidr(peer.ip, sel.ipBlock.cidr) && !(sel.ipBlock.except ?? []).some((c: string) => inCidr(peer.ip, c));
    if (!peer.namespace) return false; // outside the cluster: only ipBlocks match
    const nsOk = sel.namespaceSelector ? matchLabels(sel.namespaceSelector, peer.namespaceLabels) : peer.namespace === owner.namespace;
    const podOk = sel.podSelector ? matchLabels(sel.podSelector, peer.labels) : true;
    return nsOk && podOk;
  };
  return applying.some((p) =>
    (p.spec[direction === 'Egress' ? 'egress' : 'ingress'] ?? []).some((rule: any) => {
      const peers = rule[direction === 'Egress' ? 'to' : 'from'];
      const peerOk = !peers || peers.some(peerMatches);
      const portOk = !rule.ports || rule.ports.some((p: any) => p.port === port && (p.protocol ?? 'TCP') === protocol);
      return peerOk && portOk;
    }),
  );
}

/** Whether `from` may open a connection to `to` on port/protocol (from's egress and to's ingress). */
export const canConnect = (policies: K8sObject[], from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean =>
  (!from.namespace || policyAllows(policies, from, to, 'Egress', port, protocol)) && (!to.namespace || policyAllows(policies, to, from, 'Ingress', port, protocol));
