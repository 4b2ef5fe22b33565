/**
 * Argo CD health assessments the sync waves depend on, as argocd-cm entries.
 *
 * - Application: Argo CD removed the health assessment of Applications in 1.8, so an app of apps
 *   would not wait for a wave's children to be healthy before starting the next wave. Restored here.
 * - ACK resources: recent Argo CD releases carry health checks for some ACK kinds, but not for every
 *   kind rendered here in every release; one explicit check for all of them keeps the behaviour the
 *   same whichever Argo CD version the chart brings: Ready (or ACK.ResourceSynced) -> Healthy,
 *   ACK.Terminal -> Degraded, anything else -> Progressing.
 * - HorizontalPodAutoscaler: new HPAs have no metrics for their first minutes; see HPA_HEALTH.
 * - KEDA ScaledObject: the same first minutes, seen through KEDA; see SCALED_OBJECT_HEALTH.
 * - PodDisruptionBudget needs no override: Argo CD's built-in check (resource_customizations/policy/
 *   PodDisruptionBudget/health.lua) takes DisruptionAllowed=False InsufficientPods, the state of a new
 *   PDB whose pods are not ready yet, as Healthy, so it never fails a wave (test/first-install.test.ts).
 *
 * Argo CD (v3.4, util/lua/lua.go runLuaWithResourceActionParameters) runs scripts from argocd-cm with
 * only the base, table and package libraries: no `string`, no `math`, no global `os`;
 * `local os = require("os")` gives a safe os with `time` and `date` only (util/lua/oslib_safe.go).
 * It runs them in gopher-lua (Lua 5.1); the scripts keep to what Lua 5.1 and 5.4 share.
 * A script set here for a kind fully replaces Argo CD's built-in check of that kind
 * (gitops-engine/pkg/health/health.go:78-90).
 */

export const APPLICATION_HEALTH = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
end
return hs
`;

/** Lua shared by the ACK checks: a terminal condition means Degraded, with the controller's message. */
const DEGRADED_IF_TERMINAL = `if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "ACK.Terminal" and c.status == "True" then
      return { status = "Degraded", message = c.message or "terminal error" }
    end
  end
end
`;

export const ACK_HEALTH = `hs = { status = "Progressing", message = "waiting for the ACK controller" }
${DEGRADED_IF_TERMINAL}if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if (c.type == "Ready" or c.type == "ACK.ResourceSynced") and c.status == "True" then
      hs.status = "Healthy"
      hs.message = c.message or "in sync with AWS"
      return hs
    end
    if c.type == "ACK.Recoverable" and c.status == "True" then
      hs.message = c.message or "recoverable error, retrying"
    end
  end
end
return hs
`;

/**
 * FieldExport: the ACK runtime clears its conditions once an export succeeds and never sets Ready, so
 * no condition means done; only a Terminal or Recoverable condition means trouble.
 */
export const FIELD_EXPORT_HEALTH = `hs = { status = "Healthy", message = "exported" }
${DEGRADED_IF_TERMINAL}if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "ACK.Recoverable" and c.status == "True" then
      hs.status = "Progressing"
      hs.message = c.message or "recoverable error, retrying"
    end
  end
