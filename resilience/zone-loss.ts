/**
 * Where the pods of a Deployment go after a zone is lost, followed through both schedulers that place
 * them, at the pinned versions:
 *
 * - kube-scheduler (Kubernetes 1.34) places a pod on an existing node when one passes its filters; its
 *   PodTopologySpread filter decides which zones count.
 * - Karpenter (kubernetes-sigs/karpenter v1.14.1, the core of karpenter-provider-aws 1.14.1) takes the
 *   pods kube-scheduler marked unschedulable and launches nodes for them; its own topology code decides
 *   which zone a new node goes to.
 *
 * The two disagree about a lost zone: kube-scheduler drops it (its nodes carry an untolerated
 * `unreachable:NoSchedule` taint and the spread honours taints), Karpenter keeps it, because every zone a
 * NodePool lists is a domain whether or not anything can launch there. The lost zone's pods are
 * terminating and neither counts them, so under DoNotSchedule with maxSkew 1 the lost zone is the only
 * zone Karpenter will launch into: the dead-zone trap (kubernetes-sigs/karpenter#2171). Pure functions;
 * the cases in test/zone-loss.test.ts were computed by hand.
 *
 * kube-scheduler citations name functions of kubernetes/kubernetes
 * pkg/scheduler/framework/plugins/podtopologyspread/ (common.go, filtering.go): the copy read is newer
 * than v1.34.0 (the v1.34.0 tree was not retrievable offline); the logic cited is the same since
 * NodeInclusionPolicyInPodTopologySpread went GA (locked on) in 1.33.
 */

export type InclusionPolicy = 'Honor' | 'Ignore';

/** A zone topology spread constraint of the pods (what the Deployment renders). */
export interface ZoneSpreadConstraint {
  readonly maxSkew: number;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  /** @default Ignore (kube-scheduler common.go and Karpenter topologygroup.go:90-93 treat nil as Ignore) */
  readonly nodeTaintsPolicy?: InclusionPolicy;
  /** @default Honor (same sources) */
  readonly nodeAffinityPolicy?: InclusionPolicy;
  /** @default 1 (nil minDomains is 1) */
  readonly minDomains?: number;
}

/** A Karpenter NodePool, as far as zone domains go. */
export interface NodePoolZones {
  readonly name: string;
  /**
   * Values of the pool's `topology.kubernetes.io/zone In` requirement, or 'any' without one: then the
   * pool's domains are its instance types' zones, i.e. every zone the EC2NodeClass's subnets cover
   * (topology.go:110-127 intersects pool and instance-type requirements).
   */
  readonly zones: readonly string[] | 'any';
  /**
   * Whether the pods tolerate the pool's taints. Under nodeTaintsPolicy Honor, a pool whose taints the
   * pod does not tolerate contributes no domain (topologydomaingroup.go:56-70). @default true
   */
  readonly toleratedByPods?: boolean;
}

export interface ZoneLossCase {
  /** Every zone of the region, in order. */
  readonly zones: readonly string[];
  /** The zone lost: its nodes NotReady and tainted unreachable, its pods evicted and terminating. */
  readonly lostZone: string;
  /** Pods of the Deployment (one ReplicaSet) per zone before the loss. */
  readonly podsPerZone: Readonly<Record<string, number>>;
  readonly spread: ZoneSpreadConstraint;
  /** Zones the pods' required node affinity allows. @default every zone */
  readonly podAllowedZones?: readonly string[];
  /** Karpenter's Ready NodePools (provisioner.go:276-314 skips pools that are not Ready or being deleted). */
  readonly nodePools: readonly NodePoolZones[];
  /**
   * Pods of this Deployment that still fit on existing nodes of each surviving zone (spare CPU and
   * memory), or one figure for every surviving zone. Infinity: room for all of them.
   */
  readonly spareRoom: number | Readonly<Record<string, number>>;
  /** Pods the HPA adds while the zone is down, on top of the replacements. @default 0 */
  readonly scaleOutPods?: number;
}

