/**
 * Helm values and EKS add-on configuration that make the cluster components in
 * config/platform-components.ts survive a zone loss: replicas, zone spread, PodDisruptionBudget and
 * 30 s not-ready/unreachable tolerations. Keys per chart, at the pinned versions (paths checked by the
 * tests against cluster/upstream/chart-value-paths.json).
 *
 * Helm replaces lists and merges maps (helm/helm pkg/chartutil/coalesce.go), so a `tolerations` or
 * `topologySpreadConstraints` given here replaces the chart's default list: chart defaults worth
 * keeping are restated.
 */
import { fastEviction, platformComponent, zoneSpread } from '../../config/platform-components';

const pdb = (name: string) => platformComponent(name).pdbMaxUnavailable!;
const replicas = (name: string) => platformComponent(name).replicas;

/**
 * CoreDNS, an EKS managed add-on: configurationValues (JSON), which EKS validates against the add-on
 * version's schema and reapplies with conflict resolution OVERWRITE (Blueprints 1.19.0
 * dist/addons/core-addon/index.js). Keys as published for the 1.10 and 1.11 builds (replicaCount,
 * tolerations, topologySpreadConstraints, podDisruptionBudget); check v1.12.4-eksbuild.1 with
 * `aws eks describe-addon-configuration --addon-name coredns --addon-version v1.12.4-eksbuild.1`.
 * Its default tolerations are restated. No nodeTaintsPolicy: with 2 replicas over 3 zones the lost
 * zone is never the only zone left at the minimum, and the schema's item shape is not verified offline.
 */
export function coreDnsConfiguration(): Record<string, unknown> {
  const { maxSkew, topologyKey, whenUnsatisfiable } = zoneSpread() as { maxSkew: number; topologyKey: string; whenUnsatisfiable: string };
  return {
    replicaCount: replicas('coredns'),
    tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }, ...fastEviction()],
    topologySpreadConstraints: [{ maxSkew, topologyKey, whenUnsatisfiable, labelSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    podDisruptionBudget: { enabled: true, maxUnavailable: pdb('coredns') },
  };
}

/**
 * metrics-server chart 3.13.1: templates/deployment.yaml emits topologySpreadConstraints as given (no
 * selector added), so the pods' labels are named (the release is Blueprints' `blueprints-addon-metrics-server`).
 */
export function metricsServerValues(): Record<string, unknown> {
  return {
    replicas: replicas('metrics-server'),
    podDisruptionBudget: { enabled: true, maxUnavailable: pdb('metrics-server'), unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    topologySpreadConstraints: [zoneSpread({ 'app.kubernetes.io/name': 'metrics-server', 'app.kubernetes.io/instance': 'blueprints-addon-metrics-server' })],
    tolerations: fastEviction(),
  };
}

/**
 * AWS Load Balancer Controller chart 3.4.0: templates/pdb.yaml writes `podDisruptionBudget` into the
 * PDB spec when replicaCount > 1; topologySpreadConstraints are emitted as given (no selector added).
 */
export function loadBalancerControllerValues(): Record<string, unknown> {
  return {
    replicaCount: replicas('aws-load-balancer-controller'),
    podDisruptionBudget: { maxUnavailable: pdb('aws-load-balancer-controller'), unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    topologySpreadConstraints: [zoneSpread({ 'app.kubernetes.io/name': 'aws-load-balancer-controller', 'app.kubernetes.io/instance': 'aws-load-balancer-controller' })],
    tolerations: fastEviction(),
  };
}

/**
 * Karpenter chart 1.14.1: 2 replicas, a PDB and a zone spread by default (values.yaml), the spread's
 * selector filled in by the chart (_helpers.tpl karpenter.patchTopologySpreadConstraints). The
 * CriticalAddonsOnly toleration is the chart's default, restated because this list replaces it.
 */
export function karpenterValues(): Record<string, unknown> {
  return {
    replicas: replicas('karpenter'),
    podDisruptionBudget: { name: 'karpenter', maxUnavailable: pdb('karpenter') },
    topologySpreadConstraints: [zoneSpread()],
    tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, ...fastEviction()],
  };
}

/**
 * Argo CD chart 10.1.x: every component reads `<component>.X | default .Values.global.X` for
 * tolerations and spread, and fills in the spread's selector (templates, e.g.
 * argocd-server/deployment.yaml). A PDB needs its number: enabled alone renders minAvailable 0.
 */
export function argoCdValues(): Record<string, unknown> {
  const ha = (name: string) => ({ replicas: replicas(name), pdb: { enabled: true, maxUnavailable: pdb(name) } });
  const others = 'argocd-server, argocd-applicationset-controller';
  return {
    global: { tolerations: fastEviction(), topologySpreadConstraints: [zoneSpread()] },
    repoServer: ha('argocd-repo-server'),
    server: ha(others),
    applicationSet: ha(others),
  };
}

/**
 * KEDA chart 2.20.1 (kedacore/charts keda/values.yaml at v2.20.1): one replica count per component,
 * topologySpreadConstraints per component emitted as given (no selector added: templates/manager/
 * deployment.yaml:247-250, metrics-server/deployment.yaml:212-215, webhooks/deployment.yaml:167-170),
 * a PodDisruptionBudget per component once podDisruptionBudget.<component> is set (templates/
 * {manager,metrics-server,webhooks}/poddisruptionbudget.yaml), tolerations read per component, else the
 * top-level list. The pods carry
 * `app.kubernetes.io/name: <component>` and `app.kubernetes.io/instance: <release>` (keda.labels):
 * the Blueprints add-on's release is `keda` (eks-blueprints 1.19.0 dist/addons/keda/index.js defaultProps).
 */
export function kedaValues(): Record<string, unknown> {
  const spread = (name: string) => [zoneSpread({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': KEDA_RELEASE })];
  return {
    operator: { replicaCount: replicas('keda-operator') },
    metricsServer: { replicaCount: replicas('keda-operator-metrics-apiserver') },
    webhooks: { replicaCount: replicas('keda-admission-webhooks') },
    podDisruptionBudget: {
      operator: { maxUnavailable: pdb('keda-operator') },
      metricServer: { maxUnavailable: pdb('keda-operator-metrics-apiserver') },
      webhooks: { maxUnavailable: pdb('keda-admission-webhooks') },
    },
    topologySpreadConstraints: {
      operator: spread('keda-operator'),
      metricsServer: spread('keda-operator-metrics-apiserver'),
      webhooks: spread('keda-admission-webhooks'),
    },
    tolerations: fastEviction(),
  };
}

/** The Helm release of KEDA: the Blueprints KedaAddOn's default, which the pod labels carry. */
export const KEDA_RELEASE = 'keda';

/** external-dns chart 1.21.1 (one replica by design): back within a minute of losing its node. */
export function externalDnsValues(): Record<string, unknown> {
  return { tolerations: fastEviction() };
}

/** external-secrets chart 2.7.0: the controller, webhook and cert controller read `global.tolerations`. */
export function externalSecretsValues(): Record<string, unknown> {
  return { global: { tolerations: fastEviction() } };
}

/** ACK controller charts (rds 1.11.1, elasticache 1.8.0): `deployment.tolerations`. */
export function ackValues(): Record<string, unknown> {
  return { deployment: { tolerations: fastEviction() } };
}

/** descheduler chart 0.34.0: `tolerations`. */
export function deschedulerValues(): Record<string, unknown> {
  return { tolerations: fastEviction() };
}