end
return hs
`;

/** The ACK kinds the data tier renders, by API group, with the health script each gets. */
export const ACK_KINDS: Record<string, string[]> = {
  'rds.services.k8s.aws': ['GlobalCluster', 'DBCluster', 'DBInstance', 'DBSubnetGroup', 'DBClusterParameterGroup'],
  'elasticache.services.k8s.aws': ['ReplicationGroup', 'CacheSubnetGroup'],
  'services.k8s.aws': ['FieldExport'],
};

/**
 * How long an HPA may go without metrics before it is Degraded: 10 minutes, counted from the moment
 * its ScalingActive condition last changed (for a new HPA: its first metrics read, ~15-30 s after
 * creation). A new service needs, before its HPA sees a metric: a node from Karpenter (~1-2 min on an
 * empty cluster), the image pull, the JVM start (the startup probe allows 36 x 5 s = 3 min), then one
 * metrics-server scrape after the pod is Ready (the HPA ignores a pod's CPU sample taken before one
 * metric window has passed since readiness: kubernetes pkg/controller/podautoscaler/replica_calculator.go
 * groupPods) and the HPA's next 15 s sync: 5-7 minutes at worst. 10 minutes is that with margin, and
 * equals the Deployments' progressDeadlineSeconds (600), after which Argo CD calls a rollout Degraded
 * too. Shorter would fail slow but sound first installs; longer would only delay reporting a broken
 * metrics-server, which stays Progressing (visible, and blocking the waves) until then.
 */
export const HPA_METRICS_GRACE_SECONDS = 600;

/**
 * When KEDA has first looked at a new ScaledObject's HPA: its grace of one minute after making the HPA
 * (kedacore/keda v2.20.1 pkg/scaling/executor/scale_scaledobjects.go:37-38) plus one scale loop (the
 * ScaledObject's pollingInterval, 30 s by default: apis/keda/v1alpha1/withtriggers_types.go:51).
 */
export const KEDA_FIRST_HPA_CHECK_SECONDS = 90;

/** Lua: the object's status condition of a type, or nil (the HPA and ScaledObject checks share it). */
const LUA_CONDITION = `local function condition(conditionType)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end
`;

/**
 * HorizontalPodAutoscaler (autoscaling/v2). A new HPA reports ScalingActive=False
 * FailedGetResourceMetric until its pods have metrics. Argo CD v3.4.4's built-in check
 * (gitops-engine/pkg/health/health_hpa.go:132-175) takes the first condition that matches, so
 * AbleToScale=True (written before ScalingActive) makes it Healthy even when metrics never come;
 * v3.5+ (health_hpa.go:86-125, argo-cd #26274) calls any FailedGetResourceMetric Degraded, and a
 * Degraded child fails the root's sync (gitops-engine/pkg/sync/sync_context.go) instead of making
 * it wait. This check:
 * - no ScalingActive condition yet (no status, or only the first rescale to minReplicas) -> Progressing;
 * - AbleToScale=False (FailedGetScale, FailedUpdateScale) -> Degraded;
 * - ScalingActive=True -> Healthy;
 * - ScalingActive=False InvalidSelector or InvalidMetricSourceType (a spec error) -> Degraded;
 * - ScalingActive=False ScalingDisabled (target scaled to 0 on purpose) -> Healthy, as both built-ins;
 * - ScalingActive=False for missing metrics -> Progressing for HPA_METRICS_GRACE_SECONDS, then
 *   Degraded with the controller's message, so a broken metrics-server is not hidden.
 *
 * Time: without the string library a timestamp cannot be parsed, so the script formats "now minus
 * the grace period" the way Kubernetes writes timestamps (RFC 3339, UTC, seconds) and compares the
 * strings, which sort like the times they denote. Argo CD's os.date ignores the leading "!" when
 * given a time (oslib_safe.go osDate: time.Unix is local time), so this assumes the application
 * controller runs in UTC, as the Argo CD image does (no TZ set).
 */
export const HPA_HEALTH = `-- HorizontalPodAutoscaler health (securecart platform, cluster/addons/gitops-bootstrap/health-checks.ts).
-- Missing metrics are Progressing for GRACE_SECONDS after ScalingActive turned False, then Degraded.
-- Timestamps are compared as strings (RFC 3339, UTC, as Kubernetes writes them). Given a time,
-- os.date renders it in the controller's time zone (Argo CD then ignores "!"): the Argo CD image runs in UTC.
local os = require("os")
local GRACE_SECONDS = ${HPA_METRICS_GRACE_SECONDS}

${LUA_CONDITION}
local ableToScale = condition("AbleToScale")
local scalingActive = condition("ScalingActive")

if ableToScale ~= nil and ableToScale.status == "False" then
  return { status = "Degraded", message = ableToScale.message or ableToScale.reason or "AbleToScale is False" }
end
if scalingActive == nil then
  return { status = "Progressing", message = "Waiting for the HPA controller to read metrics" }
end
if scalingActive.status == "True" then
  return { status = "Healthy", message = scalingActive.message or "" }
end
if scalingActive.reason == "InvalidSelector" or scalingActive.reason == "InvalidMetricSourceType" then
  return { status = "Degraded", message = scalingActive.message or scalingActive.reason }
end
if scalingActive.reason == "ScalingDisabled" then
  return { status = "Healthy", message = scalingActive.message or "" }
end

local since = scalingActive.lastTransitionTime or obj.metadata.creationTimestamp
local cutoff = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - GRACE_SECONDS)
if since ~= nil and since > cutoff then
  return { status = "Progressing", message = "Waiting for metrics: " .. (scalingActive.message or "") }
