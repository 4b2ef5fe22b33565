/**
 * A model of Argo CD v3.4.4 (chart argo-cd 10.1.x) for the first-install walk (test/first-install.test.ts):
 * which health check a live object gets, the built-in checks it would otherwise use, how an
 * Application's health is aggregated, and how an app of apps syncs in waves, with retries.
 *
 * Every rule cites the upstream file it follows: argoproj/argo-cd at tag v3.4.4, whose gitops-engine/
 * folder holds gitops-engine. Only what our rendered objects exercise is modelled (no hooks, no
 * pruning, no wildcard overrides); the walk refuses anything outside that. Children may have sync
 * waves of their own (the apps chart applies its ScaledObjects after the Deployments).
 */
import type { K8sObject } from '../helpers';

// ---------------------------------------------------------------------------------------------
// Health codes
// ---------------------------------------------------------------------------------------------

/** Best to worst: gitops-engine/pkg/health/health.go:44-52 (healthOrder). */
export const HEALTH_ORDER = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'] as const;
export type HealthCode = (typeof HEALTH_ORDER)[number];
export type Health = { status: HealthCode; message?: string };

/** health.go:54-67 IsWorse. */
export function isWorse(current: HealthCode, next: HealthCode): boolean {
  return HEALTH_ORDER.indexOf(next) > HEALTH_ORDER.indexOf(current);
}

export function isHealthCode(s: unknown): s is HealthCode {
  return typeof s === 'string' && (HEALTH_ORDER as readonly string[]).includes(s);
}

// ---------------------------------------------------------------------------------------------
// Which check an object gets
// ---------------------------------------------------------------------------------------------

export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** The key Argo CD looks a live object up by: util/lua/lua.go:476-481 GetConfigMapKey ("<group>/<kind>", core kinds: "<kind>"). */
export function configMapKey(apiVersion: string, kind: string): string {
  const group = groupOf(apiVersion);
  return group === '' ? kind : `${group}/${kind}`;
}

/**
 * The health overrides argocd-cm defines, by override key: util/settings/settings.go:1104-1140
 * appendResourceOverridesFromSplitKeys splits `resource.customizations.health.<group_kind>` into 4
 * parts on "." (the group keeps its dots), and convertToOverrideKey (:1174-1182) turns "<group>_<kind>"
 * into "<group>/<kind>" and a lone "<kind>" into itself. So `..._Kind` (empty group) would give the key
 * "/Kind", which no object has: core kinds are written `resource.customizations.health.Kind`.
 */
export function healthOverrides(argocdCm: Record<string, string>): Map<string, string> {
  const overrides = new Map<string, string>();
  for (const [key, lua] of Object.entries(argocdCm)) {
    const [, , type, ...rest] = key.split('.');
    if (!key.startsWith('resource.customizations.') || type !== 'health' || rest.length === 0) continue;
    const groupKind = rest.join('.');
    const parts = groupKind.split('_');
    if (parts.length > 2 || groupKind === '') throw new Error(`argocd-cm key ${key}: Argo CD refuses it (convertToOverrideKey)`);
    const overrideKey = parts.length === 2 ? `${parts[0]}/${parts[1]}` : parts[0];
    if (overrideKey === 'all' || overrideKey.includes('*')) throw new Error(`argocd-cm key ${key}: wildcard overrides are not modelled`);
    overrides.set(overrideKey, lua);
  }
  return overrides;
}

/** A live object: as rendered, plus what the API server and controllers add. */
export type LiveObject = K8sObject & { metadata: K8sObject['metadata'] & { generation?: number; creationTimestamp?: string } };

export type BuiltInCheck = (obj: LiveObject) => Health;

export type HealthCheck =
  | { type: 'lua'; script: string; openLibs: boolean; source: string }
  | { type: 'builtin'; check: BuiltInCheck; source: string }
  | { type: 'none' };

/**
 * The check Argo CD uses for an object: gitops-engine/pkg/health/health.go:69-101 GetResourceHealth asks
 * the Lua overrides first and, only if they have nothing, the Go built-ins. The Lua side is
 * util/lua/lua.go:169-205 GetHealthScript: argocd-cm (run without open libraries unless
 * `useOpenLibs` says so; we set none), then the Lua shipped in resource_customizations/ (run with
 * all libraries). So a script in argocd-cm replaces the built-in check of its kind entirely.
 */