export type Scheduler = 'kube-scheduler' | 'karpenter';

export interface PlacedPod {
  readonly zone: string;
  /** kube-scheduler on an existing node, or Karpenter on a node it launches. */
  readonly by: Scheduler;
  /**
   * Karpenter picks at random among the valid zones with the fewest pods (topologygroup.go:226 "we return
   * any random domain"); when the lost zone is one of them it may first try there, fail to launch and
   * pick again on a later pass.
   */
  readonly lostZoneTied?: boolean;
  /**
   * Placed only after a launch into the lost zone failed: a tie with the lost zone (above), or a
   * ScheduleAnyway spread that Karpenter first treats as required and relaxes only once that fails
   * (scheduler.go:82-86 PreferencePolicyRespect, trySchedule 521-548).
   */
  readonly afterFailedLaunch?: boolean;
}

export interface ZoneLossOutcome {
  /** Pods left running in the surviving zones. */
  readonly survivors: number;
  /** Pods to place: the lost zone's pods (replaced by their ReplicaSet) and the scale-out. */
  readonly pending: number;
  readonly placed: readonly PlacedPod[];
  /** Pods neither scheduler can place; they stay Pending. */
  readonly stuck: number;
  /** Why they are stuck, in the schedulers' terms. */
  readonly stuckReason?: string;
  /** The zones each scheduler counts as domains after the loss. */
  readonly schedulerDomains: readonly string[];
  readonly karpenterDomains: readonly string[];
  /** Pods per zone once placement settles (lost zone: 0). */
  readonly podsPerZoneAfter: Readonly<Record<string, number>>;
}

const taintsPolicy = (s: ZoneSpreadConstraint): InclusionPolicy => s.nodeTaintsPolicy ?? 'Ignore';
const affinityPolicy = (s: ZoneSpreadConstraint): InclusionPolicy => s.nodeAffinityPolicy ?? 'Honor';

/**
 * Whether the nodes of a zone take part in the spread (both schedulers apply the same rule):
 * - the lost zone's nodes carry `node.kubernetes.io/unreachable:NoSchedule`, which the shop's pods do
 *   not tolerate (they tolerate only the NoExecute taints, 30 s); under Honor they are left out
 *   (kube-scheduler common.go matchNodeInclusionPolicies with DoNotScheduleTaintsFilterFunc; Karpenter
 *   topologynodefilter.go:74-78), under Ignore they stay;
 * - under affinity Honor, nodes the pod's required node affinity rejects are left out
 *   (common.go matchNodeInclusionPolicies; topologynodefilter.go:70-72).
 */
function nodesTakePart(c: ZoneLossCase, zone: string): boolean {
  if (zone === c.lostZone && taintsPolicy(c.spread) === 'Honor') return false;
  if (affinityPolicy(c.spread) === 'Honor' && c.podAllowedZones && !c.podAllowedZones.includes(zone)) return false;
  return true;
}

/**
 * Matching pods per zone. Terminating pods count nowhere: kube-scheduler countPodsMatchSelector
 * ("Bypass terminating Pod", common.go), Karpenter IgnoredForTopology (topology.go:404-407, 614-615).
 * Pods on nodes left out by the policies do not count either (topology.go:453-455). Nor do pods on
 * nodes Karpenter is deleting (in a drill, the stopped nodes its interruption handling drains):
 * Karpenter schedules them with the pending pods and leaves them out of the counts
 * (provisioner.go:375-389, topology.go:89-93 and 409-410), the same as the lost zone's evicted pods here.
 */
function initialCounts(c: ZoneLossCase): Record<string, number> {
  return Object.fromEntries(c.zones.map((z) => [z, z === c.lostZone || !nodesTakePart(c, z) ? 0 : (c.podsPerZone[z] ?? 0)]));
}

