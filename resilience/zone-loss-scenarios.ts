/**
 * The zone-loss scenarios of the report, built from what Argo CD applies: each Deployment's zone
 * spread and tolerations, each region's NodePools. The scheduling itself is resilience/zone-loss.ts.
 */
import { ZONE_LABEL } from '../config/karpenter';
import { PLATFORM_COMPONENTS, PLATFORM_EVICTION_SECONDS, PlatformComponent } from '../config/platform-components';
import { zoneDistribution } from './capacity';
import { FIGURES } from './figures';
import { Mitigation, NodePoolZones, ZoneLossCase, zoneLossTimeline, ZoneLossTimeline, ZoneLossTimings, ZoneSpreadConstraint } from './zone-loss';

/** A rendered object, as much of it as is read here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RenderedObject = { kind: string; metadata: { name: string }; spec?: any };

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}
interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** Whether a toleration matches a taint (core/v1 Toleration semantics: empty key with Exists matches all). */
function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
}

/** The region's NodePools as the zone-loss model sees them, read from the rendered platform chart. */
export function nodePoolZones(objects: RenderedObject[], podTolerations: Toleration[]): NodePoolZones[] {
  return objects
    .filter((o) => o.kind === 'NodePool')
    .map((o) => {
      const zoneReq = (o.spec.template.spec.requirements ?? []).find((r: { key: string; operator: string }) => r.key === ZONE_LABEL && r.operator === 'In');
      const taints: Taint[] = o.spec.template.spec.taints ?? [];
      return {
        name: o.metadata.name,
        zones: zoneReq ? [...zoneReq.values] : 'any',
        toleratedByPods: taints.every((taint) => podTolerations.some((t) => tolerates(t, taint))),
      };
    });
}

/**
 * A Deployment's zone spread (the one on topology.kubernetes.io/zone). Without one nothing keeps
 * replicas apart: the same as ScheduleAnyway (no guarantee).
 */
