/**
 * The cluster components the shop's recovery from a zone loss depends on, and how each is made to
 * survive it: the contract between the cluster app (which turns it into Helm values and EKS add-on
 * configuration) and the resilience report (which lists each with its survivors). Defaults, value keys
 * and leader election were read at the pinned chart versions (cited per component); the tests check
 * the synthesized values against this list and the keys against cluster/upstream/chart-value-paths.json.
 */

import { ZONE_LABEL } from './karpenter';

/**
 * Seconds a pod stays bound to a node that stopped reporting before it is evicted. Kubernetes adds
 * 300 s to any pod without its own not-ready/unreachable tolerations (kubernetes/kubernetes
 * plugin/pkg/admission/defaulttolerationseconds/admission.go: only when the pod has none): five
 * minutes in which a singleton on a lost node serves nobody.
 */
export const PLATFORM_EVICTION_SECONDS = 30;

/** How the replicas of a component share the work. */
export type ReplicaMode =
  /** Every replica serves (metrics-server, CoreDNS, webhooks): a survivor serves at once. */
  | 'active-active'
  /** One leader, the others wait on a Lease (controller-runtime: 15 s lease, 10 s renew deadline). */
  | 'leader-election'
  /** One replica: after a zone loss it is back once evicted, rescheduled and started. */
  | 'single'
  /** A DaemonSet: a pod on every node, so every surviving node keeps one. */
  | 'per-node';

export interface PlatformComponent {
  /** Release or add-on name. */
  readonly name: string;
  /** What the shop needs it for while a zone is down (or why it does not). */
  readonly role: string;
  /** Whether the shop's recovery from a zone loss waits for it. */
  readonly neededDuringZoneLoss: boolean;
  readonly replicas: number;
  readonly mode: ReplicaMode;
  /** A DoNotSchedule zone spread keeps replicas in different zones. @default no zone spread */
  readonly zoneSpread?: boolean;
  /** PodDisruptionBudget maxUnavailable. @default no PodDisruptionBudget */
  readonly pdbMaxUnavailable?: number;
  /** A StatefulSet pod on a lost node is never replaced until someone deletes it (kubernetes/kubernetes#54368). @default false */
  readonly statefulSet?: boolean;
  /** Where the runbook brings it back by hand, when nothing does it by itself. @default none */
  readonly manualRecovery?: string;
  /** Where the defaults and the keys were read. */
  readonly source: string;
}

/** The not-ready and unreachable tolerations every platform pod gets: evicted 30 s after its node is lost. */
export function fastEviction(): Array<{ key: string; operator: 'Exists'; effect: 'NoExecute'; tolerationSeconds: number }> {
  return ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: PLATFORM_EVICTION_SECONDS }));
}

/**
 * A zone spread for a component's pods. nodeTaintsPolicy Honor drops the lost zone's tainted nodes, so
 * with as many replicas as zones the replacement is not held for the lost zone (see resilience/zone-loss.ts).
 * Charts that do not fill in the label selector themselves need `matchLabels`.
 */
export function zoneSpread(matchLabels?: Record<string, string>): Record<string, unknown> {
  return {
    maxSkew: 1,
    topologyKey: ZONE_LABEL,
    whenUnsatisfiable: 'DoNotSchedule',
    nodeTaintsPolicy: 'Honor',
    ...(matchLabels ? { labelSelector: { matchLabels } } : {}),
  };
}

