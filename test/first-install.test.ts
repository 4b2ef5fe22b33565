/**
 * Walks a first install from an empty cluster through every wave with realistic status sequences,
 * through the real Lua, to Healthy.
 *
 * The objects are the rendered ones (argocd/us-east-1/*.yaml, manifests/us-east-1/*.yaml). Each kind
 * gets a status timeline, counted from the moment its Application's sync creates it (CLUSTER below).
 * Health comes from the check Argo CD v3.4.4 would pick (test/support/argocd-model.ts healthCheckFor):
 * our argocd-cm Lua and the Lua Argo CD ships run in the Lua VM (test/support/run-lua.ts, Argo CD's
 * restricted libraries for argocd-cm scripts), the Go built-ins through their TypeScript ports. All Lua
 * evaluations of all walks are gathered first and run in one child process.
 *
 * The apps Application applies its ScaledObjects in a wave after its Deployments (charts/constructs/
 * highly-available-service.ts SCALED_OBJECT_SYNC_WAVE): until then each Deployment runs the one replica
 * the API server defaults, then the HPA KEDA makes scales it to its floor. When that happens depends on
 * the walk (the Deployments must be Healthy first), and the Deployments' timelines depend on it: the
 * walk is run once with the ScaledObjects never applied, which fixes when they are, then again with
 * that time, and must agree with itself.
 *
 * No HPA is rendered: KEDA makes them from the ScaledObjects, as their children, which Argo CD neither
 * compares nor judges; the ScaledObjects' health carries what the HPAs' did (the HPA check of ours is
 * still registered, for any HPA git may render again: test/argocd-health.test.ts).
 *
 * Walks: ours; Argo CD's own ScaledObject check instead of ours; and ours with a metrics-server that
 * never answers.
 */
import * as path from 'path';
import { ROOT_APP, ROOT_WAVE } from '../charts/gitops';
import { SCALED_OBJECT_SYNC_WAVE } from '../charts/constructs/highly-available-service';
import { healthCustomizations, HPA_METRICS_GRACE_SECONDS, KEDA_FIRST_HPA_CHECK_SECONDS } from '../cluster/addons/gitops-bootstrap/health-checks';
import { K8sObject, parseDocs, readTree, ROOT } from './helpers';
import {
  AppOfApps,
  BuiltInCheck,
  GO_BUILTINS_V344,
  Health,
  HEALTH_ORDER,
  HealthCheck,
  healthCheckFor,
  HealthCode,
  HealthOracle,
  healthOverrides,
  isHealthCode,
  LiveObject,
  walk,
  WalkResult,
  waveOf,
} from './support/argocd-model';
import { LuaCase, runLua } from './support/run-lua';

const REGION = 'us-east-1';
/** Seconds between two reconciliations of the application controller in the walk. */
const STEP = 15;
/** How long a walk may take: past the slowest walk that settles (~31 min) and the first failure for missing metrics (~32 min). */
const HORIZON = 45 * 60;
/** From a child Application's creation to the end of its own automated sync (refresh, manifests, apply). */
const CHILD_SYNC_DELAY = 15;
/** Every object is created at EPOCH in the evaluations; only its age matters (now = EPOCH + age). */
const EPOCH = Date.parse('2030-01-01T00:00:00Z') / 1000;
const at = (age: number) => new Date((EPOCH + age) * 1000).toISOString().replace('.000Z', 'Z');

// ---------------------------------------------------------------------------------------------
// The rendered objects
// ---------------------------------------------------------------------------------------------

/** What the root syncs: every file of argocd/<region>/. */
const rootObjects = Object.values(readTree(path.join(ROOT, 'argocd', REGION))).flatMap(parseDocs);
/** What a child syncs: the file its source includes (manifests/<region>/<chart>.yaml). */
const childManifests = (app: K8sObject): K8sObject[] => {
  const text = readTree(path.join(ROOT, app.spec.source.path))[app.spec.source.directory.include];
  if (text === undefined) throw new Error(`${app.metadata.name}: no ${app.spec.source.path}/${app.spec.source.directory.include}`);
  return parseDocs(text);
};
const APPS: AppOfApps = {
  rootName: ROOT_APP,
  rootObjects,
  childObjects: Object.fromEntries(rootObjects.filter((o) => o.kind === 'Application' && o.metadata.name !== ROOT_APP).map((app) => [app.metadata.name, childManifests(app)])),
};
const childrenByWave = Object.keys(APPS.childObjects).sort(
  (a, b) => waveOf(rootObjects.find((o) => o.metadata.name === a)!) - waveOf(rootObjects.find((o) => o.metadata.name === b)!),
);
const allChildObjects = Object.values(APPS.childObjects).flat();
/** The HPAs rendered as such (the trace collector's); the shop's are KEDA's, made from its ScaledObjects. */
const hpas = allChildObjects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
const scaledObjects = allChildObjects.filter((o) => o.kind === 'ScaledObject');
/** The floor of each Deployment: its HPA's minReplicas, or its ScaledObject's minReplicaCount. */
const MIN_REPLICAS: Record<string, number> = Object.fromEntries([
  ...hpas.map((h) => [h.spec.scaleTargetRef.name, h.spec.minReplicas]),
  ...scaledObjects.map((so) => [so.spec.scaleTargetRef.name, so.spec.minReplicaCount]),
]);
/** Deployments scaled through a ScaledObject (their HPA appears only once the ScaledObject does). */
const KEDA_SCALED = new Set<string>(scaledObjects.map((so) => so.spec.scaleTargetRef.name));