/**
 * kube-scheduler's domains: the zones with at least one node that passes the node inclusion policies
 * (filtering.go calPreFilterState: a zone is a key of TpValueToMatchNum only if a node of it passed).
 * Surviving zones always have nodes (the system node group spans every zone).
 */
export function schedulerDomains(c: ZoneLossCase): string[] {
  return c.zones.filter((z) => nodesTakePart(c, z));
}

/**
 * Karpenter's domains for the pod's zone spread:
 * 1. every value of every Ready NodePool's zone `In` requirement, unconditionally, launchable or not
 *    (topology.go:129-140), and for a pool without one the zones of its instance types
 *    (topology.go:110-127); under taints Honor only pools whose taints the pod tolerates
 *    (topologydomaingroup.go:56-70);
 * 2. the zones of existing nodes that pass the node filter (topology.go:374-394): under taints Honor
 *    the lost zone's tainted nodes do not; under Ignore they do, NotReady or not.
 */
export function karpenterDomains(c: ZoneLossCase): string[] {
  const fromPools = new Set<string>();
  for (const pool of c.nodePools) {
    if (taintsPolicy(c.spread) === 'Honor' && pool.toleratedByPods === false) continue;
    for (const z of pool.zones === 'any' ? c.zones : pool.zones) fromPools.add(z);
  }
  return c.zones.filter((z) => fromPools.has(z) || nodesTakePart(c, z));
}

/** The global minimum both schedulers compare against (minMatchNum; domainMinCount, topologygroup.go:300-319). */
function globalMinimum(domains: string[], counts: Record<string, number>, minDomains: number): number {
  if (domains.length === 0) return 0;
  // Fewer eligible domains than minDomains: the minimum is taken as 0 (filtering.go minMatchNum;
  // topologygroup.go:317-318).
  if (domains.length < minDomains) return 0;
  return Math.min(...domains.map((z) => counts[z] ?? 0));
}

/**
 * Places the lost zone's pods (and any scale-out) the way the two schedulers would, one pod at a time:
 * kube-scheduler first, on existing nodes with room; what it cannot place goes to Karpenter.
 */
