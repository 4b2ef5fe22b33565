/**
 * The Argo CD objects of a region, as plain data: rendered into argocd/<region>/ by the ArgoCdChart,
 * and the bootstrap part also applied once by the cluster app, so Argo CD starts managing itself from
 * git. Plain objects (no cdk8s) because both apps build them.
 */
import { CREDENTIALS, RDS_CA_BUNDLE } from '../config/credentials';
import { PlatformConfig, RegionConfig } from '../config/schema';

export const ARGOCD_NAMESPACE = 'argocd';
export const IN_CLUSTER = 'https://kubernetes.default.svc';
/** Children deploy here; the root deploys the Argo CD objects themselves. */
export const PROJECTS = { bootstrap: 'securecart-bootstrap', shop: 'securecart' } as const;
/** The root Application of a region (app of apps). */
export const ROOT_APP = 'securecart-root';

/** The charts of a region in sync order, with their wave. */
export const WAVES = { platform: 0, data: 1, apps: 2, edge: 3 } as const;
export type WavedChart = keyof typeof WAVES;

/** The root Application's own wave: after every chart's. */
export const ROOT_WAVE = 10;

const ANNOTATIONS = { wave: 'argocd.argoproj.io/sync-wave', syncOptions: 'argocd.argoproj.io/sync-options' } as const;

/** Retry with backoff: transient API errors and CRDs that are not there yet heal by themselves. */
const RETRY = { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } } as const;

export type K8s = { apiVersion: string; kind: string; metadata: Record<string, unknown>; spec: Record<string, unknown> };

/** Where the argocd/ tree of a region lives in the repository. */
export function argocdPath(region: string): string {
  return `argocd/${region}`;
}

/** Where the manifests of a region live in the repository. */
export function manifestsPath(region: string): string {
  return `manifests/${region}`;
}

/**
 * The project of the root Application: it may only put Argo CD Applications and AppProjects into the
 * argocd namespace, from this repository.
 */
export function bootstrapProject(config: PlatformConfig): K8s {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: PROJECTS.bootstrap, namespace: ARGOCD_NAMESPACE },
    spec: {
      description: 'SecureCart app of apps: the Argo CD objects of this region, from git',
      sourceRepos: [config.gitops.repoUrl],
      destinations: [{ server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [
        { group: 'argoproj.io', kind: 'Application' },
        { group: 'argoproj.io', kind: 'AppProject' },
      ],
      orphanedResources: { warn: true },
    },
  };
}

/**
 * The root Application: syncs argocd/<region> (the projects and the child Applications, itself
 * included). No resources finalizer, on purpose: deleting the root leaves every child and every
 * resource in place; removing anything takes a deliberate act.
 */
export function rootApplication(config: PlatformConfig, region: string): K8s {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    // The root manages itself. Its own health is the worst of its children's, so as a wave-0 task it
    // would fail every sync of the root while any child is Degraded, and a fix to another child could
    // not be applied. In the last wave it is applied after the children and, being last, never
    // waited on (gitops-engine pkg/sync/sync_context.go: the last wave is not health-checked).
    metadata: { name: ROOT_APP, namespace: ARGOCD_NAMESPACE, annotations: { [ANNOTATIONS.wave]: String(ROOT_WAVE) } },
    spec: {
      project: PROJECTS.bootstrap,
      source: { repoURL: config.gitops.repoUrl, targetRevision: config.gitops.targetRevision, path: argocdPath(region), directory: { recurse: false } },
      destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
      syncPolicy: {
        // Prune stays off at the root: a child Application removed from git is reported, not deleted.
        automated: { prune: false, selfHeal: true },
        syncOptions: ['ServerSideApply=true'],
        retry: RETRY,
      },
    },
  };
}

/**
 * The project of the shop's Applications: this repository only, into the shop's namespace on this
 * cluster, with cluster-scoped kinds limited to what the charts render (the namespace and Karpenter
 * pools) and namespaced kinds limited to `namespacedKinds`.
 */
export function shopProject(config: PlatformConfig, namespacedKinds: Array<{ group: string; kind: string }>): K8s {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: PROJECTS.shop, namespace: ARGOCD_NAMESPACE },
    spec: {
      description: 'SecureCart: the shop of this region, from git',
      sourceRepos: [config.gitops.repoUrl],
      destinations: [{ server: IN_CLUSTER, namespace: config.namespace }],
      clusterResourceWhitelist: [
        { group: '', kind: 'Namespace' },
        { group: 'karpenter.sh', kind: 'NodePool' },
      ],
      namespaceResourceWhitelist: namespacedKinds,
      // Warn about objects in the shop's namespace that nothing in git describes, except those other
      // controllers own by design and create without an owner reference (Argo CD only counts objects
      // without one: controller/cache orphaned-resource logic, v3.4): the credential Secrets External
      // Secrets writes (creationPolicy Orphan), the ExternalSecrets its ClusterExternalSecrets stamp out,
      // the VPC CNI network policy agent's PolicyEndpoints and the load balancer controller's
      // TargetGroupBindings. An empty group is the core group only.
      orphanedResources: {
        warn: true,
        ignore: [
          ...[...syncedSecretNames].sort().map((name) => ({ group: '', kind: 'Secret', name })),
          { group: 'external-secrets.io', kind: 'ExternalSecret' },
          { group: 'networking.k8s.aws', kind: 'PolicyEndpoint' },
          { group: 'elbv2.k8s.aws', kind: 'TargetGroupBinding' },
        ],
      },
    },
  };
}

/** The Secrets External Secrets keeps in the shop's namespace (cluster/addons/credentials-sync). */
const syncedSecretNames = new Set<string>([...Object.values(CREDENTIALS).map((c) => c.kubernetesSecret), RDS_CA_BUNDLE.kubernetesSecret]);

/**
 * The Application of one chart of a region. Automated sync with prune and self-heal (objects that
 * hold data opt out of prune and delete themselves), never allowEmpty, server-side apply, HPA-owned
 * replicas ignored. `Prune=false` on the Application itself and no resources finalizer: the root
 * never deletes it, and deleting it never cascades to its resources.
 */
export function chartApplication(config: PlatformConfig, region: RegionConfig, chart: WavedChart): K8s {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `securecart-${chart}`,
      namespace: ARGOCD_NAMESPACE,
      annotations: { [ANNOTATIONS.wave]: String(WAVES[chart]), [ANNOTATIONS.syncOptions]: 'Prune=false' },
    },
    spec: {
      project: PROJECTS.shop,
      source: {
        repoURL: config.gitops.repoUrl,
        targetRevision: config.gitops.targetRevision,
        path: manifestsPath(region.name),
        directory: { recurse: false, include: `${chart}.yaml` },
      },
      // The namespace is rendered by the platform chart: no CreateNamespace anywhere.
      destination: { server: IN_CLUSTER, namespace: config.namespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true', 'RespectIgnoreDifferences=true', 'PruneLast=true', 'FailOnSharedResource=true'],
        retry: RETRY,
      },
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
    },
  };
}