// ---------------------------------------------------------------------------------------------
// The cluster: what each kind's status says, `age` seconds after its Application's sync created it
// ---------------------------------------------------------------------------------------------

type Metrics = 'arrive' | 'never';
/**
 * What a timeline depends on: whether metrics ever arrive, and how old the Deployments are when the
 * apps Application's sync creates their ScaledObjects (Infinity: never).
 */
type Timing = { metrics: Metrics; scaledAt: number };
type Cond = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string };
const cond = (type: string, status: string, reason: string | undefined, message: string | undefined, since: number): Cond => ({
  type,
  status,
  ...(reason !== undefined ? { reason } : {}),
  ...(message !== undefined ? { message } : {}),
  lastTransitionTime: at(since),
});
/** Seconds, by object name where they differ. Within what the issue describes for an empty cluster. */
const CLUSTER = {
  /** Karpenter resolves the NodePool's EC2NodeClass. */
  nodePoolReady: 30,
  /** When an ACK controller first writes status. */
  ackFirstStatus: 10,
  /** DBSubnetGroup, DBClusterParameterGroup, CacheSubnetGroup: a single quick API call. */
  ackQuick: 20,
  /** DBCluster and DBInstance race what they reference, and retry (ACK.Recoverable) this long. */
  ackRecoverableUntil: 45,
  /** The AWS resources that take 15-20 min on an empty account. */
  ackReady: {
    GlobalCluster: { orders: 15 * 60, catalog: 15.5 * 60 },
    DBCluster: { orders: 16 * 60, catalog: 16.5 * 60 },
    DBInstance: { 'orders-1': 18 * 60, 'orders-2': 19 * 60, 'catalog-1': 18.5 * 60, 'catalog-2': 20 * 60 },
    ReplicationGroup: { 'checkout-redis': 17 * 60 },
  } as Record<string, Record<string, number>>,
  /** The HPA controller's first sync of a new HPA (it enqueues new HPAs with its 15 s resync delay): rescale 1 -> minReplicas. */
  hpaFirstSync: 20,
  /** All pods of a Deployment Ready (node from Karpenter, image pull, start: JVMs take longest); the first pod 15 s earlier. */
  podsReady: { ui: 150, catalog: 75, carts: 180, orders: 180, checkout: 90, 'trace-collector': 60 } as Record<string, number>,
  /** From pods Ready to the HPA's first valid metric: one metric window after readiness, a scrape, an HPA sync. */
  metricsAfterReady: { ui: 90, catalog: 60, carts: 120, orders: 105, checkout: 75, 'trace-collector': 60 } as Record<string, number>,
  /** The ALB of the ingress group gets its DNS name. */
  loadBalancer: 120,
  /**
   * KEDA reads its HPA's ScalingActive only from a minute after it made the HPA, then on its 30 s
   * loop, and copies a False into Ready=False HPAMetricsUnavailable (kedacore/keda v2.20.1
   * pkg/scaling/executor/scale_scaledobjects.go:37-38, 120-173).
   */
  kedaHpaGrace: 60,
};

// The HPA controller's messages (kubernetes pkg/controller/podautoscaler/horizontal.go, replica_calculator.go).
const CPU_UNAVAILABLE = 'the HPA was unable to compute the replica count: failed to get cpu utilization: ';
const NO_METRICS_YET = `${CPU_UNAVAILABLE}unable to get metrics for resource cpu: no metrics returned from resource metrics API`;
const PODS_MIGHT_BE_UNREADY = `${CPU_UNAVAILABLE}did not receive metrics for targeted pods (pods might be unready)`;
const METRICS_API_DOWN = `${CPU_UNAVAILABLE}unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)`;

const readyAfter = (table: Record<string, number>, name: string): number => {
  if (table[name] === undefined) throw new Error(`no timeline for ${name}`);
  return table[name];
};
/** When the HPA of `name` exists, as the Deployment's age: with it, or with its ScaledObject. */
const hpaCreatedAt = (name: string, timing: Timing): number => (KEDA_SCALED.has(name) ? timing.scaledAt : 0);
/** When that HPA's first sync raises the Deployment from the API server's 1 replica to its floor. */
const rescaleAt = (name: string, timing: Timing): number => hpaCreatedAt(name, timing) + CLUSTER.hpaFirstSync;
/** Available pods of a Deployment: the first (created with the Deployment) 15 s before the others would be, then those the HPA adds. */
const availablePods = (name: string, age: number, timing: Timing): number =>
  (age >= readyAfter(CLUSTER.podsReady, name) - 15 ? 1 : 0) + (age >= hpaCreatedAt(name, timing) + CLUSTER.podsReady[name] ? MIN_REPLICAS[name] - 1 : 0);
/**
 * When the HPA of `name` first computes a replica count from metrics, as the Deployment's age. An HPA
 * made with its Deployment waits for all its pods; one KEDA makes later finds the first pod's samples
 * already there (the HPA ignores pods that are not ready), after its own first syncs.
 */
const metricsAt = (name: string, timing: Timing): number => {
  if (timing.metrics === 'never') return Infinity;
  const ready = readyAfter(CLUSTER.podsReady, name);
  const afterReady = readyAfter(CLUSTER.metricsAfterReady, name);
  if (!KEDA_SCALED.has(name)) return ready + afterReady;
  return Math.max(timing.scaledAt + CLUSTER.hpaFirstSync + STEP, ready - 15 + afterReady);
};