/** The components, in the order the report lists them. */
export const PLATFORM_COMPONENTS: readonly PlatformComponent[] = [
  {
    name: 'coredns',
    role: 'every name lookup in the cluster, the shop’s and the controllers’ calls to AWS included',
    neededDuringZoneLoss: true,
    replicas: 2,
    mode: 'active-active',
    zoneSpread: true,
    pdbMaxUnavailable: 1,
    source: 'EKS add-on configuration schema (aws eks describe-addon-configuration --addon-name coredns): replicaCount, tolerations, topologySpreadConstraints, podDisruptionBudget; defaults 2 replicas, preferred per-host anti-affinity only',
  },
  {
    name: 'metrics-server',
    role: 'the resource metrics the HPAs scale on: without it no service scales out to replace the lost zone’s capacity',
    neededDuringZoneLoss: true,
    replicas: 2,
    mode: 'active-active',
    zoneSpread: true,
    pdbMaxUnavailable: 1,
    source: 'kubernetes-sigs/metrics-server chart 3.13.1 values.yaml: replicas 1, podDisruptionBudget.enabled false by default; README "High Availability": more than one replica',
  },
  {
    name: 'aws-load-balancer-controller',
    role: 'registers replacement and scale-out pods in the ALB target groups; their readiness gates hold them NotReady until it does',
    neededDuringZoneLoss: true,
    replicas: 2,
    mode: 'leader-election',
    zoneSpread: true,
    pdbMaxUnavailable: 1,
    source: 'kubernetes-sigs/aws-load-balancer-controller v3.4.0 helm values.yaml (replicaCount 2, podDisruptionBudget {}), pkg/config/runtime_config.go (enable-leader-election true)',
  },
  {
    name: 'karpenter',
    role: 'launches nodes in the surviving zones for the replacements and the scale-out',
    neededDuringZoneLoss: true,
    replicas: 2,
    mode: 'leader-election',
    zoneSpread: true,
    pdbMaxUnavailable: 1,
    source: 'aws/karpenter-provider-aws chart 1.14.1 values.yaml (replicas 2, podDisruptionBudget maxUnavailable 1, zone spread, CriticalAddonsOnly toleration); kubernetes-sigs/karpenter v1.14.1 pkg/operator/operator.go (leader election)',
  },
  {
    name: 'argocd-repo-server',
    role: 'renders the evacuation commit (regions[].evacuatedZones) for the application controller: the zone-loss mitigation goes through git',
    neededDuringZoneLoss: true,
    replicas: 2,
    mode: 'active-active',
    zoneSpread: true,
    pdbMaxUnavailable: 1,
    source: 'argoproj/argo-helm argo-cd chart 10.1.x values.yaml (repoServer.replicas 1, pdb off by default); argo-cd v3.4 docs/operator-manual/high_availability.md (repo-server scales horizontally)',
  },
  {
    name: 'argocd-server, argocd-applicationset-controller',
    role: 'not needed: the runbook uses kubectl (the UI and the CLI are a convenience), and no ApplicationSet is in the evacuation path',
    neededDuringZoneLoss: false,
    replicas: 2,
    mode: 'leader-election',
    zoneSpread: true,
    pdbMaxUnavailable: 1,
    source: 'argoproj/argo-helm argo-cd chart 10.1.x values.yaml (server and applicationSet 1 replica); templates/_helpers.tpl: the applicationset controller elects a leader when replicas > 1 (the servers all serve)',
  },
  {
    name: 'argocd-application-controller',
    role: 'applies the evacuation commit; a StatefulSet of one (extra replicas are shards, not standbys), so if its node is in the lost zone a person deletes the pod (docs/operations.md)',
    neededDuringZoneLoss: true,
    replicas: 1,
    mode: 'single',
    statefulSet: true,
    manualRecovery: 'docs/operations.md#a-zone-degrades, step 3',
    source: 'argoproj/argo-helm argo-cd chart 10.1.x (controller.replicas 1, a StatefulSet unless the alpha dynamicClusterDistribution); argo-cd v3.4 docs/operator-manual/high_availability.md (replicas shard clusters)',
  },
  {
    name: 'argocd-redis',
    role: 'Argo CD’s cache, disposable (Argo CD HA docs); redis-ha needs three nodes with hard anti-affinity, which a zone loss leaves us without',
    neededDuringZoneLoss: true,
    replicas: 1,
    mode: 'single',
    source: 'argoproj/argo-helm argo-cd chart 10.1.x templates/redis/deployment.yaml (replicas 1)',
  },
  {
    name: 'cloudwatch-agent (Container Insights)',
    role: 'publishes cluster_failed_node_count, the metric of the NodesNotReady page that starts the evacuation; one agent on every node, the cluster-level metrics from the one that holds the cwagent-clusterleader lock',
    neededDuringZoneLoss: true,
    replicas: 0,
    mode: 'per-node',
    source: 'aws-observability/helm-charts amazon-cloudwatch-observability 4.10.1 values.yaml (agent.mode daemonset, global tolerations Exists); the cwagent-clusterleader ConfigMap lock from AWS\'s Container Insights agent RBAC (CloudWatch User Guide, "Set up the CloudWatch agent to collect cluster metrics")',
  },
  {
    name: 'amazon-cloudwatch-observability operator',
    role: 'not needed: it manages the agents and its pod webhooks fail open (admissionWebhooks.failurePolicy Ignore); one replica, the EKS add-on\'s defaults',
    neededDuringZoneLoss: false,
    replicas: 1,
    mode: 'single',
    source: 'aws-observability/helm-charts amazon-cloudwatch-observability 4.10.1 values.yaml (replicaCount 1, admissionWebhooks.failurePolicy Ignore)',
  },
  {
    name: 'keda-operator',
    role: 'not needed during the loss: it makes the shop’s HPAs from their ScaledObjects and computes the scheduled floors, but the HPAs it made keep scaling on CPU and memory without it (kube-controller-manager runs them); two replicas so that a scheduled peak still starts on time',
    neededDuringZoneLoss: false,
    replicas: 2,
    mode: 'leader-election',
    zoneSpread: true,
    pdbMaxUnavailable: 1,
    source: 'kedacore/charts keda 2.20.1 values.yaml (operator.replicaCount 1, podDisruptionBudget.operator {}, topologySpreadConstraints.operator []), templates/manager/deployment.yaml (--leader-elect); keda-docs 2.20 operate/cluster.md "High Availability" (operator: 2 replicas, one active)',
  },
  {
    name: 'keda-operator-metrics-apiserver',
    role: 'not needed during the loss: it serves the scheduled floors (external metrics) to the HPAs; without it an HPA raises replicas on CPU and memory but never lowers them (kubernetes horizontal.go computeReplicasForMetrics), so a floor already reached holds; a peak that starts while it is down waits for it',
    neededDuringZoneLoss: false,
    replicas: 2,
    mode: 'active-active',
    zoneSpread: true,
    pdbMaxUnavailable: 1,
    source: 'kedacore/charts keda 2.20.1 values.yaml (metricsServer.replicaCount 1, podDisruptionBudget.metricServer {}, topologySpreadConstraints.metricsServer []); stateless: it asks the operator leader over gRPC (templates/metrics-server/deployment.yaml --metrics-service-address)',
  },
  {
    name: 'keda-admission-webhooks',
    role: 'not needed: it checks ScaledObjects when git changes them, and fails open (webhooks.failurePolicy Ignore)',
    neededDuringZoneLoss: false,
    replicas: 2,
    mode: 'active-active',
    zoneSpread: true,
    pdbMaxUnavailable: 1,
    source: 'kedacore/charts keda 2.20.1 values.yaml (webhooks.replicaCount 1, failurePolicy Ignore, podDisruptionBudget.webhooks {}, topologySpreadConstraints.webhooks [])',
  },
  {
    name: 'external-dns',
    role: 'not needed: the ALB alias records do not change when a zone is lost',
    neededDuringZoneLoss: false,
    replicas: 1,
    mode: 'single',
    source: 'kubernetes-sigs/external-dns chart 1.21.1 (replicas hard-coded to 1, no leader election)',
  },
  {
    name: 'external-secrets',
    role: 'not needed: the Secrets it synced stay; it only refreshes them',
    neededDuringZoneLoss: false,
    replicas: 1,
    mode: 'single',
    source: 'external-secrets/external-secrets chart 2.7.0 values.yaml (replicaCount 1, leaderElect false)',
  },
  {
    name: 'ack-rds-controller, ack-elasticache-controller',
    role: 'not needed: AWS fails Aurora writers and Redis primaries over by itself; ACK only changes desired state',
    neededDuringZoneLoss: false,
    replicas: 1,
    mode: 'single',
    source: 'aws-controllers-k8s rds-controller v1.11.1 / elasticache-controller v1.8.0 helm/values.yaml (deployment.replicas 1, leaderElection off)',
  },
  {
    name: 'descheduler',
    role: 'not needed during the loss: it re-spreads pods once the zone is back',
    neededDuringZoneLoss: false,
    replicas: 1,
    mode: 'single',
    source: 'kubernetes-sigs/descheduler chart 0.34.0 values.yaml (replicas 1; more need leader election)',
  },
];

/** A component by name (throws on an unknown one: a typo must not silently configure nothing). */
export function platformComponent(name: string): PlatformComponent {
  const c = PLATFORM_COMPONENTS.find((x) => x.name === name);
  if (!c) throw new Error(`no platform component "${name}": see config/platform-components.ts`);
  return c;
}
