/**
 * The Lua health checks given to Argo CD, run in a real Lua VM (Argo CD runs them in gopher-lua,
 * Lua 5.1; the scripts stay within what 5.1 and 5.4 share).
 */
import {
  ACK_HEALTH,
  APPLICATION_HEALTH,
  FIELD_EXPORT_HEALTH,
  healthCustomizations,
  HPA_HEALTH,
  HPA_METRICS_GRACE_SECONDS,
  KEDA_FIRST_HPA_CHECK_SECONDS,
  SCALED_OBJECT_HEALTH,
} from '../cluster/addons/gitops-bootstrap/health-checks';
import { LuaHealth, runLua } from './support/run-lua';

type Health = { status: string; message: string };
const ack = (...conditions: Array<{ type: string; status: string; message?: string }>) => ({ status: { conditions } });

/** "Now" of every time-dependent case (epoch seconds), and a Kubernetes timestamp `secondsAgo` before it. */
const NOW = Date.parse('2030-06-01T12:00:00Z') / 1000;
const ago = (secondsAgo: number) => new Date((NOW - secondsAgo) * 1000).toISOString().replace('.000Z', 'Z');

type HpaCondition = { type: string; status: string; reason: string; message: string; lastTransitionTime?: string };
const cond = (type: string, status: string, reason: string, message: string, since?: number): HpaCondition =>
  since === undefined ? { type, status, reason, message } : { type, status, reason, message, lastTransitionTime: ago(since) };
/** An autoscaling/v2 HPA created `createdAgo` seconds before NOW, with these conditions (none: no status). */
const hpa = (createdAgo: number, ...conditions: HpaCondition[]) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'carts', namespace: 'securecart', creationTimestamp: ago(createdAgo) },
  spec: { minReplicas: 3, maxReplicas: 12, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'carts' } },
  ...(conditions.length > 0 ? { status: { currentReplicas: 3, desiredReplicas: 3, conditions } } : {}),
});
// The HPA controller's own words (kubernetes pkg/controller/podautoscaler/horizontal.go).
const GOT_SCALE = cond('AbleToScale', 'True', 'SucceededGetScale', 'the HPA controller was able to get the target\'s current scale');
const NO_METRICS_MESSAGE = 'the HPA was unable to compute the replica count: failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)';
const noMetrics = (since?: number) => cond('ScalingActive', 'False', 'FailedGetResourceMetric', NO_METRICS_MESSAGE, since);
const GRACE = HPA_METRICS_GRACE_SECONDS;

type KedaCondition = { type: string; status: string; reason?: string; message?: string };
/** A KEDA ScaledObject created `createdAgo` seconds before NOW, with these conditions (none: no status). */
const scaledObject = (createdAgo: number, ...conditions: KedaCondition[]) => ({
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: { name: 'carts', namespace: 'securecart', creationTimestamp: ago(createdAgo) },
  spec: { minReplicaCount: 3, maxReplicaCount: 12, scaleTargetRef: { name: 'carts' } },
  ...(conditions.length > 0 ? { status: { hpaName: 'carts', conditions } } : {}),
});
// KEDA's own words (kedacore/keda v2.20.1 apis/keda/v1alpha1/condition_types.go, pkg/scaling/executor/scale_scaledobjects.go checkHPAHealth).
const kedaReady = (status: string, reason?: string, message?: string): KedaCondition => ({ type: 'Ready', status, ...(reason ? { reason } : {}), ...(message ? { message } : {}) });
const KEDA_READY = kedaReady('True', 'ScaledObjectReady', 'ScaledObject is defined correctly and is ready for scaling');
const KEDA_NO_METRICS = kedaReady('False', 'HPAMetricsUnavailable', 'ScaledObject is configured correctly but HPA is not healthy: FailedGetResourceMetric');
/** The conditions KEDA initialises a new ScaledObject with (condition_types.go GetInitializedConditions). */
const KEDA_INITIAL: KedaCondition[] = [{ type: 'Ready', status: 'Unknown' }, { type: 'Active', status: 'Unknown' }, { type: 'Fallback', status: 'Unknown' }, { type: 'Paused', status: 'False' }];
const notPaused: KedaCondition = { type: 'Paused', status: 'False' };