export function simulateZoneLoss(c: ZoneLossCase): ZoneLossOutcome {
  if (!c.zones.includes(c.lostZone)) throw new Error(`lost zone ${c.lostZone} is not one of ${c.zones.join(', ')}`);
  const counts = initialCounts(c);
  const survivors = c.zones.filter((z) => z !== c.lostZone).reduce((n, z) => n + (c.podsPerZone[z] ?? 0), 0);
  const pending = (c.podsPerZone[c.lostZone] ?? 0) + (c.scaleOutPods ?? 0);
  const room: Record<string, number> = Object.fromEntries(
    c.zones.map((z) => [z, z === c.lostZone ? 0 : typeof c.spareRoom === 'number' ? c.spareRoom : (c.spareRoom[z] ?? 0)]),
  );
  const allowed = (z: string) => !c.podAllowedZones || c.podAllowedZones.includes(z);
  const minDomains = c.spread.minDomains ?? 1;
  const ksDomains = schedulerDomains(c);
  const kDomains = karpenterDomains(c);
  // Karpenter: the pod's domains are those its own required affinity allows (topology.go:229-237);
  // a new node can go to the pools' zones the pod allows (nodeclaim.go:130-136). The same for every pod.
  const podDomains = kDomains.filter(allowed);
  const poolZones = new Set(c.nodePools.flatMap((p) => (p.zones === 'any' ? [...c.zones] : [...p.zones])));
  const candidates = podDomains.filter((z) => poolZones.has(z));
  const launchable = (z: string) => z !== c.lostZone;
  const placed: PlacedPod[] = [];
  let stuck = 0;
  let stuckReason: string | undefined;

  for (let i = 0; i < pending; i++) {
    // kube-scheduler: a node passes TaintToleration (the lost zone's never does), node affinity, room
    // and, for DoNotSchedule, the skew check count + 1 - min <= maxSkew (filtering.go Filter); among
    // those it scores lower counts higher (scoring.go), so the fullest zones are left alone.
    const ksMin = globalMinimum(ksDomains, counts, minDomains);
    const ksFeasible = c.zones.filter(
      (z) => z !== c.lostZone && allowed(z) && room[z] > 0 && (c.spread.whenUnsatisfiable === 'ScheduleAnyway' || counts[z] + 1 - ksMin <= c.spread.maxSkew),
    );
    if (ksFeasible.length > 0) {
      const zone = ksFeasible.reduce((best, z) => (counts[z] < counts[best] ? z : best));
      room[zone] -= 1;
      counts[zone] += 1;
      placed.push({ zone, by: 'kube-scheduler' });
      continue;
    }

    // Karpenter (podDomains, candidates above the loop).
    let zone: string | undefined;
    let lostZoneTied = false;
    let afterFailedLaunch = false;
    // Karpenter treats a ScheduleAnyway spread as required first (scheduler.go:82-86) and drops it only
    // when the pod does not schedule with it (preferences.go:90-100, scheduler.go:521-548).
    const min = globalMinimum(podDomains, counts, minDomains);
    // Valid zones satisfy count + 1 - min <= maxSkew; of those Karpenter takes one with the fewest pods,
    // at random among ties (topologygroup.go:229-296). Only that zone is tried for the node.
    const valid = candidates.filter((z) => counts[z] + 1 - min <= c.spread.maxSkew);
    const fewest = valid.length ? Math.min(...valid.map((z) => counts[z])) : 0;
    const tied = valid.filter((z) => counts[z] === fewest);
    const options = tied.filter(launchable);
    if (options.length > 0) {
      zone = options[0];
      lostZoneTied = tied.some((z) => !launchable(z));
      afterFailedLaunch = lostZoneTied;
    } else if (c.spread.whenUnsatisfiable === 'ScheduleAnyway') {
      // Relaxed: any launchable zone will do. If the required form chose the lost zone, a launch there
      // failed first (ICE marks the offerings unavailable, then the pod no longer fits with the spread);
      // if it chose nothing, the relaxation is immediate.
      const relaxed = candidates.filter(launchable);
      zone = relaxed.length ? relaxed.reduce((best, z) => (counts[z] < counts[best] ? z : best)) : undefined;
      afterFailedLaunch = tied.length > 0;
      if (!zone) stuckReason = 'no NodePool can launch in a surviving zone the pods allow';
    } else if (valid.length === 0) {
      stuckReason = `no zone satisfies maxSkew ${c.spread.maxSkew} against a global minimum of ${min}`;
    } else {
      stuckReason =
        `Karpenter counts ${c.lostZone} as a domain with 0 pods (NodePool ${c.nodePools.filter((p) => p.zones === 'any' || p.zones.includes(c.lostZone)).map((p) => p.name).join(', ') || 'zones'} ` +
        `list it; topology.go:129-140), the global minimum, so the zone it picks for a new node (the valid one with the fewest pods) is the lost one`;
    }
    if (!zone) {
      stuck += 1;
      continue;
    }
    counts[zone] += 1;
    placed.push({ zone, by: 'karpenter', ...(lostZoneTied ? { lostZoneTied } : {}), ...(afterFailedLaunch ? { afterFailedLaunch } : {}) });
  }

  return {
    survivors,
    pending,
    placed,
    stuck,
    ...(stuck ? { stuckReason } : {}),
    schedulerDomains: ksDomains,
    karpenterDomains: kDomains,
    podsPerZoneAfter: Object.fromEntries(c.zones.map((z) => [z, z === c.lostZone ? 0 : counts[z]])),
  };
}

/**
 * What regions[].evacuatedZones does to the NodePools (charts/platform-chart.ts, config/karpenter.ts
 * launchableZones): the zone leaves every pool's zone requirement. A pool without one keeps every zone
 * its subnets cover; evacuation cannot help it, and the report says so.
 */
