import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CLUSTER_DNS, LABELS, WELL_KNOWN } from '../constants';
import { applyLabels } from '../labels';

export interface NamespaceBaselineProps {
  /** Namespace to create and lock down. */
  readonly namespace: string;
  /** `app.kubernetes.io/instance` of the baseline objects. */
  readonly instance: string;
  /** `app.kubernetes.io/version` of the baseline objects. */
  readonly version: string;
  /**
   * Pod Security Standard enforced on the namespace.
   * @default 'restricted'
   */
  readonly podSecurity?: 'restricted' | 'baseline';
}

/**
 * A namespace the shop can live in safely: Pod Security admission enforcing the restricted profile,
 * a default-deny NetworkPolicy for every pod (each service then opens exactly its own call graph) and
 * the one egress every pod needs, DNS to the cluster's CoreDNS.
 */
export class NamespaceBaseline extends Construct {
  readonly namespace: kplus.Namespace;
  readonly defaultDeny: kplus.NetworkPolicy;
  readonly allowDns: kplus.NetworkPolicy;

  constructor(scope: Construct, id: string, props: NamespaceBaselineProps) {
    super(scope, id);
    const level = props.podSecurity ?? 'restricted';
    this.namespace = new kplus.Namespace(this, 'Namespace', {
      metadata: {
        name: props.namespace,
        labels: {
          [WELL_KNOWN.podSecurityEnforce]: level,
          [WELL_KNOWN.podSecurityEnforceVersion]: 'latest',
          [WELL_KNOWN.podSecurityWarn]: level,
          [WELL_KNOWN.podSecurityAudit]: level,
          // The load balancer controller adds target-health readiness gates only to pods of namespaces
          // with this label (aws-load-balancer-controller v3.4.0 docs/deploy/pod_readiness_gate.md and the
          // chart's mpod.elbv2.k8s.aws webhook namespaceSelector): a rollout then waits until the ALB
          // sees each new pod healthy, instead of leaving a target group with only draining targets.
          [WELL_KNOWN.podReadinessGateInject]: 'enabled',
        },
      },
    });

    const allPods = kplus.Pods.all(this, 'AllPods');
    this.defaultDeny = new kplus.NetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny', namespace: props.namespace },
      selector: allPods,
      ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
      egress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    });

    const coreDns = kplus.Pods.select(this, 'CoreDns', {
      labels: { ...CLUSTER_DNS.podLabels },
      namespaces: kplus.Namespaces.select(this, 'KubeSystem', { names: [CLUSTER_DNS.namespace] }),
    });
    this.allowDns = new kplus.NetworkPolicy(this, 'AllowDns', {
      metadata: { name: 'allow-dns', namespace: props.namespace },
      selector: allPods,
      egress: {
        rules: [{ peer: coreDns, ports: [kplus.NetworkPolicyPort.udp(CLUSTER_DNS.port), kplus.NetworkPolicyPort.tcp(CLUSTER_DNS.port)] }],
      },
    });

    applyLabels(this, {
      [LABELS.name]: 'namespace-baseline',
      [LABELS.instance]: props.instance,
      [LABELS.component]: 'platform',
      [LABELS.version]: props.version,
    });
  }
}