const cases: Array<[string, string, unknown, Partial<Health>]> = [
  ['ACK: no status yet is Progressing', ACK_HEALTH, {}, { status: 'Progressing' }],
  ['ACK: Ready is Healthy', ACK_HEALTH, ack({ type: 'Ready', status: 'True', message: 'available' }), { status: 'Healthy', message: 'available' }],
  ['ACK: ACK.ResourceSynced (older runtimes) is Healthy', ACK_HEALTH, ack({ type: 'ACK.ResourceSynced', status: 'True' }), { status: 'Healthy' }],
  [
    'ACK: terminal beats synced, with the controller’s message',
    ACK_HEALTH,
    ack({ type: 'ACK.ResourceSynced', status: 'True' }, { type: 'ACK.Terminal', status: 'True', message: 'InvalidParameterCombination' }),
    { status: 'Degraded', message: 'InvalidParameterCombination' },
  ],
  [
    'ACK: recoverable errors stay Progressing, with the reason',
    ACK_HEALTH,
    ack({ type: 'ACK.Recoverable', status: 'True', message: 'throttled' }, { type: 'Ready', status: 'False' }),
    { status: 'Progressing', message: 'throttled' },
  ],
  ['FieldExport: a done export has no conditions and is Healthy', FIELD_EXPORT_HEALTH, { status: {} }, { status: 'Healthy' }],
  ['FieldExport: an empty condition list is Healthy', FIELD_EXPORT_HEALTH, ack(), { status: 'Healthy' }],
  ['FieldExport: a terminal export is Degraded', FIELD_EXPORT_HEALTH, ack({ type: 'ACK.Terminal', status: 'True', message: 'no such path' }), { status: 'Degraded', message: 'no such path' }],
  ['FieldExport: a recoverable export is Progressing', FIELD_EXPORT_HEALTH, ack({ type: 'ACK.Recoverable', status: 'True' }), { status: 'Progressing' }],
  ['Application: a degraded child is Degraded, so its wave waits', APPLICATION_HEALTH, { status: { health: { status: 'Degraded', message: 'DBCluster failing' } } }, { status: 'Degraded', message: 'DBCluster failing' }],
  ['Application: a healthy child is Healthy', APPLICATION_HEALTH, { status: { health: { status: 'Healthy' } } }, { status: 'Healthy' }],
  ['Application: no status yet is Progressing', APPLICATION_HEALTH, {}, { status: 'Progressing' }],

  ['HPA: no status yet is Progressing', HPA_HEALTH, hpa(5), { status: 'Progressing' }],
  [
    'HPA: the first rescale to minReplicas, before any metric is read, is Progressing',
    HPA_HEALTH,
    hpa(20, cond('AbleToScale', 'True', 'SucceededRescale', 'the HPA controller was able to update the target scale to 3', 5)),
    { status: 'Progressing' },
  ],
  [
    'HPA: a young HPA without metrics is Progressing, with the controller’s reason',
    HPA_HEALTH,
    hpa(90, GOT_SCALE, noMetrics(60)),
    { status: 'Progressing', message: `Waiting for metrics: ${NO_METRICS_MESSAGE}` },
  ],
  ['HPA: without a transition time, the grace period counts from creation (young)', HPA_HEALTH, hpa(GRACE - 15, GOT_SCALE, noMetrics()), { status: 'Progressing' }],
  ['HPA: without a transition time, the grace period counts from creation (old)', HPA_HEALTH, hpa(GRACE + 15, GOT_SCALE, noMetrics()), { status: 'Degraded', message: NO_METRICS_MESSAGE }],
  [
    'HPA: still without metrics after the grace period is Degraded, with the controller’s message',
    HPA_HEALTH,
    hpa(3600, GOT_SCALE, noMetrics(3570)),
    { status: 'Degraded', message: NO_METRICS_MESSAGE },
  ],
  ['HPA: one second past the grace period is Degraded', HPA_HEALTH, hpa(GRACE + 31, GOT_SCALE, noMetrics(GRACE + 1)), { status: 'Degraded' }],
  ['HPA: one second before the end of the grace period is Progressing', HPA_HEALTH, hpa(GRACE + 29, GOT_SCALE, noMetrics(GRACE - 1)), { status: 'Progressing' }],
  [
    'HPA: an old HPA that just lost its metrics waits out the grace period from the loss, not from creation',
    HPA_HEALTH,
    hpa(30 * 86400, GOT_SCALE, noMetrics(120)),
    { status: 'Progressing' },
  ],
  [
    'HPA: AbleToScale False FailedGetScale is Degraded at once',
    HPA_HEALTH,
    hpa(60, cond('AbleToScale', 'False', 'FailedGetScale', 'the HPA controller was unable to get the target\'s current scale: deployments/scale.apps "carts" not found', 30)),
    { status: 'Degraded', message: 'the HPA controller was unable to get the target\'s current scale: deployments/scale.apps "carts" not found' },
  ],
  [
    'HPA: AbleToScale False FailedUpdateScale is Degraded at once, whatever ScalingActive says',
    HPA_HEALTH,
    hpa(3600, cond('AbleToScale', 'False', 'FailedUpdateScale', 'the HPA controller was unable to update the target scale: forbidden', 30), cond('ScalingActive', 'True', 'ValidMetricFound', 'ok', 3000)),
    { status: 'Degraded', message: 'the HPA controller was unable to update the target scale: forbidden' },
  ],
  [
    'HPA: ScalingActive False InvalidSelector is Degraded at once, even when young',
    HPA_HEALTH,
    hpa(30, GOT_SCALE, cond('ScalingActive', 'False', 'InvalidSelector', 'the HPA target\'s scale is missing a selector', 15)),
    { status: 'Degraded', message: 'the HPA target\'s scale is missing a selector' },
  ],
  [
    'HPA: AbleToScale True and ScalingActive True ValidMetricFound is Healthy',
    HPA_HEALTH,
    hpa(
      600,
      cond('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size', 400),
      cond('ScalingActive', 'True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)', 400),
      cond('ScalingLimited', 'False', 'DesiredWithinRange', 'the desired count is within the acceptable range', 400),
    ),
    { status: 'Healthy', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' },
  ],
  [
    'HPA: ScalingDisabled (target scaled to zero on purpose) is Healthy, as in both built-in checks',
    HPA_HEALTH,
    hpa(600, GOT_SCALE, cond('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero', 300)),
    { status: 'Healthy' },
  ],
  ['ScaledObject: no status yet is Progressing', SCALED_OBJECT_HEALTH, scaledObject(1), { status: 'Progressing', message: 'Creating HorizontalPodAutoscaler Object' }],
  ['ScaledObject: the conditions KEDA starts with are Progressing', SCALED_OBJECT_HEALTH, scaledObject(2, ...KEDA_INITIAL), { status: 'Progressing' }],
  [
    'ScaledObject: Ready before KEDA’s first look at the HPA’s metrics is Progressing (a minute after making the HPA, then its 30 s loop)',
    SCALED_OBJECT_HEALTH,
    scaledObject(30, KEDA_READY, notPaused),
    { status: 'Progressing', message: 'Waiting for KEDA\'s first check of the HPA\'s metrics' },
  ],
  ['ScaledObject: Ready one second before that check is Progressing', SCALED_OBJECT_HEALTH, scaledObject(KEDA_FIRST_HPA_CHECK_SECONDS - 1, KEDA_READY, notPaused), { status: 'Progressing' }],
  ['ScaledObject: Ready once KEDA has checked is Healthy, with KEDA’s message', SCALED_OBJECT_HEALTH, scaledObject(KEDA_FIRST_HPA_CHECK_SECONDS + 1, KEDA_READY, notPaused), { status: 'Healthy', message: KEDA_READY.message }],
  [
    'ScaledObject: Ready and paused is Suspended, as in Argo CD’s own check',
    SCALED_OBJECT_HEALTH,
    scaledObject(3600, KEDA_READY, { type: 'Paused', status: 'True', reason: 'ScaledObjectPaused', message: 'ScaledObject is paused' }),
    { status: 'Suspended', message: 'ScaledObject is paused' },
  ],
  [
    'ScaledObject: a young one whose HPA has no metrics yet is Progressing, not Degraded as in Argo CD’s own check',
    SCALED_OBJECT_HEALTH,
    scaledObject(90, KEDA_NO_METRICS, notPaused),
    { status: 'Progressing', message: `Waiting for metrics: ${KEDA_NO_METRICS.message}` },
  ],
  ['ScaledObject: one second before the end of the grace period is Progressing', SCALED_OBJECT_HEALTH, scaledObject(GRACE - 1, KEDA_NO_METRICS), { status: 'Progressing' }],
  ['ScaledObject: still without metrics one second past the grace period is Degraded, with KEDA’s message', SCALED_OBJECT_HEALTH, scaledObject(GRACE + 1, KEDA_NO_METRICS), { status: 'Degraded', message: KEDA_NO_METRICS.message }],
  [
    'ScaledObject: a trigger KEDA cannot build is Degraded at once, even when young',
    SCALED_OBJECT_HEALTH,
    scaledObject(20, kedaReady('False', 'ScaledObjectCheckFailed', 'ScaledObject doesn\'t have correct triggers specification')),
    { status: 'Degraded', message: 'ScaledObject doesn\'t have correct triggers specification' },
  ],
  [
    'ScaledObject: HPA and triggers both failing (ScalingDegraded) is Degraded at once',
    SCALED_OBJECT_HEALTH,
    scaledObject(20, kedaReady('False', 'ScalingDegraded', 'Not ready because HPA is not healthy: FailedGetExternalMetric and SO is not healthy: TriggerError')),
    { status: 'Degraded' },
  ],
  ['ScaledObject: fallback replicas in use is Degraded', SCALED_OBJECT_HEALTH, scaledObject(3600, KEDA_READY, { type: 'Fallback', status: 'True', message: 'At least one trigger is falling back on this scaled object' }), { status: 'Degraded' }],
];

/** Library probes: each must fail in Argo CD's VM, so the HPA cases above prove the script needs none of them. */
const probes: Array<[string, string, Partial<Health> | RegExp]> = [
  ['has no string library', 'return { status = "Healthy", message = string.format("%d", 1) }', /global 'string'/],
  ['has no string methods either', 'return { status = "Healthy", message = ("x"):upper() }', /attempt to index a string value/],
  ['has no math library', 'return { status = "Healthy", message = tostring(math.floor(1.5)) }', /global 'math'/],
  ['has no global os', 'return { status = "Healthy", message = tostring(os.time()) }', /global 'os'/],
  ['has no io library', 'return { status = "Healthy", message = tostring(io.open("/etc/passwd")) }', /global 'io'/],
  [
    'gives time and date only through require("os")',
    'local os = require("os"); local n = 0; for _ in pairs(os) do n = n + 1 end; return { status = "Healthy", message = tostring(n) .. " " .. tostring(os.execute) .. " " .. tostring(os.getenv) }',
    { status: 'Healthy', message: '2 nil nil' },
  ],
  [
    'turns "now minus N" into a Kubernetes (RFC 3339, UTC) timestamp with os.date',
    'local os = require("os"); return { status = "Healthy", message = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 600) }',
    { status: 'Healthy', message: ago(600) },
  ],
];

let results: LuaHealth[];
let probeResults: LuaHealth[];
beforeAll(() => {
  // One child process for everything; every case runs in the restricted VM (argocd-cm scripts get no open libraries).
  const all = runLua([...cases.map(([, script, obj]) => ({ script, obj, now: NOW })), ...probes.map(([, script]) => ({ script, obj: {}, now: NOW }))]);
  results = all.slice(0, cases.length);
  probeResults = all.slice(cases.length);
});

test.each(cases.map((c, i) => [c[0], i, c[3]] as const))('%s', (_name, i, expected) => {
  expect(results[i]).toMatchObject(expected);
});

describe('the HPA check runs in Argo CD’s restricted Lua VM', () => {
  test.each(probes.map((p, i) => [p[0], i, p[2]] as const))('the VM %s', (_name, i, expected) => {
    if (expected instanceof RegExp) {
      expect(probeResults[i].status).toBe('Unknown');
      expect(probeResults[i].message).toMatch(expected);
    } else {
      expect(probeResults[i]).toEqual(expected);
    }
  });

  test.each([
    ['HPA', HPA_HEALTH, 10],
    ['ScaledObject', SCALED_OBJECT_HEALTH, 11],
  ] as const)('no %s case errored: none came back Unknown', (_kind, script, least) => {
    const own = results.filter((_, i) => cases[i][1] === script);
    expect(own.length).toBeGreaterThanOrEqual(least);
    for (const r of own) expect(r.status).not.toBe('Unknown');
  });

  /** A script without its string literals and comments. */
  const codeOf = (script: string) => script.replace(/"[^"]*"/g, '""').replace(/--[^\n]*/g, '');

  test.each([
    ['HPA', HPA_HEALTH],
    ['ScaledObject', SCALED_OBJECT_HEALTH],
  ] as const)('the %s script names no library Argo CD does not open, and only os.time and os.date from require("os")', (_kind, script) => {
    const code = codeOf(script);
    expect(code).not.toMatch(/\b(string|math|io|utf8|coroutine|debug|bit32)\s*\./);
    expect(code).not.toMatch(/[\w)\]]\s*:\s*\w+\s*\(/); // no method calls (strings have no methods without the string library)
    expect(script).toMatch(/^local os = require\("os"\)$/m);
    expect([...new Set([...code.matchAll(/\bos\.(\w+)/g)].map((m) => m[1]))].sort()).toEqual(['date', 'time']);
  });

  test.each([
    ['HPA', HPA_HEALTH],
    ['ScaledObject', SCALED_OBJECT_HEALTH],
  ] as const)('the %s script keeps to what Lua 5.1 (gopher-lua) and 5.4 share', (_kind, script) => {
    expect(codeOf(script)).not.toMatch(/\bgoto\b|\/\/|<const>|<close>|[&|]|~(?!=)|<<|>>/);
  });
});

test('the HPA check is registered in argocd-cm under the key Argo CD looks up for autoscaling/HorizontalPodAutoscaler', () => {
  expect(healthCustomizations()['resource.customizations.health.autoscaling_HorizontalPodAutoscaler']).toBe(HPA_HEALTH);
});

test('the ScaledObject check is registered under the key Argo CD looks up for keda.sh/ScaledObject (replacing its built-in Lua)', () => {
  expect(healthCustomizations()['resource.customizations.health.keda.sh_ScaledObject']).toBe(SCALED_OBJECT_HEALTH);
});
