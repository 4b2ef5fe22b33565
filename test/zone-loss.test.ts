/**
 * The zone-loss model (resilience/zone-loss.ts) against cases computed by hand from the schedulers'
 * source: kube-scheduler's PodTopologySpread filter (kubernetes/kubernetes
 * pkg/scheduler/framework/plugins/podtopologyspread: calPreFilterState, minMatchNum, Filter) and
 * Karpenter v1.14.1's provisioning topology (kubernetes-sigs/karpenter
 * pkg/controllers/provisioning/scheduling/topology.go, topologygroup.go, preferences.go).
 */
import { evacuate, karpenterDomains, NodePoolZones, schedulerDomains, simulateZoneLoss, ZoneLossCase, zoneLossTimeline, ZoneLossTimings } from '../resilience/zone-loss';

const ZONES = ['a', 'b', 'c'];
const POOLS: NodePoolZones[] = [
  { name: 'on-demand', zones: ZONES },
  { name: 'spot-burst', zones: ZONES },
];
/** What the shop renders: maxSkew 1, DoNotSchedule, taints honoured (charts/constructs/highly-available-service.ts). */
const SPREAD = { maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', nodeTaintsPolicy: 'Honor' } as const;
const T: ZoneLossTimings = { nodeMonitorGraceSeconds: 50, tolerationSeconds: 30, podStartSeconds: 60, karpenterNodeSeconds: 60, failedLaunchSeconds: 300, evacuationSeconds: 720 };

/** One pod per zone (the primary at its floor), zone a lost, no room left on the surviving nodes. */
const primaryAtFloor = (over: Partial<ZoneLossCase> = {}): ZoneLossCase => ({
  zones: ZONES,
  lostZone: 'a',
  podsPerZone: { a: 1, b: 1, c: 1 },
  spread: SPREAD,
  nodePools: POOLS,
  spareRoom: 0,
  ...over,
});

describe('the dead-zone trap (kubernetes-sigs/karpenter#2171)', () => {
  test('mitigation off: kube-scheduler drops the lost zone, Karpenter keeps it and launches nowhere else', () => {
    const o = simulateZoneLoss(primaryAtFloor());
    // kube-scheduler: a's nodes carry unreachable:NoSchedule, untolerated, and taints are honoured:
    // a is not a domain; b and c hold 1 each, minimum 1, and b would be 1 + 1 - 1 = 1 <= 1, but no room.
    expect(o.schedulerDomains).toEqual(['b', 'c']);
    // Karpenter: both pools list a (topology.go:129-140), a's terminating pod does not count, so
    // a = 0 is the minimum; b and c would be 1 + 1 - 0 = 2 > 1: only a is valid, and a cannot launch.
    expect(o.karpenterDomains).toEqual(['a', 'b', 'c']);
    expect(o.placed).toEqual([]);
    expect(o.stuck).toBe(1);
    expect(o.stuckReason).toMatch(/the zone it picks for a new node .* is the lost one/);
    expect(o.survivors).toBe(2);
  });

  test('mitigation on: with a out of every NodePool, Karpenter launches in b', () => {
    const o = simulateZoneLoss(primaryAtFloor({ nodePools: evacuate(POOLS, 'a') }));
    // Domains b = 1, c = 1 (a's nodes fail the taint filter, topology.go:384): minimum 1, both valid, b first.
    expect(o.karpenterDomains).toEqual(['b', 'c']);
    expect(o.placed).toEqual([{ zone: 'b', by: 'karpenter' }]);
    expect(o.stuck).toBe(0);
  });

  test('at the peak (6 per zone) all six replacements are stuck; evacuated, Karpenter spreads them 3 and 3', () => {
    const peak = primaryAtFloor({ podsPerZone: { a: 6, b: 6, c: 6 } });
    expect(simulateZoneLoss(peak)).toMatchObject({ pending: 6, stuck: 6, placed: [] });
    // b 6, c 6: b -> 7, then c is the only valid (b: 7 + 1 - 6 = 2), and so on.
    const after = simulateZoneLoss({ ...peak, nodePools: evacuate(POOLS, 'a') });
    expect(after.placed.map((p) => p.zone)).toEqual(['b', 'c', 'b', 'c', 'b', 'c']);
    expect(after.podsPerZoneAfter).toEqual({ a: 0, b: 9, c: 9 });
  });

  test('spare room hides the trap: kube-scheduler places the replacement on an existing node, evacuated or not', () => {
    const o = simulateZoneLoss(primaryAtFloor({ spareRoom: Number.POSITIVE_INFINITY }));
    expect(o.placed).toEqual([{ zone: 'b', by: 'kube-scheduler' }]);
    // Room for one pod only at the peak: one placed, five stuck.
    const peak = simulateZoneLoss(primaryAtFloor({ podsPerZone: { a: 6, b: 6, c: 6 }, spareRoom: { b: 1, c: 0 } }));
    expect(peak.placed).toEqual([{ zone: 'b', by: 'kube-scheduler' }]);
    expect(peak.stuck).toBe(5);
  });

  test('a NodePool that keeps the zone keeps the trap: evacuating one pool of two is not enough', () => {
    const half: NodePoolZones[] = [{ name: 'on-demand', zones: ['b', 'c'] }, POOLS[1]];
    expect(simulateZoneLoss(primaryAtFloor({ nodePools: half }))).toMatchObject({ stuck: 1, placed: [] });
    // A pool without a zone requirement takes its instance types' zones, all of them: evacuation cannot remove a.
    const noZones: NodePoolZones[] = [{ name: 'any-zone', zones: 'any' }];
    expect(evacuate(noZones, 'a')).toEqual(noZones);
    expect(simulateZoneLoss(primaryAtFloor({ nodePools: evacuate(noZones, 'a') }))).toMatchObject({ stuck: 1 });
  });

  test('a pool whose taints the pods do not tolerate adds no domain under taints Honor (topologydomaingroup.go:56-70)', () => {
    const pools: NodePoolZones[] = [...evacuate(POOLS, 'a'), { name: 'gpu', zones: ZONES, toleratedByPods: false }];
    expect(karpenterDomains(primaryAtFloor({ nodePools: pools }))).toEqual(['b', 'c']);
    // Under Ignore it would: every domain of the group counts (topologydomaingroup.go:58-60).
    expect(karpenterDomains(primaryAtFloor({ nodePools: pools, spread: { ...SPREAD, nodeTaintsPolicy: 'Ignore' } }))).toEqual(['a', 'b', 'c']);
  });
});

describe('the alternatives, and why they were rejected', () => {
  test('nodeTaintsPolicy Ignore (the default): the lost nodes keep a as a domain in both schedulers, evacuated or not', () => {
    const ignore = primaryAtFloor({ spread: { maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' }, spareRoom: Number.POSITIVE_INFINITY, nodePools: evacuate(POOLS, 'a') });
    expect(schedulerDomains(ignore)).toEqual(['a', 'b', 'c']);
    expect(karpenterDomains(ignore)).toEqual(['a', 'b', 'c']);
    // Minimum 0 (a): b and c fail the skew check in kube-scheduler despite the room, and Karpenter may
    // only use a, which no pool lists any more: nothing is valid.
    const o = simulateZoneLoss(ignore);
    expect(o).toMatchObject({ placed: [], stuck: 1 });
    expect(o.stuckReason).toMatch(/no zone satisfies maxSkew 1 against a global minimum of 0/);
  });

  test('minDomains 3: with two zones left the minimum is taken as 0, evacuated or not (topologygroup.go:317-318)', () => {
    const o = simulateZoneLoss(primaryAtFloor({ spread: { ...SPREAD, minDomains: 3 }, nodePools: evacuate(POOLS, 'a'), spareRoom: Number.POSITIVE_INFINITY }));
    expect(o).toMatchObject({ placed: [], stuck: 1 });
  });

  test('ScheduleAnyway: Karpenter tries it as required first (the lost zone), then drops it and launches in a surviving zone', () => {
    // scheduler.go:82-86 (preferences respected first), 521-548 (relaxed after a failed add),
    // preferences.go:90-100 (the ScheduleAnyway constraint removed). It also spreads nothing.
    const o = simulateZoneLoss(primaryAtFloor({ spread: { ...SPREAD, whenUnsatisfiable: 'ScheduleAnyway' } }));
    expect(o.placed).toEqual([{ zone: 'b', by: 'karpenter', afterFailedLaunch: true }]);
    // Ready after a failed launch (300 s), a node and the pod: 80 + 300 + 60 + 60.
    expect(zoneLossTimeline(primaryAtFloor({ spread: { ...SPREAD, whenUnsatisfiable: 'ScheduleAnyway' } }), 'none', 3, T).neededBackSeconds).toBe(500);
  });

  test('maxSkew 2: b is valid too, but Karpenter only tries the zone with the fewest pods, the lost one', () => {
    // a 0, b 1, c 1: minimum 0; a (1), b (2) and c (2) are valid; the fewest is a alone (topologygroup.go:264-270).
    const o = simulateZoneLoss(primaryAtFloor({ spread: { ...SPREAD, maxSkew: 2 } }));
    expect(o).toMatchObject({ placed: [], stuck: 1 });
    expect(o.stuckReason).toMatch(/the zone it picks for a new node .* is the lost one/);
  });

  test('a required zone NotIn affinity on the pods works without touching the NodePools (but rolls every pod)', () => {
    // The pod's domains exclude a (topology.go:229-237, nodeclaim.go:130-136): minimum over b, c = 1.
    const o = simulateZoneLoss(primaryAtFloor({ podAllowedZones: ['b', 'c'] }));
    expect(o.placed).toEqual([{ zone: 'b', by: 'karpenter' }]);
  });
});

describe('the warm standby (2 pods over 3 zones)', () => {
  test('losing a zone with a pod: the empty zone ties with the lost one, Karpenter ends up there', () => {
    // a 1 (lost), b 1, c 0: minimum 0; a and c are valid (0 + 1 - 0 = 1), b is not. Karpenter picks at
    // random among the fewest (topologygroup.go:226): it may first try a, fail, and pick again.
    const o = simulateZoneLoss(primaryAtFloor({ podsPerZone: { a: 1, b: 1, c: 0 } }));
    expect(o.placed).toEqual([{ zone: 'c', by: 'karpenter', lostZoneTied: true, afterFailedLaunch: true }]);
    // The timeline takes the worst case, a failed launch first: 80 + 300 + 60 + 60.
    expect(zoneLossTimeline(primaryAtFloor({ podsPerZone: { a: 1, b: 1, c: 0 } }), 'none', 2, T).neededBackSeconds).toBe(500);
  });
});

describe('the timeline', () => {
  test('survivors enough: nothing to wait for', () => {
    expect(zoneLossTimeline(primaryAtFloor(), 'none', 2, T).neededBackSeconds).toBe(0);
  });

  test('trap, no mitigation: the third pod never comes back while the zone is out', () => {
    const tl = zoneLossTimeline(primaryAtFloor(), 'none', 3, T);
    expect(tl.neededBackSeconds).toBeNull();
    expect(tl.neverBack).toBe(1);
  });

  test('room: evicted at 50 + 30 = 80 s, ready 60 s later', () => {
    expect(zoneLossTimeline(primaryAtFloor({ spareRoom: Number.POSITIVE_INFINITY }), 'none', 3, T).neededBackSeconds).toBe(140);
  });

  test('no room, evacuated at 720 s: a node 60 s later, the pod 60 s after that: 840 s', () => {
    const tl = zoneLossTimeline(primaryAtFloor(), 'evacuation', 3, T);
    expect(tl.afterEvacuation!.placed).toEqual([{ zone: 'b', by: 'karpenter' }]);
    expect(tl.readyAt).toEqual([840]);
    expect(tl.neededBackSeconds).toBe(840);
    expect(tl.neverBack).toBe(0);
  });

  test('peak with room for one: 140 s for the first, 840 s for the rest', () => {
    const tl = zoneLossTimeline(primaryAtFloor({ podsPerZone: { a: 6, b: 6, c: 6 }, spareRoom: { b: 1, c: 0 } }), 'evacuation', 18, T);
    expect(tl.readyAt).toEqual([140, 840, 840, 840, 840, 840]);
    expect(tl.neededBackSeconds).toBe(840);
    // 13 needed: 12 survivors and the one placed on the spare room.
    expect(zoneLossTimeline(primaryAtFloor({ podsPerZone: { a: 6, b: 6, c: 6 }, spareRoom: { b: 1, c: 0 } }), 'evacuation', 13, T).neededBackSeconds).toBe(140);
  });

  test('evacuation does not help when the spread ignores taints', () => {
    const tl = zoneLossTimeline(primaryAtFloor({ spread: { maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' } }), 'evacuation', 3, T);
    expect(tl.neededBackSeconds).toBeNull();
  });
});

describe('input errors', () => {
  test('a lost zone outside the region is refused, naming it', () => {
    expect(() => simulateZoneLoss(primaryAtFloor({ lostZone: 'z' }))).toThrow('lost zone z is not one of a, b, c');
  });
});
