/**
 * The arithmetic of the resilience report: where a Deployment's replicas can be under its zone
 * spread, what survives the loss of a zone, whether a PodDisruptionBudget lets a drain proceed, and
 * how fast an HPA can scale out under its behavior. Pure functions, checked against hand-computed cases.
 */

export type WhenUnsatisfiable = 'DoNotSchedule' | 'ScheduleAnyway';

export interface ZoneSpread {
  readonly zones: number;
  readonly maxSkew: number;
  readonly whenUnsatisfiable: WhenUnsatisfiable;
}

export interface ZoneDistribution {
  /** The even spread, largest zone first (what the scheduler aims for), e.g. [2, 1, 1]. */
  readonly balanced: number[];
  /** Worst case the spread allows in one zone: what the loss of that zone takes. */
  readonly maxInOneZone: number;
  /** Replicas guaranteed to survive the loss of any one zone. */
  readonly survivorsAfterZoneLoss: number;
}

/**
 * Replicas per zone for `replicas` pods. With DoNotSchedule, zone counts differ by at most maxSkew,
 * so one zone holds at most m where m + (zones - 1)(m - maxSkew) <= replicas, i.e.
 * m = floor((replicas + (zones - 1) * maxSkew) / zones). ScheduleAnyway is only a preference: nothing
 * stops every replica landing in one zone, so nothing is guaranteed to survive its loss.
 */
export function zoneDistribution(replicas: number, spread: ZoneSpread): ZoneDistribution {
  if (spread.zones < 1) throw new Error(`zone spread over ${spread.zones} zones: need at least 1`);
  const base = Math.floor(replicas / spread.zones);
  const extra = replicas % spread.zones;
  const balanced = Array.from({ length: spread.zones }, (_, i) => base + (i < extra ? 1 : 0));
  const maxInOneZone =
    spread.whenUnsatisfiable === 'DoNotSchedule'
      ? Math.min(replicas, Math.floor((replicas + (spread.zones - 1) * spread.maxSkew) / spread.zones))
      : replicas;
  return { balanced, maxInOneZone, survivorsAfterZoneLoss: replicas - maxInOneZone };
}

/** A PodDisruptionBudget as rendered: either field may be an integer or a percentage. */
export interface DisruptionBudget {
  readonly maxUnavailable?: number | string;
  readonly minAvailable?: number | string;
}

/** Pods a drain may evict at once at `replicas` healthy pods (0: the drain blocks). */
export function evictionsAllowed(pdb: DisruptionBudget, replicas: number): number {
  const resolve = (v: number | string, roundUp: boolean) => {
    if (typeof v === 'number') return v;
    const pct = Number(v.replace('%', '')) / 100;
    return roundUp ? Math.ceil(pct * replicas) : Math.floor(pct * replicas);
  };
  // Kubernetes rounds percentages up for both fields.
  if (pdb.maxUnavailable !== undefined) return Math.max(0, Math.min(replicas, resolve(pdb.maxUnavailable, true)));
  if (pdb.minAvailable !== undefined) return Math.max(0, replicas - resolve(pdb.minAvailable, true));
  return replicas;
}

/** An HPA scale-up rule set as rendered (autoscaling/v2 behavior.scaleUp). */
export interface ScaleUpBehavior {
  readonly stabilizationWindowSeconds?: number;
  readonly selectPolicy?: 'Max' | 'Min' | 'Disabled';
  readonly policies: Array<{ type: 'Pods' | 'Percent'; value: number; periodSeconds: number }>;
}

export interface ScaleOut {
  /** Scaling steps from `from` to `to`. */
  readonly steps: number;
  /** Seconds the policies need for those steps (after the stabilization window). */
  readonly seconds: number;
  /** Replicas after each step. */
  readonly path: number[];
}

/**
 * Fastest scale-out the policies allow from `from` to `to` replicas, one step per policy period (the
 * HPA re-evaluates every 15 s; all our policies use that period). Time for metrics to show the load
 * and for new pods to start is not included.
 */
export function scaleOut(behavior: ScaleUpBehavior, from: number, to: number): ScaleOut {
  if (behavior.selectPolicy === 'Disabled') throw new Error('scale-up is disabled: the HPA would never scale out');
  if (behavior.policies.length === 0) throw new Error('no scale-up policy');
  const period = Math.max(...behavior.policies.map((p) => p.periodSeconds));
  const path: number[] = [];
  let replicas = from;
  while (replicas < to) {
    const allowed = behavior.policies.map((p) => replicas + (p.type === 'Pods' ? p.value : Math.ceil((replicas * p.value) / 100)));
    const next = behavior.selectPolicy === 'Min' ? Math.min(...allowed) : Math.max(...allowed);
    if (next <= replicas) throw new Error(`scale-up policies never add a replica at ${replicas}`);
    replicas = Math.min(to, next);
    path.push(replicas);
  }
  return { steps: path.length, seconds: (behavior.stabilizationWindowSeconds ?? 0) + path.length * period, path };
}