export function healthCheckFor(obj: K8sObject, overrides: Map<string, string>, goBuiltIns: Record<string, BuiltInCheck>): HealthCheck {
  const key = configMapKey(obj.apiVersion, obj.kind);
  const override = overrides.get(key);
  if (override) return { type: 'lua', script: override, openLibs: false, source: `argocd-cm ${key}` };
  const shipped = SHIPPED_CHECKS[key];
  if (shipped) return { type: 'builtin', check: shipped, source: `resource_customizations/${key}/health.lua (ported)` };
  const builtin = goBuiltIns[key];
  if (builtin) return { type: 'builtin', check: builtin, source: `gitops-engine built-in ${key}` };
  return { type: 'none' };
}

// ---------------------------------------------------------------------------------------------
// Built-in checks: the Lua Argo CD ships for our kinds, ported (v3.4.4). Ported rather than run, so
// that no upstream code lives in this repository; each port states the rule it follows.
// ---------------------------------------------------------------------------------------------

type ShippedCondition = { type: string; status: string; reason?: string; message?: string };

/**
 * resource_customizations/policy/PodDisruptionBudget/health.lua: no conditions -> Progressing; walking
 * the conditions in order, any with status False whose reason is not InsufficientPods -> Degraded at
 * once (argo-cd #20171: InsufficientPods has valid uses); otherwise Healthy.
 */
export function shippedPdbHealth(obj: LiveObject): Health {
  const conditions = (obj.status?.conditions ?? []) as ShippedCondition[];
  let health: Health = { status: 'Progressing', message: 'Waiting for status' };
  for (const c of conditions) {
    if (c.status === 'False' && c.reason !== 'InsufficientPods') return { status: 'Degraded', message: `PodDisruptionBudget has ${c.reason}` };
    health = { status: 'Healthy', message: `PodDisruptionBudget has ${c.reason}` };
  }
  return health;
}

/** resource_customizations/karpenter.sh/NodePool/health.lua: condition Ready False -> Degraded, True -> Healthy, else Progressing. */
export function shippedNodePoolHealth(obj: LiveObject): Health {
  const ready = ((obj.status?.conditions ?? []) as ShippedCondition[]).find((c) => c.type === 'Ready' && (c.status === 'False' || c.status === 'True'));
  if (ready?.status === 'False') return { status: 'Degraded', message: ready.message };
  if (ready?.status === 'True') return { status: 'Healthy', message: ready.message };
  return { status: 'Progressing', message: 'Waiting for NodePool to be ready' };
}

/**
 * resource_customizations/keda.sh/ScaledObject/health.lua: walking every condition, Ready False or
 * Fallback True -> Degraded (the last such condition's message), Ready True -> Healthy, or Suspended
 * when Paused is True too; else Progressing "Creating HorizontalPodAutoscaler Object".
 */
export function shippedScaledObjectHealth(obj: LiveObject): Health {
  let degraded = false;
  let healthy = false;
  let suspended = false;
  let message: string | undefined;
  for (const c of (obj.status?.conditions ?? []) as ShippedCondition[]) {
    if (c.type === 'Ready' && c.status === 'False') [degraded, message] = [true, c.message];
    if (c.type === 'Ready' && c.status === 'True') [healthy, message] = [true, c.message];
    if (c.type === 'Paused' && c.status === 'True') [suspended, message] = [true, c.message];
    if (c.type === 'Fallback' && c.status === 'True') [degraded, message] = [true, c.message];
  }
  if (degraded) return { status: 'Degraded', message };
  if (healthy) return { status: suspended ? 'Suspended' : 'Healthy', message };
  return { status: 'Progressing', message: 'Creating HorizontalPodAutoscaler Object' };
}

/** The checks Argo CD ships as Lua for the kinds we render, by override key (none of our other kinds has one at v3.4.4). */
export const SHIPPED_CHECKS: Record<string, BuiltInCheck> = {
  'policy/PodDisruptionBudget': shippedPdbHealth,
  'karpenter.sh/NodePool': shippedNodePoolHealth,
  'keda.sh/ScaledObject': shippedScaledObjectHealth,
};

// ---------------------------------------------------------------------------------------------
// Built-in checks: Go, ported
// ---------------------------------------------------------------------------------------------

type Condition = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string };