end
return { status = "Degraded", message = scalingActive.message or scalingActive.reason or "no metrics" }
`;

/**
 * KEDA ScaledObject (keda.sh/v1alpha1), as Argo CD v3.4.4's own check (resource_customizations/keda.sh/
 * ScaledObject/health.lua: Ready False or Fallback True -> Degraded, Ready True -> Healthy or, paused,
 * Suspended, else Progressing) with two differences, both about a new ScaledObject's HPA and its
 * metrics. KEDA sets Ready=True as soon as it has made the HPA, and only from one minute after that,
 * on its 30 s loop, copies the HPA's ScalingActive=False into Ready=False with reason
 * HPAMetricsUnavailable (kedacore/keda v2.20.1 pkg/scaling/executor/scale_scaledobjects.go:37-38
 * hpaHealthGracePeriod, checkHPAHealth; pollingInterval 30 s by default).
 * - Ready=True before KEDA's first look at the HPA (KEDA_FIRST_HPA_CHECK_SECONDS after creation) is
 *   Progressing: otherwise the apps Application would be Healthy in the seconds before the new HPA
 *   first scales its Deployment, and the root's next wave (the edge) would start on top of an HPA
 *   nobody has seen work.
 * - Ready=False HPAMetricsUnavailable is Progressing until HPA_METRICS_GRACE_SECONDS after creation,
 *   then Degraded, as the HPA check does (the built-in calls it Degraded at once, which fails the root's
 *   sync while a new service's pods are still starting), so a broken metrics-server is not hidden.
 * KEDA's conditions carry no transition time (apis/keda/v1alpha1/condition_types.go Condition), so both
 * count from the ScaledObject's creation. Any other Ready=False (a trigger KEDA cannot build,
 * ScalingDegraded) is Degraded at once.
 */
export const SCALED_OBJECT_HEALTH = `-- KEDA ScaledObject health (securecart platform, cluster/addons/gitops-bootstrap/health-checks.ts).
-- Argo CD's own rules, except that a new ScaledObject is Progressing until KEDA has looked at its HPA
-- (FIRST_CHECK_SECONDS), and HPAMetricsUnavailable is Progressing for GRACE_SECONDS after creation.
local os = require("os")
local GRACE_SECONDS = ${HPA_METRICS_GRACE_SECONDS}
local FIRST_CHECK_SECONDS = ${KEDA_FIRST_HPA_CHECK_SECONDS}

local function younger(seconds)
  local created = obj.metadata.creationTimestamp
  return created ~= nil and created > os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - seconds)
end

${LUA_CONDITION}
local ready = condition("Ready")
local paused = condition("Paused")
local fallback = condition("Fallback")

if fallback ~= nil and fallback.status == "True" then
  return { status = "Degraded", message = fallback.message or "fallback replicas in use" }
end
if ready ~= nil and ready.status == "False" then
  if ready.reason == "HPAMetricsUnavailable" and younger(GRACE_SECONDS) then
    return { status = "Progressing", message = "Waiting for metrics: " .. (ready.message or "") }
  end
  return { status = "Degraded", message = ready.message or ready.reason or "not ready" }
end
if ready ~= nil and ready.status == "True" then
  if paused ~= nil and paused.status == "True" then
    return { status = "Suspended", message = paused.message or "paused" }
  end
  if younger(FIRST_CHECK_SECONDS) then
    return { status = "Progressing", message = "Waiting for KEDA's first check of the HPA's metrics" }
  end
  return { status = "Healthy", message = ready.message or "" }
end
return { status = "Progressing", message = "Creating HorizontalPodAutoscaler Object" }
`;

/**
 * argocd-cm entries: `resource.customizations.health.<group>_<kind>` -> Lua. Argo CD turns the part
 * after `health.` into its override key `<group>/<kind>` (util/settings/settings.go
 * convertToOverrideKey) and looks a live object up by the same key (util/lua/lua.go GetConfigMapKey);
 * a core-group kind would be written with the kind alone (`resource.customizations.health.Service`).
 */
export function healthCustomizations(): Record<string, string> {
  const entries: Record<string, string> = {
    'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH,
    'resource.customizations.health.autoscaling_HorizontalPodAutoscaler': HPA_HEALTH,
    'resource.customizations.health.keda.sh_ScaledObject': SCALED_OBJECT_HEALTH,
  };
  for (const [group, kinds] of Object.entries(ACK_KINDS)) {
    for (const kind of kinds) entries[`resource.customizations.health.${group}_${kind}`] = kind === 'FieldExport' ? FIELD_EXPORT_HEALTH : ACK_HEALTH;
  }
  return entries;
}