export function evacuate(pools: readonly NodePoolZones[], zone: string): NodePoolZones[] {
  return pools.map((p) => ({ ...p, zones: p.zones === 'any' ? 'any' : p.zones.filter((z) => z !== zone) }));
}

/** Seconds from the loss of a zone to each event of the recovery. */
export interface ZoneLossTimings {
  /** The node lifecycle controller marks the lost nodes NotReady and taints them (node-monitor-grace-period). */
  readonly nodeMonitorGraceSeconds: number;
  /** The pods' toleration of the unreachable taint: then they are evicted and their ReplicaSet replaces them. */
  readonly tolerationSeconds: number;
  /** A pod on a node with room: scheduled, image pulled, started, ready. */
  readonly podStartSeconds: number;
  /** Karpenter launches and registers a node. */
  readonly karpenterNodeSeconds: number;
  /** A launch into the lost zone, tried and failed, before Karpenter picks again. */
  readonly failedLaunchSeconds: number;
  /** From the loss until the evacuation commit is applied by Argo CD (a person decides and pushes). */
  readonly evacuationSeconds: number;
}

/** Nothing done, or a person's change (by default the evacuation) applied at `evacuationSeconds`. */
export type Mitigation = 'none' | 'evacuation';

export interface ZoneLossTimeline {
  readonly outcome: ZoneLossOutcome;
  /** Outcome after the evacuation commit (mitigation 'evacuation' only). */
  readonly afterEvacuation?: ZoneLossOutcome;
  /** Seconds after the loss at which each placed pod is ready, ascending. */
  readonly readyAt: readonly number[];
  /** Pods that never come back while the zone is out. */
  readonly neverBack: number;
  /** Seconds until `needed` pods run again (0: the survivors suffice; null: not while the zone is out). */
  readonly neededBackSeconds: number | null;
}

/**
 * The recovery over time. Without mitigation the schedulers place what they can once the pods are
 * evicted; with evacuation, what was stuck is placed again by Karpenter once the commit is applied,
 * against NodePools without the lost zone.
 */
export function zoneLossTimeline(
  c: ZoneLossCase,
  mitigation: Mitigation,
  needed: number,
  t: ZoneLossTimings,
  /** What the person's change does to the case. @default the lost zone evacuated from every NodePool */
  change: (c: ZoneLossCase) => ZoneLossCase = (x) => ({ ...x, nodePools: evacuate(x.nodePools, x.lostZone) }),
): ZoneLossTimeline {
  const outcome = simulateZoneLoss(c);
  const evicted = t.nodeMonitorGraceSeconds + t.tolerationSeconds;
  const readyOf = (p: PlacedPod, from: number) => from + (p.afterFailedLaunch ? t.failedLaunchSeconds : 0) + (p.by === 'karpenter' ? t.karpenterNodeSeconds : 0) + t.podStartSeconds;
  const readyAt = outcome.placed.map((p) => readyOf(p, evicted));
  let neverBack = outcome.stuck;
  let afterEvacuation: ZoneLossOutcome | undefined;
  if (mitigation === 'evacuation' && outcome.stuck > 0) {
    // The stuck pods, placed again once the change is applied (what kube-scheduler placed stays put).
    const podsPerZone = { ...outcome.podsPerZoneAfter, [c.lostZone]: outcome.stuck };
    afterEvacuation = simulateZoneLoss({ ...change(c), podsPerZone, scaleOutPods: 0, spareRoom: 0 });
    const applied = Math.max(evicted, t.evacuationSeconds);
    readyAt.push(...afterEvacuation.placed.map((p) => readyOf(p, applied)));
    neverBack = afterEvacuation.stuck;
  }
  readyAt.sort((a, b) => a - b);
  const missing = needed - outcome.survivors;
  const neededBackSeconds = missing <= 0 ? 0 : missing <= readyAt.length ? readyAt[missing - 1] : null;
  return { outcome, ...(afterEvacuation ? { afterEvacuation } : {}), readyAt, neverBack, neededBackSeconds };
}