function nodePoolStatus(age: number): object | undefined {
  if (age === 0) return undefined;
  if (age < CLUSTER.nodePoolReady) {
    return {
      conditions: [
        cond('ValidationSucceeded', 'True', 'ValidationSucceeded', '', 1),
        cond('NodeClassReady', 'Unknown', 'AwaitingReconciliation', 'object is awaiting reconciliation', 1),
        cond('Ready', 'Unknown', 'UnhealthyDependents', 'NodeClassReady=Unknown', 1),
      ],
    };
  }
  return {
    conditions: [
      cond('ValidationSucceeded', 'True', 'ValidationSucceeded', '', 1),
      cond('NodeClassReady', 'True', 'NodeClassReady', '', CLUSTER.nodePoolReady),
      cond('Ready', 'True', 'Ready', '', CLUSTER.nodePoolReady),
    ],
  };
}

/** ACK: no status, then ACK.ResourceSynced False (after ACK.Recoverable for what races its references), then Ready True. */
function ackStatus(obj: K8sObject, age: number): object | undefined {
  const slow = CLUSTER.ackReady[obj.kind];
  const ready = slow ? readyAfter(slow, obj.metadata.name) : CLUSTER.ackQuick;
  if (age < CLUSTER.ackFirstStatus) return undefined;
  if (age >= ready) return { conditions: [cond('Ready', 'True', undefined, 'Resource synced successfully', ready)] };
  const notSynced = cond('ACK.ResourceSynced', 'False', undefined, 'Resource not synced', CLUSTER.ackFirstStatus);
  if ((obj.kind === 'DBCluster' || obj.kind === 'DBInstance') && age < CLUSTER.ackRecoverableUntil) {
    const fault = obj.kind === 'DBCluster' ? `GlobalClusterNotFoundFault: ${obj.spec.globalClusterIdentifier}` : `DBClusterNotFoundFault: ${obj.spec.dbClusterIdentifier}`;
    return { conditions: [notSynced, cond('ACK.Recoverable', 'True', undefined, fault, CLUSTER.ackFirstStatus)] };
  }
  return { conditions: [notSynced] };
}

/**
 * FieldExport: the ACK runtime writes no status while its source is not synced (aws-controllers-k8s
 * runtime pkg/runtime/field_export_reconciler.go getSourceResource), and clears the conditions once
 * it has exported.
 */
function fieldExportStatus(obj: K8sObject, age: number): object | undefined {
  const source = obj.spec.from.resource;
  return age >= readyAfter(CLUSTER.ackReady[source.kind] ?? {}, source.name) ? { conditions: [] } : undefined;
}