export function zoneSpreadOf(deployment: RenderedObject): ZoneSpreadConstraint {
  const c = (deployment.spec.template.spec.topologySpreadConstraints ?? []).find((x: { topologyKey: string }) => x.topologyKey === ZONE_LABEL);
  if (!c) return { maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' };
  return { maxSkew: c.maxSkew, whenUnsatisfiable: c.whenUnsatisfiable, nodeTaintsPolicy: c.nodeTaintsPolicy, nodeAffinityPolicy: c.nodeAffinityPolicy, minDomains: c.minDomains };
}

/** Seconds a Deployment's pods stay on an unreachable node (Kubernetes adds 300 s when the pod says nothing). */
export function unreachableToleration(deployment: RenderedObject): number {
  const t = (deployment.spec.template.spec.tolerations ?? []).find((x: Toleration) => x.key === 'node.kubernetes.io/unreachable' && x.effect === 'NoExecute');
  return t?.tolerationSeconds ?? 300;
}

/** The timings the report uses for a Deployment. */
export function zoneLossTimings(deployment: RenderedObject): ZoneLossTimings {
  return {
    nodeMonitorGraceSeconds: FIGURES.nodeMonitorGrace.seconds,
    tolerationSeconds: unreachableToleration(deployment),
    podStartSeconds: FIGURES.podStart.seconds,
    karpenterNodeSeconds: FIGURES.karpenterNode.seconds,
    failedLaunchSeconds: FIGURES.failedLaunch.seconds,
    evacuationSeconds: FIGURES.evacuationDecision.seconds + FIGURES.gitopsApply.seconds,
  };
}

export type Load = 'normal' | 'peak';
export type Room = 'room' | 'no room';

export interface ZoneLossScenario {
  readonly load: Load;
  readonly room: Room;
  readonly mitigation: Mitigation;
  /** Pods before the loss, and the pods the load needs. */
  readonly pods: number;
  readonly needed: number;
  readonly lostZone: string;
  readonly timeline: ZoneLossTimeline;
}

/**
 * The scenarios of one service in one region: at its floor (normal load, needing its required
 * replicas) and at its ceiling (the peak, needing all of them); with room on the surviving nodes for
 * every replacement, or none; as rendered, and with the lost zone evacuated. The zone lost is the one
 * the spread fills first (the most pods).
 */
export function zoneLossScenarios(input: {
  zones: string[];
  deployment: RenderedObject;
  nodePools: NodePoolZones[];
  minReplicas: number;
  maxReplicas: number;
  required: number;
  /** The zone lost. @default the first zone, which the spread fills first (the most pods) */
  lostZone?: string;
}): ZoneLossScenario[] {
  const spread = zoneSpreadOf(input.deployment);
  const timings = zoneLossTimings(input.deployment);
  const out: ZoneLossScenario[] = [];
  for (const load of ['normal', 'peak'] as const) {
    const pods = load === 'normal' ? input.minReplicas : input.maxReplicas;
    const needed = load === 'normal' ? input.required : input.maxReplicas;
    const perZone = zoneDistribution(pods, { zones: input.zones.length, maxSkew: spread.maxSkew, whenUnsatisfiable: 'DoNotSchedule' }).balanced;
    const podsPerZone = Object.fromEntries(input.zones.map((z, i) => [z, perZone[i]]));
    const lostZone = input.lostZone ?? input.zones[0];
    for (const [room, mitigation] of [
      ['room', 'none'],
      ['no room', 'none'],
      ['no room', 'evacuation'],
    ] as const) {
      const c: ZoneLossCase = {
        zones: input.zones,
        lostZone,
        podsPerZone,
        spread,
        nodePools: input.nodePools,
        spareRoom: room === 'room' ? Number.POSITIVE_INFINITY : 0,
      };
      out.push({ load, room, mitigation, pods, needed, lostZone, timeline: zoneLossTimeline(c, mitigation, needed, timings) });
    }
  }
  return out;
}

/** A platform component under a zone loss: what survives and when it serves again. */
export interface PlatformComponentRow {
  readonly component: PlatformComponent;
  /** Replicas left after the worst zone loss. */
  readonly survivors: number;
  /** Seconds until it serves again after the worst zone loss (0: throughout), or null: a person acts. */
  readonly backSeconds: number | null;
  readonly how: string;
}

/** The platform components with their survivors over `zones` zones (config/platform-components.ts). */
export function platformComponentRows(zones: number, components: readonly PlatformComponent[] = PLATFORM_COMPONENTS): PlatformComponentRow[] {
  const evicted = FIGURES.nodeMonitorGrace.seconds + PLATFORM_EVICTION_SECONDS;
  return components.map((c) => {
    if (c.mode === 'per-node') return { component: c, survivors: Number.POSITIVE_INFINITY, backSeconds: 0, how: 'every surviving node keeps its own' };
    const survivors = c.zoneSpread ? zoneDistribution(c.replicas, { zones, maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' }).survivorsAfterZoneLoss : 0;
    if (survivors > 0 && c.mode === 'leader-election') return { component: c, survivors, backSeconds: FIGURES.leaderLease.seconds, how: `a standby takes the lease within ${FIGURES.leaderLease.seconds} s` };
    // The node lifecycle controller marks the pods of a NotReady node not ready, which takes them out of
    // their Services' endpoints.
    if (survivors > 0) return { component: c, survivors, backSeconds: 0, how: `the survivor serves throughout; the lost replica leaves the endpoints when its node goes NotReady (${FIGURES.nodeMonitorGrace.seconds} s)` };
    if (c.statefulSet) return { component: c, survivors, backSeconds: null, how: `a StatefulSet pod on a lost node is never replaced: a person deletes it${c.manualRecovery ? ` (${c.manualRecovery})` : ''}` };
    return { component: c, survivors, backSeconds: evicted + FIGURES.podStart.seconds, how: `evicted at ${evicted} s and started again elsewhere` };
  });
}

/**
 * What breaks the rule that the recovery's own parts survive: a component the shop needs during a zone
 * loss that keeps no replica, does not come back by itself without a runbook step, or comes back later
 * than the evacuation is planned.
 */
export function platformViolations(rows: PlatformComponentRow[]): string[] {
  const violations: string[] = [];
  for (const p of rows.filter((x) => x.component.neededDuringZoneLoss)) {
    const c = p.component;
    if (c.mode !== 'single' && p.survivors < 1) {
      violations.push(`AZ loss: ${c.name}, which the shop needs during a zone loss, keeps no replica: run at least 2 spread over zones (config/platform-components.ts)`);
    } else if (p.backSeconds === null && !c.manualRecovery) {
      violations.push(`AZ loss: ${c.name}, which the shop needs during a zone loss, does not come back by itself and no runbook step brings it back: give it manualRecovery (config/platform-components.ts) or replicas that survive`);
    } else if (p.backSeconds !== null && p.backSeconds > FIGURES.evacuationDecision.seconds) {
      violations.push(`AZ loss: ${c.name}, which the evacuation needs, is back only after ${p.backSeconds} s, later than the ${FIGURES.evacuationDecision.seconds} s the evacuation is planned at: shorten its tolerations or run 2 replicas`);
    }
  }
  return violations;
}