function conditionsOf(obj: LiveObject): Condition[] {
  return (obj.status?.conditions ?? []) as Condition[];
}

/** gitops-engine/pkg/health/health_deployment.go:28-70 (apps/v1). */
export function deploymentHealth(obj: LiveObject): Health {
  const spec = obj.spec ?? {};
  const status = obj.status ?? {};
  if (spec.paused) return { status: 'Suspended', message: 'Deployment is paused' };
  const generation: number = obj.metadata.generation ?? 0;
  const observed: number = status.observedGeneration ?? 0;
  if (generation > observed) return { status: 'Progressing', message: 'Waiting for rollout to finish: observed deployment generation less than desired generation' };
  const progressing = conditionsOf(obj).find((c) => c.type === 'Progressing');
  const updated: number = status.updatedReplicas ?? 0;
  const replicas: number = status.replicas ?? 0;
  const available: number = status.availableReplicas ?? 0;
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { status: 'Degraded', message: `Deployment "${obj.metadata.name}" exceeded its progress deadline` };
  if (spec.replicas !== undefined && updated < spec.replicas) {
    return { status: 'Progressing', message: `Waiting for rollout to finish: ${updated} out of ${spec.replicas} new replicas have been updated...` };
  }
  if (replicas > updated) return { status: 'Progressing', message: `Waiting for rollout to finish: ${replicas - updated} old replicas are pending termination...` };
  if (available < updated) return { status: 'Progressing', message: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...` };
  return { status: 'Healthy' };
}

/** gitops-engine/pkg/health/health_ingress.go:7-16. */
export function ingressHealth(obj: LiveObject): Health {
  const ingresses: unknown[] = obj.status?.loadBalancer?.ingress ?? [];
  return { status: ingresses.length > 0 ? 'Healthy' : 'Progressing' };
}

/** gitops-engine/pkg/health/health_service.go:28-38: only a LoadBalancer Service waits for its address. */
export function serviceHealth(obj: LiveObject): Health {
  if (obj.spec?.type !== 'LoadBalancer') return { status: 'Healthy' };
  return { status: (obj.status?.loadBalancer?.ingress ?? []).length > 0 ? 'Healthy' : 'Progressing' };
}

/** health_hpa.go:17-20: no matching condition. */
const HPA_WAITING: Health = { status: 'Progressing', message: 'Waiting to Autoscale' };

/** health_hpa.go isDegraded: matched on type and reason only, whatever the status. */
const HPA_DEGRADED_V34 = ['AbleToScale/FailedGetScale', 'AbleToScale/FailedUpdateScale', 'ScalingActive/FailedGetResourceMetric', 'ScalingActive/InvalidSelector'];
const HPA_DEGRADED_V35 = [
  ...HPA_DEGRADED_V34,
  'ScalingActive/FailedGetObjectMetric',
  'ScalingActive/FailedGetPodsMetric',
  'ScalingActive/FailedGetExternalMetric',
  'ScalingActive/FailedComputeMetricsReplicas',
];
/** health_hpa.go isHealthy: AbleToScale or ScalingLimited True. */
const hpaConditionHealthy = (c: Condition) => (c.type === 'AbleToScale' || c.type === 'ScalingLimited') && c.status === 'True';

/**
 * v3.4.4 gitops-engine/pkg/health/health_hpa.go:132-175 checkConditions: the first condition that is
 * either degraded or healthy decides, in the order the controller wrote them.
 */
export function hpaHealthV34(obj: LiveObject): Health {
  for (const c of conditionsOf(obj)) {
    if (HPA_DEGRADED_V34.includes(`${c.type}/${c.reason}`)) return { status: 'Degraded', message: c.message };
    if (hpaConditionHealthy(c)) return { status: 'Healthy', message: c.message };
  }
  return HPA_WAITING;
}

/** v3.5.1 health_hpa.go:86-125 (argo-cd #26274): any degraded condition first, then any healthy one. */
export function hpaHealthV35(obj: LiveObject): Health {
  const conditions = conditionsOf(obj);
  const degraded = conditions.find((c) => HPA_DEGRADED_V35.includes(`${c.type}/${c.reason}`));
  if (degraded) return { status: 'Degraded', message: degraded.message };
  const healthy = conditions.find(hpaConditionHealthy);
  if (healthy) return { status: 'Healthy', message: healthy.message };
  return HPA_WAITING;
}

/**
 * The Go built-ins of the kinds we render, by override key: health.go:103-152 GetHealthCheckFunc at
 * v3.4.4. Namespace, NetworkPolicy, ConfigMap, ServiceAccount and AppProject have none.
 */
export const GO_BUILTINS_V344: Record<string, BuiltInCheck> = {
  'apps/Deployment': deploymentHealth,
  'networking.k8s.io/Ingress': ingressHealth,
  Service: serviceHealth,
  'autoscaling/HorizontalPodAutoscaler': hpaHealthV34,
};

/** The same with v3.5's HPA check, for the negative control. */
export const GO_BUILTINS_V35_HPA: Record<string, BuiltInCheck> = { ...GO_BUILTINS_V344, 'autoscaling/HorizontalPodAutoscaler': hpaHealthV35 };

// ---------------------------------------------------------------------------------------------
// Application health
// ---------------------------------------------------------------------------------------------

export type ManagedResource = {
  /** The resource exists in the cluster. */
  live: boolean;
  /** Its health; null when its kind has no health check. */
  health: Health | null;
  /** An Argo CD Application. */
  isApplication: boolean;
  /** The Application whose health this is, managing itself. */
  isSelf: boolean;
};

/**
 * controller/health.go:20-104 setApplicationHealth: start Healthy and keep the worst; skip the app
 * itself (:51-54), resources without health (:64-66), missing resources (:75-78), and child
 * Applications that are Missing or Unknown (:80-83); Missing when none of the expected resources exists (:90-93).
 */
export function applicationHealth(resources: ManagedResource[]): HealthCode {
  let worst: HealthCode = 'Healthy';
  for (const r of resources) {
    if (!r.live) continue; // Missing, which never counts (:48-49, :75-78)
    if (r.isSelf || r.health === null) continue;
    if (r.isApplication && (r.health.status === 'Missing' || r.health.status === 'Unknown')) continue;
    if (isWorse(worst, r.health.status)) worst = r.health.status;
  }
  if (resources.length > 0 && !resources.some((r) => r.live) && isWorse(worst, 'Missing')) worst = 'Missing';
  return worst;
}

// ---------------------------------------------------------------------------------------------
// Sync waves and retries
// ---------------------------------------------------------------------------------------------

export const WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** gitops-engine/pkg/sync/syncwaves/waves.go Wave: the annotation, else 0 (no Helm hook weights here). */
export function waveOf(obj: K8sObject): number {
  const text = obj.metadata.annotations?.[WAVE_ANNOTATION];
  const wave = text === undefined ? NaN : Number.parseInt(text, 10);
  return Number.isNaN(wave) ? 0 : wave;
}

export type RetryStrategy = { limit: number; backoff: { duration: string; factor: number; maxDuration: string } };

/** Argo CD durations: "10s", "5m", "1h" (a bare number is seconds). */
export function seconds(duration: string): number {
  const m = /^(\d+)([smh]?)$/.exec(duration);
  if (!m) throw new Error(`duration ${duration} is not modelled`);
  return Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600 } as Record<string, number>)[m[2]];
}

/**
 * How long after a failed attempt the next one starts. controller/appcontroller.go:1538-1549 bumps
 * RetryCount when the attempt fails; the retry waits until NextRetryAt(finishedAt, RetryCount)
 * (:1468), i.e. duration x factor^RetryCount capped at maxDuration (pkg/apis/application/v1alpha1/
 * types.go:1535-1563). With 10s x 2: 20 s, 40 s, 80 s, 160 s, then 5 min.
 */
export function retryDelay(retry: RetryStrategy, retryCount: number): number {
  return Math.min(seconds(retry.backoff.duration) * retry.backoff.factor ** retryCount, seconds(retry.backoff.maxDuration));
}

/** The objects of an app of apps: the root's (itself included) and each child Application's. */
export interface AppOfApps {
  rootName: string;
  /** What the root syncs (argocd/<region>/*.yaml). */
  rootObjects: K8sObject[];
  /** What each child Application syncs, by Application name. */
  childObjects: Record<string, K8sObject[]>;
}

/** How the cluster and Argo CD's checks judge objects; the walk asks, it never computes health itself. */
export interface HealthOracle {
  /** A child's resource, `age` seconds after the child's sync created it; null: no health check. */
  childResource(child: string, obj: K8sObject, age: number): Health | null;
  /** One of the root's objects whose status.health.status is `appStatus` (Applications; undefined: no status yet). */
  rootResource(obj: K8sObject, appStatus: HealthCode | undefined): Health | null;
}

export interface WalkOptions {
  /** Seconds between two reconciliations of the application controller. */
  step: number;
  /** When the walk gives up, in seconds. */
  horizon: number;
  /** Seconds from a child Application's creation to the end of its own automated sync. */
  childSyncDelay: number;
}

type TaskState = 'Pending' | 'Running' | 'Succeeded' | 'Failed';
type Task = { obj: K8sObject; name: string; wave: number; state: TaskState; message?: string };

export interface SyncAttempt {
  number: number;
  startedAt: number;
  finishedAt?: number;
  phase: 'Running' | 'Succeeded' | 'Failed';
  message?: string;
  /** Waves this attempt applied, in order. */
  wavesApplied: number[];
  /** The wave whose tasks failed, and which tasks, with the health message. */
  failedWave?: number;
  failedTasks: Array<{ name: string; message?: string }>;
}

export interface WalkResult {
  attempts: SyncAttempt[];
  /** When each wave was first applied. */
  waveAppliedAt: Record<number, number>;
  childCreatedAt: Record<string, number>;
  /** When each child's own sync first applied its first wave. */
  childSyncedAt: Record<string, number>;
  /** When each child's own sync first applied each of its waves. */
  childWaveAppliedAt: Record<string, Record<number, number>>;
  /** Each child's own sync attempts that failed (a Degraded object in a wave it waited on). */
  childFailedAttempts: Record<string, number[]>;
  /** When each child object was created (absent: never). */
  objectCreatedAt: Map<K8sObject, number>;
  /** Each child Application's status.health.status at every step (undefined: absent or no status yet). */
  childHealth: Record<string, Array<HealthCode | undefined>>;
  /** When the root's operation had succeeded and every child was Healthy; undefined if never. */
  allHealthyAt?: number;
  end: number;
  log: string[];
}

/**
 * Walks an app of apps from an empty cluster: the root's automated sync applies its waves
 * (sync_context.go:480-706 Sync, called at every step while the operation runs), each child's own
 * automated sync starts `childSyncDelay` after it is created and applies the child's waves the same
 * way (the next once every object of the earlier ones is Healthy; a Degraded one fails the attempt,
 * retried with the child's backoff, objects kept), and health is what the oracle says at each step.
 */
export function walk(apps: AppOfApps, oracle: HealthOracle, options: WalkOptions): WalkResult {
  const { step, horizon, childSyncDelay } = options;
  const root = apps.rootObjects.find((o) => o.kind === 'Application' && o.metadata.name === apps.rootName);
  if (!root) throw new Error(`the root Application ${apps.rootName} is not among the root's objects`);
  const retry = root.spec.syncPolicy.retry as RetryStrategy;
  const children = apps.rootObjects.filter((o) => o.kind === 'Application' && o.metadata.name !== apps.rootName);
  for (const c of children) if (!apps.childObjects[c.metadata.name]) throw new Error(`no objects for child ${c.metadata.name}`);
  for (const o of apps.rootObjects) if (o.kind !== 'Application' && o.kind !== 'AppProject') throw new Error(`root object ${o.kind} is not modelled`);
  const lastWave = Math.max(...apps.rootObjects.map(waveOf));
  const multiStep = Math.min(...apps.rootObjects.map(waveOf)) !== lastWave; // sync_tasks.go:274-276

  const result: WalkResult = {
    attempts: [],
    waveAppliedAt: {},
    childCreatedAt: {},
    childSyncedAt: {},
    childWaveAppliedAt: {},
    childFailedAttempts: {},
    objectCreatedAt: new Map(),
    childHealth: {},
    end: 0,
    log: [],
  };
  for (const c of children) {
    result.childHealth[c.metadata.name] = [];
    result.childWaveAppliedAt[c.metadata.name] = {};
    result.childFailedAttempts[c.metadata.name] = [];
  }
  const log = (t: number, line: string) => result.log.push(`${(t / 60).toFixed(2).padStart(6)} min  ${line}`);

  /** A child Application's status.health.status at t: none before the controller first reconciles it. */
  const childStatus = (name: string, t: number): HealthCode | undefined => {
    const created = result.childCreatedAt[name];
    if (created === undefined || t - created < step) return undefined;
    return applicationHealth(
      apps.childObjects[name].map((obj) => {
        const created = result.objectCreatedAt.get(obj);
        const live = created !== undefined;
        return { live, health: live ? oracle.childResource(name, obj, t - created) : null, isApplication: obj.kind === 'Application', isSelf: false };
      }),
    );
  };
  /** The root's own status.health.status: its children as its Application check sees them. */
  const rootStatus = (t: number): HealthCode =>
    applicationHealth(
      apps.rootObjects.map((obj) => {
        const name = obj.metadata.name;
        const isSelf = obj === root;
        const isChild = obj.kind === 'Application' && !isSelf;
        const live = !isChild || result.childCreatedAt[name] !== undefined;
        return { live, health: live && !isSelf ? oracle.rootResource(obj, isChild ? childStatus(name, t) : undefined) : null, isApplication: obj.kind === 'Application', isSelf };
      }),
    );
  const taskHealth = (task: Task, t: number): Health | null =>
    oracle.rootResource(task.obj, task.obj === root ? rootStatus(t) : task.obj.kind === 'Application' ? childStatus(task.name, t) : undefined);

  let attempt: SyncAttempt | undefined;
  let tasks: Task[] = [];
  let retryCount = 0;
  let nextAttemptAt: number | undefined = 0;

  const finish = (t: number, phase: 'Succeeded' | 'Failed', message: string) => {
    attempt!.phase = phase;
    attempt!.finishedAt = t;
    attempt!.message = message;
    log(t, `root sync attempt #${attempt!.number}: ${phase}: ${message}`);
    if (phase === 'Failed') {
      if (retryCount < retry.limit) {
        retryCount++;
        nextAttemptAt = t + retryDelay(retry, retryCount);
        log(t, `  retry #${retryCount} at ${(nextAttemptAt / 60).toFixed(2)} min`);
      } else {
        nextAttemptAt = undefined;
        log(t, '  retries exhausted');
      }
    }
  };

  /** One call of sync_context.go Sync() for the root's running operation. */
  const sync = (t: number) => {
    // :525-556 running tasks take their health: none or Healthy -> Succeeded, Degraded -> Failed, else still running.
    for (const task of tasks.filter((k) => k.state === 'Running')) {
      const health = taskHealth(task, t);
      if (health === null || health.status === 'Healthy') {
        task.state = 'Succeeded';
      } else if (health.status === 'Degraded') {
        task.state = 'Failed';
        task.message = health.message;
      }
    }
    // :558-582 multi-step operations wait for their running tasks.
    if (multiStep && tasks.some((k) => k.state === 'Running')) return;
    // :619-625 a completed but unsuccessful task fails the operation.
    const failed = tasks.filter((k) => k.state === 'Failed');
    if (failed.length > 0) {
      attempt!.failedWave = failed[0].wave;
      attempt!.failedTasks = failed.map((k) => ({ name: k.name, message: k.message }));
      return finish(t, 'Failed', `one or more synchronization tasks completed unsuccessfully (wave ${failed[0].wave}: ${failed.map((k) => `${k.name} ${k.message ?? ''}`.trim()).join(', ')})`);
    }
    // :628-642 nothing left to do.
    const pending = tasks.filter((k) => k.state === 'Pending');
    if (pending.length === 0) return finish(t, 'Succeeded', 'successfully synced (no more tasks)');
    // :644-649 the next wave; :654 runTasks applies it, and applied tasks are Running (:1549-1550).
    const wave = Math.min(...pending.map((k) => k.wave));
    const applying = pending.filter((k) => k.wave === wave);
    for (const task of applying) {
      task.state = 'Running';
      if (task.obj.kind === 'Application' && task.obj !== root && result.childCreatedAt[task.name] === undefined) {
        result.childCreatedAt[task.name] = t;
        log(t, `  created Application ${task.name}`);
      }
    }
    // (controller/sync.go:550-562 then sleeps 2 s before the next wave: within one step.)
    attempt!.wavesApplied.push(wave);
    if (result.waveAppliedAt[wave] === undefined) result.waveAppliedAt[wave] = t;
    log(t, `root sync attempt #${attempt!.number}: applied wave ${wave} (${applying.map((k) => k.name).join(', ')})`);
    // :688-700 the last wave is not waited for: the operation succeeds once it is applied.
    if (pending.length === applying.length) finish(t, 'Succeeded', 'successfully synced (all tasks run)');
  };

  // Each child's own automated sync, in the child's waves (the same Sync() rules as the root's).
  type ChildSync = { waves: number[]; next: number; running: boolean; retryCount: number; nextAttemptAt?: number; done: boolean };
  const childSyncs = new Map<string, ChildSync>(
    children.map((c) => [c.metadata.name, { waves: [...new Set(apps.childObjects[c.metadata.name].map(waveOf))].sort((a, b) => a - b), next: 0, running: false, retryCount: 0, done: false }]),
  );
  const applyChildWave = (name: string, sync: ChildSync, t: number) => {
    const wave = sync.waves[sync.next];
    const objects = apps.childObjects[name].filter((o) => waveOf(o) === wave);
    const created = objects.filter((o) => !result.objectCreatedAt.has(o));
    for (const o of created) result.objectCreatedAt.set(o, t);
    if (result.childWaveAppliedAt[name][wave] === undefined) result.childWaveAppliedAt[name][wave] = t;
    if (result.childSyncedAt[name] === undefined) result.childSyncedAt[name] = t;
    log(t, `  ${name} applied its wave ${wave} (${objects.length} objects, ${created.length} new)`);
    sync.next++;
    // :688-700 the last wave is not waited for.
    if (sync.next === sync.waves.length) {
      sync.running = false;
      sync.done = true;
    }
  };
  const syncChild = (c: K8sObject, t: number) => {
    const name = c.metadata.name;
    const sync = childSyncs.get(name)!;
    if (sync.done || result.childCreatedAt[name] === undefined || t - result.childCreatedAt[name] < childSyncDelay) return;
    if (!sync.running) {
      if (sync.nextAttemptAt !== undefined && t < sync.nextAttemptAt) return;
      if (sync.retryCount > (c.spec.syncPolicy.retry as RetryStrategy).limit) return;
      sync.running = true;
      sync.next = 0;
      return applyChildWave(name, sync, t);
    }
    // The waves applied so far in this attempt: all Healthy (or without health) -> the next wave;
    // one Degraded -> the attempt fails; else wait.
    const applied = apps.childObjects[name].filter((o) => sync.waves.indexOf(waveOf(o)) < sync.next);
    const healths = applied.map((o) => oracle.childResource(name, o, t - result.objectCreatedAt.get(o)!));
    if (healths.some((h) => h?.status === 'Degraded')) {
      sync.running = false;
      sync.retryCount++;
      sync.nextAttemptAt = t + retryDelay(c.spec.syncPolicy.retry as RetryStrategy, sync.retryCount);
      result.childFailedAttempts[name].push(t);
      log(t, `  ${name} sync attempt failed at its wave ${sync.waves[sync.next - 1]}; retry at ${(sync.nextAttemptAt / 60).toFixed(2)} min`);
      return;
    }
    if (healths.every((h) => h === null || h.status === 'Healthy')) applyChildWave(name, sync, t);
  };

  for (let t = 0; t <= horizon; t += step) {
    result.end = t;
    for (const c of children) syncChild(c, t);
    for (const c of children) result.childHealth[c.metadata.name].push(childStatus(c.metadata.name, t));

    // The root's automated sync, and its retries.
    if (attempt?.phase !== 'Running' && nextAttemptAt !== undefined && t >= nextAttemptAt) {
      attempt = { number: result.attempts.length + 1, startedAt: t, phase: 'Running', wavesApplied: [], failedTasks: [] };
      result.attempts.push(attempt);
      tasks = apps.rootObjects.map((obj) => ({ obj, name: obj.metadata.name, wave: waveOf(obj), state: 'Pending' as TaskState }));
      nextAttemptAt = undefined;
    }
    if (attempt?.phase === 'Running') sync(t);

    const everyChildHealthy = children.every((c) => childStatus(c.metadata.name, t) === 'Healthy');
    if (attempt?.phase === 'Succeeded' && everyChildHealthy) {
      result.allHealthyAt = t;
      log(t, 'every child Application is Healthy');
      break;
    }
  }
  return result;
}