function deploymentLive(obj: K8sObject, age: number, timing: Timing): { spec: object; generation: number; status: object } {
  const name = obj.metadata.name;
  // No spec.replicas rendered: the API server defaults 1; the HPA's first sync sets minReplicas (a new generation).
  const rescaled = age >= rescaleAt(name, timing);
  const replicas = rescaled ? MIN_REPLICAS[name] : 1;
  const generation = rescaled ? 2 : 1;
  if (age === 0) return { spec: { ...obj.spec, replicas }, generation, status: {} };
  const observedGeneration = age < rescaleAt(name, timing) + 1 ? 1 : generation; // the controller catches up within a second
  const available = Math.min(availablePods(name, age, timing), replicas);
  const complete = available === replicas;
  return {
    spec: { ...obj.spec, replicas },
    generation,
    status: {
      observedGeneration,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: available,
      availableReplicas: available,
      ...(complete ? {} : { unavailableReplicas: replicas - available }),
      conditions: [
        cond('Available', complete ? 'True' : 'False', complete ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', complete ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', 1),
        cond('Progressing', 'True', complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', `ReplicaSet "${name}-5d8f7c9b6" is progressing.`, 1),
      ],
    },
  };
}

/**
 * HPA (kubernetes horizontal.go reconcileAutoscaler): no status until its first sync, which only
 * rescales to minReplicas (AbleToScale SucceededRescale); then no metrics (ScalingActive False
 * FailedGetResourceMetric) until the pods have been Ready a metric window; then ValidMetricFound.
 */
function hpaStatus(obj: K8sObject, age: number, timing: Timing): object | undefined {
  const metrics = timing.metrics;
  const target: string = obj.spec.scaleTargetRef.name;
  const min: number = obj.spec.minReplicas;
  const firstSync = CLUSTER.hpaFirstSync;
  if (age < firstSync) return undefined;
  const base = { currentReplicas: age < firstSync + STEP ? 1 : min, desiredReplicas: min, lastScaleTime: at(firstSync) };
  if (age < firstSync + STEP) return { ...base, conditions: [cond('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${min}`, firstSync)] };
  const validFrom = metricsAt(target, timing);
  if (age < validFrom) {
    const why = metrics === 'never' ? METRICS_API_DOWN : age < CLUSTER.podsReady[target] ? NO_METRICS_YET : PODS_MIGHT_BE_UNREADY;
    return {
      ...base,
      conditions: [
        cond('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale", firstSync),
        cond('ScalingActive', 'False', 'FailedGetResourceMetric', why, firstSync + STEP),
      ],
    };
  }
  return {
    ...base,
    currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12, averageValue: '30m' } } }],
    conditions: [
      cond('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size', firstSync),
      cond('ScalingActive', 'True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)', validFrom),
      cond('ScalingLimited', 'False', 'DesiredWithinRange', 'the desired count is within the acceptable range', validFrom),
    ],
  };
}

/**
 * ScaledObject (KEDA 2.20.1): no status, then, once KEDA has made the HPA (within a second), Ready True
 * ScaledObjectReady; Ready False HPAMetricsUnavailable while the HPA still lacks metrics a minute after
 * KEDA made it (scale_scaledobjects.go checkHPAHealth), True again once it has them. `age` is the
 * ScaledObject's own.
 */
function scaledObjectStatus(obj: K8sObject, age: number, timing: Timing): object | undefined {
  if (age === 0) return undefined;
  const target: string = obj.spec.scaleTargetRef.name;
  const validFrom = metricsAt(target, timing) - timing.scaledAt;
  const noMetrics = age >= CLUSTER.kedaHpaGrace && age < validFrom;
  return {
    hpaName: obj.spec.advanced.horizontalPodAutoscalerConfig.name,
    conditions: [
      noMetrics
        ? { type: 'Ready', status: 'False', reason: 'HPAMetricsUnavailable', message: 'ScaledObject is configured correctly but HPA is not healthy: FailedGetResourceMetric' }
        : { type: 'Ready', status: 'True', reason: 'ScaledObjectReady', message: 'ScaledObject is defined correctly and is ready for scaling' },
      { type: 'Active', status: 'True', reason: 'ScalerActive', message: 'Scaling is performed because triggers are active' },
      { type: 'Fallback', status: 'False', reason: 'NoFallbackFound', message: 'No fallbacks are active on this scaled object' },
      { type: 'Paused', status: 'False' },
    ],
  };
}

/** PDB (maxUnavailable 1): no status, then DisruptionAllowed False InsufficientPods until all pods are Ready. */
function pdbStatus(obj: K8sObject, age: number, timing: Timing): object | undefined {
  if (age === 0) return undefined;
  const name = obj.metadata.name;
  const healthy = availablePods(name, age, timing);
  const expected = age >= rescaleAt(name, timing) ? MIN_REPLICAS[name] : 1;
  const allowed = Math.max(0, healthy - (expected - 1));
  // Allowed since the first pod was ready (one pod expected) or since all were (after the rescale).
  const since = allowed === 0 ? 1 : expected === 1 ? CLUSTER.podsReady[name] - 15 : hpaCreatedAt(name, timing) + CLUSTER.podsReady[name];
  return {
    observedGeneration: 1,
    currentHealthy: healthy,
    desiredHealthy: expected - 1,
    expectedPods: expected,
    disruptionsAllowed: allowed,
    conditions: [allowed > 0 ? cond('DisruptionAllowed', 'True', 'SufficientPods', '', since) : cond('DisruptionAllowed', 'False', 'InsufficientPods', '', since)],
  };
}

function ingressStatus(age: number): object {
  return age < CLUSTER.loadBalancer ? { loadBalancer: {} } : { loadBalancer: { ingress: [{ hostname: 'k8s-securecartprod-0e5a1c7e00-1234567890.us-east-1.elb.amazonaws.com' }] } };
}

// RBAC objects have no status, and Argo CD has no health check for them (Healthy once applied).
const NO_STATUS_KINDS = ['Namespace', 'NetworkPolicy', 'ServiceAccount', 'ConfigMap', 'Service', 'Role', 'RoleBinding'];
const ACK_TIMELINE_KINDS = ['DBSubnetGroup', 'DBClusterParameterGroup', 'CacheSubnetGroup', 'GlobalCluster', 'DBCluster', 'DBInstance', 'ReplicationGroup'];

/** The live object `age` seconds after its Application's sync created it. */
function liveAt(obj: K8sObject, age: number, timing: Timing): LiveObject {
  const live = (status: object | undefined, extra: { spec?: object; generation?: number } = {}): LiveObject => ({
    ...obj,
    ...(extra.spec ? { spec: extra.spec } : {}),
    metadata: { ...obj.metadata, creationTimestamp: at(0), generation: extra.generation ?? 1 },
    ...(status ? { status } : {}),
  });
  if (NO_STATUS_KINDS.includes(obj.kind)) return live(obj.kind === 'Service' ? { loadBalancer: {} } : undefined);
  if (ACK_TIMELINE_KINDS.includes(obj.kind)) return live(ackStatus(obj, age));
  switch (obj.kind) {
    case 'NodePool':
      return live(nodePoolStatus(age));
    case 'FieldExport':
      return live(fieldExportStatus(obj, age));
    case 'Deployment': {
      const d = deploymentLive(obj, age, timing);
      return live(d.status, d);
    }
    case 'HorizontalPodAutoscaler':
      return live(hpaStatus(obj, age, timing));
    case 'ScaledObject':
      return live(scaledObjectStatus(obj, age, timing));
    case 'PodDisruptionBudget':
      return live(pdbStatus(obj, age, timing));
    case 'Ingress':
      return live(ingressStatus(age));
    default:
      throw new Error(`no status timeline for ${obj.kind}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Health of every object at every step, with every Lua evaluation in one batch
// ---------------------------------------------------------------------------------------------

/**
 * Lua cases, deduplicated. `now` only matters to scripts that read the clock, which in Argo CD's VM
 * takes `os` (require("os"); the open libraries of built-in scripts have it as a global).
 */
class LuaBatch {
  private readonly cases: LuaCase[] = [];
  private readonly ids = new Map<string, number>();
  private readonly scriptIds = new Map<string, number>();
  private results: Health[] = [];

  add(c: LuaCase): number {
    if (!this.scriptIds.has(c.script)) this.scriptIds.set(c.script, this.scriptIds.size);
    const readsClock = /\bos\s*\./.test(c.script);
    const key = JSON.stringify([this.scriptIds.get(c.script), c.openLibs, readsClock ? c.now : null, c.obj]);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.cases.length;
      this.cases.push(c);
      this.ids.set(key, id);
    }
    return id;
  }

  run(): void {
    this.results = runLua(this.cases).map((r, i) => {
      if (!isHealthCode(r.status)) throw new Error(`Lua case ${i} returned no health status: ${JSON.stringify(r)}`);
      return { status: r.status, message: r.message };
    });
  }

  get size(): number {
    return this.cases.length;
  }

  get(id: number): Health {
    return this.results[id];
  }
}

type Scenario = { argocdCm: Record<string, string>; goBuiltIns: Record<string, BuiltInCheck>; metrics: Metrics };
/** Health per step (index age / STEP): a Health, a pending Lua case id, or null for no check. */
type Timeline = Array<Health | number | null>;

/** Precomputes the health of every object at every age for one scenario; ask the oracle once the batch has run. */
function prepare(scenario: Scenario, batch: LuaBatch, scaledAt: number) {
  const timing: Timing = { metrics: scenario.metrics, scaledAt };
  const overrides = healthOverrides(scenario.argocdCm);
  const check = (obj: K8sObject): HealthCheck => healthCheckFor(obj, overrides, scenario.goBuiltIns);
  const judge = (c: HealthCheck, live: LiveObject, now: number): Health | number | null => {
    if (c.type === 'none') return null;
    if (c.type === 'builtin') return c.check(live);
    return batch.add({ script: c.script, obj: live, now, openLibs: c.openLibs });
  };
  const children = new Map<K8sObject, Timeline>();
  for (const obj of allChildObjects) {
    const c = check(obj);
    const timeline: Timeline = [];
    for (let age = 0; age <= HORIZON; age += STEP) timeline.push(judge(c, liveAt(obj, age, timing), EPOCH + age));
    children.set(obj, timeline);
  }
  // The root's objects, by the child's status.health.status they carry (undefined: no status yet).
  const statuses: Array<HealthCode | undefined> = [undefined, ...HEALTH_ORDER];
  const root = new Map<K8sObject, Array<Health | number | null>>();
  for (const obj of rootObjects) {
    root.set(obj, statuses.map((s) => judge(check(obj), { ...obj, ...(s ? { status: { health: { status: s } } } : {}) }, EPOCH)));
  }
  const resolve = (h: Health | number | null): Health | null => (typeof h === 'number' ? batch.get(h) : h);
  const oracle: HealthOracle = {
    childResource: (_child, obj, age) => {
      if (age % STEP !== 0 || age > HORIZON) throw new Error(`age ${age} is off the precomputed steps`);
      return resolve(children.get(obj)![age / STEP]);
    },
    rootResource: (obj, appStatus) => resolve(root.get(obj)![statuses.indexOf(appStatus)]),
  };
  return { oracle, check };
}

/**
 * The first age of a child (from its sync's first wave) from which every object it has created by then
 * is Healthy or has no health, to the horizon; objects of a later wave count from their own creation.
 */
function settleAge(oracle: HealthOracle, result: WalkResult, child: string): number {
  const synced = result.childSyncedAt[child];
  let settled = HORIZON + STEP;
  for (let age = HORIZON - synced; age >= 0; age -= STEP) {
    const healthy = APPS.childObjects[child].every((o) => {
      const created = result.objectCreatedAt.get(o);
      if (created === undefined || created - synced > age) return true; // not there yet: Argo CD skips it
      const h = oracle.childResource(child, o, age - (created - synced));
      return h === null || h.status === 'Healthy';
    });
    if (!healthy) break;
    settled = age;
  }
  return settled;
}

const ours = healthCustomizations();
const withoutOurScaledObjectCheck = Object.fromEntries(Object.entries(ours).filter(([k]) => !k.endsWith('_ScaledObject')));
const SCENARIOS = {
  ours: { argocdCm: ours, goBuiltIns: GO_BUILTINS_V344, metrics: 'arrive' },
  builtInScaledObject: { argocdCm: withoutOurScaledObjectCheck, goBuiltIns: GO_BUILTINS_V344, metrics: 'arrive' },
  oursMetricsNever: { argocdCm: ours, goBuiltIns: GO_BUILTINS_V344, metrics: 'never' },
} satisfies Record<string, Scenario>;
type ScenarioName = keyof typeof SCENARIOS;

/** How old the Deployments were when a walk created the ScaledObjects (Infinity: never). */
function scaledAtIn(result: WalkResult): number {
  const offsets = new Set(
    scaledObjects.map((so) => {
      const created = result.objectCreatedAt.get(so);
      const deployment = allChildObjects.find((o) => o.kind === 'Deployment' && o.metadata.name === so.spec.scaleTargetRef.name)!;
      return created === undefined ? Infinity : created - result.objectCreatedAt.get(deployment)!;
    }),
  );
  if (offsets.size !== 1) throw new Error(`the ScaledObjects were created at different ages of their Deployments: ${[...offsets].join(', ')}`);
  return [...offsets][0];
}

const walks = {} as Record<ScenarioName, { result: WalkResult; oracle: HealthOracle; check: (obj: K8sObject) => HealthCheck; scaledAt: number }>;
let luaCases = 0;
/** The walks' passes until the time the ScaledObjects are created agrees with the timelines it was assumed in. */
let passes = 0;
beforeAll(() => {
  const names = Object.keys(SCENARIOS) as ScenarioName[];
  let assumed: Record<ScenarioName, number> = Object.fromEntries(names.map((n) => [n, Infinity])) as Record<ScenarioName, number>;
  for (;;) {
    passes++;
    const batch = new LuaBatch();
    const prepared = names.map((name) => [name, prepare(SCENARIOS[name], batch, assumed[name])] as const);
    luaCases = batch.size;
    batch.run();
    for (const [name, { oracle, check }] of prepared) {
      walks[name] = { result: walk(APPS, oracle, { step: STEP, horizon: HORIZON, childSyncDelay: CHILD_SYNC_DELAY }), oracle, check, scaledAt: assumed[name] };
    }
    const found = Object.fromEntries(names.map((n) => [n, scaledAtIn(walks[n].result)])) as Record<ScenarioName, number>;
    if (names.every((n) => found[n] === assumed[n])) break;
    // Before the ScaledObjects exist, every timeline is the same whenever they come: the first pass finds when.
    if (passes > 2) throw new Error(`the walks do not settle on when the ScaledObjects are created: ${JSON.stringify(found)}`);
    assumed = found;
  }
});

const failedAttempts = (r: WalkResult) => r.attempts.filter((a) => a.phase === 'Failed');
const finalHealth = (r: WalkResult, child: string) => r.childHealth[child][r.childHealth[child].length - 1];
const childOf = (kind: string) => Object.keys(APPS.childObjects).find((c) => APPS.childObjects[c].some((o) => o.kind === kind))!;

describe('the walk’s inputs', () => {
  test('every rendered kind has a timeline and the check Argo CD v3.4.4 would pick (with our argocd-cm)', () => {
    const sources: Record<string, string> = {};
    for (const obj of [...allChildObjects, ...rootObjects]) {
      const c = walks.ours.check(obj);
      sources[obj.kind] = c.type === 'none' ? 'none' : c.source;
    }
    for (const obj of allChildObjects) expect(() => liveAt(obj, 0, { metrics: 'arrive', scaledAt: 0 })).not.toThrow(); // every kind has a timeline
    expect(sources).toEqual({
      Namespace: 'none',
      NetworkPolicy: 'none',
      ServiceAccount: 'none',
      ConfigMap: 'none',
      // The FIS pod's access (charts/constructs/fault-injection-access.ts).
      Role: 'none',
      RoleBinding: 'none',
      AppProject: 'none',
      Application: 'argocd-cm argoproj.io/Application',
      NodePool: 'resource_customizations/karpenter.sh/NodePool/health.lua (ported)',
      DBSubnetGroup: 'argocd-cm rds.services.k8s.aws/DBSubnetGroup',
      GlobalCluster: 'argocd-cm rds.services.k8s.aws/GlobalCluster',
      DBClusterParameterGroup: 'argocd-cm rds.services.k8s.aws/DBClusterParameterGroup',
      DBCluster: 'argocd-cm rds.services.k8s.aws/DBCluster',
      DBInstance: 'argocd-cm rds.services.k8s.aws/DBInstance',
      FieldExport: 'argocd-cm services.k8s.aws/FieldExport',
      CacheSubnetGroup: 'argocd-cm elasticache.services.k8s.aws/CacheSubnetGroup',
      ReplicationGroup: 'argocd-cm elasticache.services.k8s.aws/ReplicationGroup',
      Deployment: 'gitops-engine built-in apps/Deployment',
      Service: 'gitops-engine built-in Service',
      ScaledObject: 'argocd-cm keda.sh/ScaledObject',
      PodDisruptionBudget: 'resource_customizations/policy/PodDisruptionBudget/health.lua (ported)',
      Ingress: 'gitops-engine built-in networking.k8s.io/Ingress',
    });
  });

  test('argocd-cm keys map to override keys as Argo CD parses them: core kinds without a group or underscore', () => {
    expect([...healthOverrides({ 'resource.customizations.health.autoscaling_HorizontalPodAutoscaler': 'a', 'resource.customizations.health.Service': 'b' }).keys()]).toEqual([
      'autoscaling/HorizontalPodAutoscaler',
      'Service',
    ]);
    // `_Service` becomes "/Service", which no object is looked up by: the script would never run.
    expect([...healthOverrides({ 'resource.customizations.health._Service': 'c' }).keys()]).toEqual(['/Service']);
  });

  test('the root syncs the four children in waves 0..3, and every child object is in one of them', () => {
    expect(childrenByWave).toEqual(['securecart-platform', 'securecart-data', 'securecart-apps', 'securecart-edge']);
    expect(childrenByWave.map((c) => waveOf(rootObjects.find((o) => o.metadata.name === c)!))).toEqual([0, 1, 2, 3]);
    for (const c of childrenByWave) expect(APPS.childObjects[c].length).toBeGreaterThan(0);
    // Children are single-wave, except that the apps Application applies its ScaledObjects after the rest.
    for (const [child, objects] of Object.entries(APPS.childObjects)) {
      for (const o of objects) expect([child, o.kind, waveOf(o)]).toEqual([child, o.kind, o.kind === 'ScaledObject' ? SCALED_OBJECT_SYNC_WAVE : 0]);
    }
    // The five services and the trace collector; no HPA is rendered (KEDA makes them).
    expect(scaledObjects.length).toBe(6);
    expect(hpas).toEqual([]);
    expect(SCALED_OBJECT_SYNC_WAVE).toBeGreaterThan(0);
  });

  test('all Lua evaluations of the walks ran in one batch per pass, and the walks agree with the timelines they assumed', () => {
    expect(luaCases).toBeGreaterThan(100);
    // The first pass finds when the ScaledObjects are created, the second confirms it.
    expect(passes).toBe(2);
    for (const w of Object.values(walks)) expect(scaledAtIn(w.result)).toBe(w.scaledAt);
  });
});

describe('first install with our health checks', () => {
  test('reaches all four waves with zero failed sync attempts, and every child ends Healthy within the computed bound', () => {
    const { result, oracle } = walks.ours;
    const settle = Object.fromEntries(childrenByWave.map((c) => [c, settleAge(oracle, result, c)]));
    // Waves run one after another: no faster than the sum of each child's own settling; at most one
    // reconciliation per wave slower, which rules out any failed attempt (each costs a backoff of >= 20 s).
    const lower = childrenByWave.reduce((sum, c) => sum + CHILD_SYNC_DELAY + settle[c], 0);
    const bound = lower + STEP * childrenByWave.length;
    expect(failedAttempts(result)).toEqual([]);
    expect(result.attempts).toHaveLength(1);
    for (const c of childrenByWave) expect([c, result.childFailedAttempts[c]]).toEqual([c, []]);
    // The charts' waves, then the root itself, last (never waited on: charts/gitops.ts ROOT_WAVE).
    expect(result.attempts[0].wavesApplied).toEqual([0, 1, 2, 3, ROOT_WAVE]);
    expect(Object.keys(result.waveAppliedAt).map(Number)).toEqual([0, 1, 2, 3, ROOT_WAVE]);
    for (const c of childrenByWave) expect(finalHealth(result, c)).toBe('Healthy');
    expect(result.allHealthyAt).toBeDefined();
    expect(result.allHealthyAt!).toBeGreaterThanOrEqual(lower);
    expect(result.allHealthyAt!).toBeLessThanOrEqual(bound);
    // The data tier dominates: ~20 min of ACK resources, then the apps, then the load balancer.
    expect(result.allHealthyAt! / 60).toBeGreaterThan(20);
    expect(result.allHealthyAt! / 60).toBeLessThan(35);
  });

  test('each wave starts only once the previous child is Healthy', () => {
    const { result } = walks.ours;
    for (let i = 1; i < childrenByWave.length; i++) {
      const previous = childrenByWave[i - 1];
      const started = result.childCreatedAt[childrenByWave[i]];
      expect(result.childHealth[previous][started / STEP]).toBe('Healthy');
      expect(result.childHealth[previous][started / STEP - 1]).not.toBe('Healthy');
    }
  });

  test('the ScaledObjects are created once every Deployment is Healthy, in the apps Application’s next wave, with nothing failing', () => {
    const { result, oracle } = walks.ours;
    const apps = 'securecart-apps';
    const waves = result.childWaveAppliedAt[apps];
    expect(Object.keys(waves).map(Number)).toEqual([0, SCALED_OBJECT_SYNC_WAVE]);
    const scaledAt = waves[SCALED_OBJECT_SYNC_WAVE] - waves[0];
    expect(scaledAt).toBe(walks.ours.scaledAt);
    // KEDA's webhook needs the Deployment in its cache (scaledobject_webhook.go:441-470): it was created
    // minutes before, and is Healthy, running the one replica the API server defaults.
    const deployments = APPS.childObjects[apps].filter((o) => o.kind === 'Deployment');
    for (const d of deployments) expect([d.metadata.name, oracle.childResource(apps, d, scaledAt)?.status]).toEqual([d.metadata.name, 'Healthy']);
    expect(deployments.every((d) => oracle.childResource(apps, d, scaledAt - STEP)?.status === 'Healthy')).toBe(false);
    for (const d of deployments.filter((x) => KEDA_SCALED.has(x.metadata.name))) {
      expect(liveAt(d, scaledAt, { metrics: 'arrive', scaledAt }).spec.replicas).toBe(1);
      expect(liveAt(d, scaledAt + CLUSTER.hpaFirstSync, { metrics: 'arrive', scaledAt }).spec.replicas).toBe(MIN_REPLICAS[d.metadata.name]);
    }
  });

  test('a new ScaledObject is Progressing until KEDA has checked its HPA, then Healthy; while its HPA waits for metrics it is Progressing, never Degraded', () => {
    const apps = 'securecart-apps';
    let waited = 0;
    for (const so of scaledObjects) {
      const target = so.spec.scaleTargetRef.name;
      const validFrom = metricsAt(target, { metrics: 'arrive', scaledAt: walks.ours.scaledAt }) - walks.ours.scaledAt;
      for (let age = 0; age <= HORIZON - walks.ours.scaledAt; age += STEP) {
        const h = walks.ours.oracle.childResource(apps, so, age)!;
        const waiting = age >= CLUSTER.kedaHpaGrace && age < validFrom;
        if (waiting) waited++;
        expect([target, age, h.status]).toEqual([target, age, age < KEDA_FIRST_HPA_CHECK_SECONDS || waiting ? 'Progressing' : 'Healthy']);
      }
    }
    // The slow JVM services' HPAs still lack metrics a minute after KEDA made them: the case the check is for.
    expect(waited).toBeGreaterThan(0);
  });

  test('a new PDB says InsufficientPods until its pods are ready, and Argo CD’s built-in check calls that Healthy: no PDB check of ours is needed', () => {
    const pdbs = allChildObjects.filter((o) => o.kind === 'PodDisruptionBudget');
    expect(pdbs).toHaveLength(hpas.length + scaledObjects.length);
    for (const pdb of pdbs) {
      const early = liveAt(pdb, STEP, { metrics: 'arrive', scaledAt: walks.ours.scaledAt });
      expect(early.status.conditions[0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });
      expect(walks.ours.oracle.childResource('securecart-apps', pdb, STEP)).toMatchObject({ status: 'Healthy', message: 'PodDisruptionBudget has InsufficientPods' });
      expect(walks.ours.oracle.childResource('securecart-apps', pdb, 0)).toMatchObject({ status: 'Progressing' }); // no status yet
    }
  });
});

describe('negative controls: the walk can fail', () => {
  test('with Argo CD’s own ScaledObject check instead of ours, the edge starts before any HPA has scaled, and the apps Application then turns Degraded on a sound install', () => {
    const apps = 'securecart-apps';
    const created = (w: WalkResult) => w.childWaveAppliedAt[apps][SCALED_OBJECT_SYNC_WAVE];
    const builtIn = walks.builtInScaledObject;
    // Ready=True within a second is Healthy to the built-in check: the root starts the edge while the
    // Deployments still run their single replica, before the HPAs' first sync.
    const edgeAfter = builtIn.result.waveAppliedAt[3] - created(builtIn.result);
    expect(edgeAfter).toBeLessThan(CLUSTER.hpaFirstSync + STEP);
    // Ours waits for KEDA's first check of the HPAs, and for the pods they add.
    expect(walks.ours.result.waveAppliedAt[3] - created(walks.ours.result)).toBeGreaterThanOrEqual(KEDA_FIRST_HPA_CHECK_SECONDS);
    // Then KEDA reports the slow services' HPAs without metrics a minute after making them: Degraded,
    // while ours, on the same timelines, calls them Progressing and the apps Application never Degraded.
    const degradedAt = builtIn.result.childHealth[apps].findIndex((h) => h === 'Degraded') * STEP;
    expect(degradedAt).toBeGreaterThan(0);
    const age = degradedAt - created(builtIn.result);
    const degraded = scaledObjects.filter((so) => builtIn.oracle.childResource(apps, so, age)?.status === 'Degraded');
    expect(degraded.length).toBeGreaterThan(0);
    for (const so of degraded) {
      expect(age).toBeLessThan(metricsAt(so.spec.scaleTargetRef.name, { metrics: 'arrive', scaledAt: builtIn.scaledAt }) - builtIn.scaledAt);
      expect(builtIn.oracle.childResource(apps, so, age)?.message).toMatch(/HPA is not healthy: FailedGetResourceMetric/);
      expect(walks.ours.oracle.childResource(apps, so, age)).toMatchObject({ status: 'Progressing' });
    }
    expect(walks.ours.result.childHealth[apps]).not.toContain('Degraded');
  });

  test('with metrics that never arrive, ours calls the ScaledObjects Degraded after the grace period, and the shop is not exposed', () => {
    const { result, oracle, scaledAt } = walks.oursMetricsNever;
    // The Deployments' wave is Healthy without metrics (one replica each), so the ScaledObjects are applied.
    expect(scaledAt).toBe(walks.ours.scaledAt);
    // KEDA reports their HPAs' missing metrics from a minute on; ours waits out the grace period from their creation.
    for (const so of scaledObjects) {
      for (let age = 0; age <= HORIZON - scaledAt - result.childSyncedAt['securecart-apps']; age += STEP) {
        const h = oracle.childResource('securecart-apps', so, age)!;
        const status = age < HPA_METRICS_GRACE_SECONDS ? 'Progressing' : 'Degraded';
        expect([so.metadata.name, age, h.status]).toEqual([so.metadata.name, age, status]);
        if (status === 'Degraded') expect(h.message).toBe('ScaledObject is configured correctly but HPA is not healthy: FailedGetResourceMetric');
      }
    }
    expect(result.allHealthyAt).toBeUndefined();
    expect(finalHealth(result, 'securecart-apps')).toBe('Degraded');
    const firstFailure = failedAttempts(result)[0];
    expect(firstFailure.failedWave).toBe(2);
    // Every retry fails at the Degraded child's wave, never at the root's own: the root is in the last
    // wave, so earlier children still get their fixes while one child is Degraded.
    expect(new Set(failedAttempts(result).map((a) => a.failedWave))).toEqual(new Set([2]));
    expect(firstFailure.finishedAt! - result.childSyncedAt['securecart-apps'] - scaledAt).toBeGreaterThanOrEqual(HPA_METRICS_GRACE_SECONDS);
    // The last wave, the ingresses, is never applied: the shop is not exposed on top of a broken autoscaler.
    expect(result.waveAppliedAt[3]).toBeUndefined();
    expect(result.childCreatedAt[childOf('Ingress')]).toBeUndefined();
  });
});
