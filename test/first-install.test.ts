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
 * Walks: ours; the v3.5 built-in HPA check instead of ours; and, with a metrics-server that never
 * answers, the v3.4 built-in check and ours.
 */
import * as path from 'path';
import { ROOT_APP, ROOT_WAVE } from '../charts/gitops';
import { healthCustomizations, HPA_METRICS_GRACE_SECONDS } from '../cluster/addons/gitops-bootstrap/health-checks';
import { K8sObject, parseDocs, readTree, ROOT } from './helpers';
import {
  AppOfApps,
  BuiltInCheck,
  GO_BUILTINS_V344,
  GO_BUILTINS_V35_HPA,
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
const hpas = allChildObjects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
/** minReplicas of the HPA that scales each Deployment. */
const MIN_REPLICAS: Record<string, number> = Object.fromEntries(hpas.map((h) => [h.spec.scaleTargetRef.name, h.spec.minReplicas]));

// ---------------------------------------------------------------------------------------------
// The cluster: what each kind's status says, `age` seconds after its Application's sync created it
// ---------------------------------------------------------------------------------------------

type Metrics = 'arrive' | 'never';
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
/** Available pods of a Deployment: the first (created with the Deployment) 15 s before the two the HPA adds. */
const availablePods = (name: string, age: number): number => (age >= readyAfter(CLUSTER.podsReady, name) - 15 ? 1 : 0) + (age >= CLUSTER.podsReady[name] ? MIN_REPLICAS[name] - 1 : 0);
/** When the HPA of `name` first computes a replica count from metrics. */
const metricsAt = (name: string, metrics: Metrics): number =>
  metrics === 'never' ? Infinity : readyAfter(CLUSTER.podsReady, name) + readyAfter(CLUSTER.metricsAfterReady, name);

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

function deploymentLive(obj: K8sObject, age: number): { spec: object; generation: number; status: object } {
  const name = obj.metadata.name;
  // No spec.replicas rendered: the API server defaults 1; the HPA's first sync sets minReplicas (a new generation).
  const rescaled = age >= CLUSTER.hpaFirstSync;
  const replicas = rescaled ? MIN_REPLICAS[name] : 1;
  const generation = rescaled ? 2 : 1;
  if (age === 0) return { spec: { ...obj.spec, replicas }, generation, status: {} };
  const observedGeneration = age < CLUSTER.hpaFirstSync + 1 ? 1 : generation; // the controller catches up within a second
  const available = Math.min(availablePods(name, age), replicas);
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
function hpaStatus(obj: K8sObject, age: number, metrics: Metrics): object | undefined {
  const target: string = obj.spec.scaleTargetRef.name;
  const min: number = obj.spec.minReplicas;
  const firstSync = CLUSTER.hpaFirstSync;
  if (age < firstSync) return undefined;
  const base = { currentReplicas: age < firstSync + STEP ? 1 : min, desiredReplicas: min, lastScaleTime: at(firstSync) };
  if (age < firstSync + STEP) return { ...base, conditions: [cond('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${min}`, firstSync)] };
  const validFrom = metricsAt(target, metrics);
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

/** PDB (maxUnavailable 1): no status, then DisruptionAllowed False InsufficientPods until all pods are Ready. */
function pdbStatus(obj: K8sObject, age: number): object | undefined {
  if (age === 0) return undefined;
  const name = obj.metadata.name;
  const healthy = availablePods(name, age);
  const expected = MIN_REPLICAS[name];
  const allowed = Math.max(0, healthy - (expected - 1));
  const since = allowed > 0 ? CLUSTER.podsReady[name] : 1;
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
function liveAt(obj: K8sObject, age: number, metrics: Metrics): LiveObject {
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
      const d = deploymentLive(obj, age);
      return live(d.status, d);
    }
    case 'HorizontalPodAutoscaler':
      return live(hpaStatus(obj, age, metrics));
    case 'PodDisruptionBudget':
      return live(pdbStatus(obj, age));
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
function prepare(scenario: Scenario, batch: LuaBatch) {
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
    for (let age = 0; age <= HORIZON; age += STEP) timeline.push(judge(c, liveAt(obj, age, scenario.metrics), EPOCH + age));
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

/** The first age from which every object of a child is Healthy or has no health, to the horizon. */
function settleAge(oracle: HealthOracle, child: string): number {
  let settled = HORIZON + STEP;
  for (let age = HORIZON; age >= 0; age -= STEP) {
    const healthy = APPS.childObjects[child].every((o) => {
      const h = oracle.childResource(child, o, age);
      return h === null || h.status === 'Healthy';
    });
    if (!healthy) break;
    settled = age;
  }
  return settled;
}

const ours = healthCustomizations();
const withoutOurHpa = Object.fromEntries(Object.entries(ours).filter(([k]) => !k.endsWith('_HorizontalPodAutoscaler')));
const SCENARIOS = {
  ours: { argocdCm: ours, goBuiltIns: GO_BUILTINS_V344, metrics: 'arrive' },
  v35BuiltIn: { argocdCm: withoutOurHpa, goBuiltIns: GO_BUILTINS_V35_HPA, metrics: 'arrive' },
  oursMetricsNever: { argocdCm: ours, goBuiltIns: GO_BUILTINS_V344, metrics: 'never' },
  v34BuiltInMetricsNever: { argocdCm: withoutOurHpa, goBuiltIns: GO_BUILTINS_V344, metrics: 'never' },
} satisfies Record<string, Scenario>;
type ScenarioName = keyof typeof SCENARIOS;

const walks = {} as Record<ScenarioName, { result: WalkResult; oracle: HealthOracle; check: (obj: K8sObject) => HealthCheck }>;
let luaCases = 0;
beforeAll(() => {
  const batch = new LuaBatch();
  const prepared = Object.entries(SCENARIOS).map(([name, s]) => [name, prepare(s, batch)] as const);
  luaCases = batch.size;
  batch.run();
  for (const [name, { oracle, check }] of prepared) {
    walks[name as ScenarioName] = { result: walk(APPS, oracle, { step: STEP, horizon: HORIZON, childSyncDelay: CHILD_SYNC_DELAY }), oracle, check };
  }
});

const failedAttempts = (r: WalkResult) => r.attempts.filter((a) => a.phase === 'Failed');
const finalHealth = (r: WalkResult, child: string) => r.childHealth[child][r.childHealth[child].length - 1];
const hpaHealthAt = (name: ScenarioName, hpa: K8sObject, age: number) => walks[name].oracle.childResource('securecart-apps', hpa, age);
const childOf = (kind: string) => Object.keys(APPS.childObjects).find((c) => APPS.childObjects[c].some((o) => o.kind === kind))!;

describe('the walk’s inputs', () => {
  test('every rendered kind has a timeline and the check Argo CD v3.4.4 would pick (with our argocd-cm)', () => {
    const sources: Record<string, string> = {};
    for (const obj of [...allChildObjects, ...rootObjects]) {
      const c = walks.ours.check(obj);
      sources[obj.kind] = c.type === 'none' ? 'none' : c.source;
    }
    for (const obj of allChildObjects) expect(() => liveAt(obj, 0, 'arrive')).not.toThrow(); // every kind has a timeline
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
      HorizontalPodAutoscaler: 'argocd-cm autoscaling/HorizontalPodAutoscaler',
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
    for (const objects of Object.values(APPS.childObjects)) for (const o of objects) expect(waveOf(o)).toBe(0); // children are single-wave
  });

  test('all Lua evaluations of the four walks ran in one batch', () => {
    expect(luaCases).toBeGreaterThan(100);
  });
});

describe('first install with our health checks', () => {
  test('reaches all four waves with zero failed sync attempts, and every child ends Healthy within the computed bound', () => {
    const { result, oracle } = walks.ours;
    const settle = Object.fromEntries(childrenByWave.map((c) => [c, settleAge(oracle, c)]));
    // Waves run one after another: no faster than the sum of each child's own settling; at most one
    // reconciliation per wave slower, which rules out any failed attempt (each costs a backoff of >= 20 s).
    const lower = childrenByWave.reduce((sum, c) => sum + CHILD_SYNC_DELAY + settle[c], 0);
    const bound = lower + STEP * childrenByWave.length;
    expect(failedAttempts(result)).toEqual([]);
    expect(result.attempts).toHaveLength(1);
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

  test('a new HPA is Progressing while it has no metrics, never Degraded, then Healthy', () => {
    for (const hpa of hpas) {
      const seen = new Set<string>();
      const target = hpa.spec.scaleTargetRef.name;
      for (let age = 0; age <= HORIZON; age += STEP) {
        const h = hpaHealthAt('ours', hpa, age)!;
        seen.add(h.status);
        if (age < metricsAt(target, 'arrive')) expect(h.status).toBe('Progressing');
        else expect(h.status).toBe('Healthy');
      }
      expect([...seen].sort()).toEqual(['Healthy', 'Progressing']);
    }
  });

  test('a new PDB says InsufficientPods until its pods are ready, and Argo CD’s built-in check calls that Healthy: no PDB check of ours is needed', () => {
    const pdbs = allChildObjects.filter((o) => o.kind === 'PodDisruptionBudget');
    expect(pdbs).toHaveLength(hpas.length);
    for (const pdb of pdbs) {
      const early = liveAt(pdb, STEP, 'arrive');
      expect(early.status.conditions[0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });
      expect(walks.ours.oracle.childResource('securecart-apps', pdb, STEP)).toMatchObject({ status: 'Healthy', message: 'PodDisruptionBudget has InsufficientPods' });
      expect(walks.ours.oracle.childResource('securecart-apps', pdb, 0)).toMatchObject({ status: 'Progressing' }); // no status yet
    }
  });
});

describe('negative controls: the walk can fail', () => {
  test('with v3.5’s built-in HPA check instead of ours, the apps wave fails a sync attempt', () => {
    const { result } = walks.v35BuiltIn;
    const failed = failedAttempts(result);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0].failedWave).toBe(2);
    expect(failed[0].failedTasks.map((t) => t.name)).toEqual(['securecart-apps']);
    expect(failed[0].message).toMatch(/one or more synchronization tasks completed unsuccessfully/);
    // What made it fail: a young HPA without metrics, which v3.5 calls Degraded.
    const appsSynced = result.childSyncedAt['securecart-apps'];
    const age = failed[0].finishedAt! - appsSynced;
    const degraded = hpas.filter((h) => walks.v35BuiltIn.oracle.childResource('securecart-apps', h, age)?.status === 'Degraded');
    expect(degraded.length).toBeGreaterThan(0);
    for (const h of degraded) expect(age).toBeLessThan(metricsAt(h.spec.scaleTargetRef.name, 'arrive'));
    // Ours, on the same timelines, waited: every HPA was Progressing at that age.
    for (const h of degraded) expect(hpaHealthAt('ours', h, age)).toMatchObject({ status: 'Progressing' });
  });

  test('with metrics that never arrive, v3.4’s built-in check ends Healthy (the broken metrics-server is hidden), ours Degraded after the grace period', () => {
    // v3.4.4 built-in: AbleToScale=True comes first and wins.
    const hidden = walks.v34BuiltInMetricsNever.result;
    expect(failedAttempts(hidden)).toEqual([]);
    expect(hidden.allHealthyAt).toBeDefined();
    for (const c of childrenByWave) expect(finalHealth(hidden, c)).toBe('Healthy');
    for (const hpa of hpas) {
      const live = liveAt(hpa, HORIZON, 'never');
      expect(live.status.conditions).toContainEqual(expect.objectContaining({ type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric' }));
      expect(hpaHealthAt('v34BuiltInMetricsNever', hpa, HORIZON)).toMatchObject({ status: 'Healthy' });
    }

    // Ours: Progressing for the grace period after ScalingActive turned False, then Degraded with the controller's message.
    const noMetricsSince = CLUSTER.hpaFirstSync + STEP;
    for (const hpa of hpas) {
      for (let age = 0; age <= HORIZON; age += STEP) {
        const h = hpaHealthAt('oursMetricsNever', hpa, age)!;
        if (age < noMetricsSince + HPA_METRICS_GRACE_SECONDS) expect(h.status).toBe('Progressing');
        else expect(h).toEqual({ status: 'Degraded', message: METRICS_API_DOWN });
      }
    }
    const visible = walks.oursMetricsNever.result;
    expect(visible.allHealthyAt).toBeUndefined();
    expect(finalHealth(visible, 'securecart-apps')).toBe('Degraded');
    const firstFailure = failedAttempts(visible)[0];
    expect(firstFailure.failedWave).toBe(2);
    // Every retry fails at the Degraded child's wave, never at the root's own: the root is in the last
    // wave, so earlier children still get their fixes while one child is Degraded.
    expect(new Set(failedAttempts(visible).map((a) => a.failedWave))).toEqual(new Set([2]));
    expect(firstFailure.finishedAt! - visible.childSyncedAt['securecart-apps']).toBeGreaterThanOrEqual(noMetricsSince + HPA_METRICS_GRACE_SECONDS);
    // The last wave, the ingresses, is never applied: the shop is not exposed on top of a broken autoscaler.
    expect(visible.waveAppliedAt[3]).toBeUndefined();
    expect(visible.childCreatedAt[childOf('Ingress')]).toBeUndefined();
  });
});
