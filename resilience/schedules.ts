/**
 * Scheduled peaks: what each schedule (config `schedules`, rendered as KEDA cron triggers) holds during
 * its window, and what an AZ loss in it leaves. Pure functions over what the report reads from the
 * rendered manifests, checked against hand-computed cases (test/schedules.test.ts).
 *
 * During a window the HPA runs at least the schedule's floor: the cron trigger's metric asks for
 * desiredReplicas pods and the HPA takes the largest count any metric asks for (kedacore/keda v2.20.1
 * pkg/scalers/cron_scaler.go:111-151; keda-docs 2.20 scalers/cron.md: "a dynamic minimum"). What the
 * peak needs is not in the config; a schedule raises capacity for more load, so it is taken to need the
 * floor less the same share of headroom the service keeps in normal operation: requiredReplicas of
 * minReplicas (e.g. 2 of 3, one zone's worth of N+1), i.e. ceil(floor x required / min).
 */
import { ScaleUpBehavior, zoneDistribution, ZoneSpread } from './capacity';

/** A rendered object, as much of it as this module reads. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RenderedObject = { kind: string; metadata: { name: string }; spec?: any };

/** A schedule as one ScaledObject renders it: a cron trigger. */
export interface RenderedFloor {
  readonly schedule: string;
  readonly timezone: string;
  readonly start: string;
  readonly end: string;
  readonly replicas: number;
}

/** The autoscaling of a service as rendered: its KEDA ScaledObject (the HPA KEDA makes from it has the same bounds and behavior). */
export interface RenderedAutoscaler {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly behavior: { readonly scaleUp: ScaleUpBehavior; readonly scaleDown?: unknown };
  /** Its cron triggers: the floors schedules raise. */
  readonly floors: RenderedFloor[];
}

/** Reads the ScaledObject named `name` (a service's). */
export function renderedAutoscaler(objects: readonly RenderedObject[], name: string): RenderedAutoscaler {
  const so = objects.find((o) => o.kind === 'ScaledObject' && o.metadata.name === name);
  if (!so) throw new Error(`no ScaledObject ${name} in the rendered manifests: run npm run synth`);
  const hpa = so.spec.advanced?.horizontalPodAutoscalerConfig;
  if (!hpa?.behavior) throw new Error(`ScaledObject ${name} has no HPA behavior (advanced.horizontalPodAutoscalerConfig.behavior)`);
  return {
    minReplicas: so.spec.minReplicaCount,
    maxReplicas: so.spec.maxReplicaCount,
    behavior: hpa.behavior,
    floors: (so.spec.triggers as Array<{ type: string; name?: string; metadata: Record<string, string> }>)
      .filter((t) => t.type === 'cron')
      .map((t) => ({ schedule: t.name ?? '(unnamed)', timezone: t.metadata.timezone, start: t.metadata.start, end: t.metadata.end, replicas: Number(t.metadata.desiredReplicas) })),
  };
}

/** One service in one region, as a scheduled peak needs it. */
export interface PeakServiceInput {
  readonly service: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** What normal load needs (requiredReplicas, else minReplicas). */
  readonly requiredReplicas: number;
  /** CPU request of one pod, in millicores. */
  readonly cpuMillis: number;
  /** Its zone spread over the zones the region runs in. */
  readonly spread: ZoneSpread;
  readonly floors: readonly RenderedFloor[];
}

export interface PeakRegionInput {
  readonly region: string;
  /** Karpenter's on-demand ceiling in the region, in vCPUs (cluster.karpenterCpuLimit). */
  readonly karpenterCpuLimit: number;
  readonly services: readonly PeakServiceInput[];
}

/** A service a schedule raises, during the schedule's window in one region. */
export interface PeakService {
  readonly service: string;
  /** Its floor outside the window (minReplicas) and during it. */
  readonly normalFloor: number;
  readonly floor: number;
  /** Pods per zone at the floor, the fullest zone first. */
  readonly perZone: number[];
  /** Pods guaranteed left after the loss of the fullest zone. */
  readonly survivors: number;
  /** What normal load needs, and what the peak needs: ceil(floor x required / min). */
  readonly required: number;
  readonly peakRequired: number;
  readonly survivingPercentOfRequired: number;
  readonly survivingPercentOfPeakRequired: number;
  readonly survivingPercentOfFloor: number;
}

/** A schedule in one region. */
export interface ScheduledPeak {
  readonly schedule: string;
  readonly timezone: string;
  readonly start: string;
  readonly end: string;
  readonly region: string;
  /** The services it raises. */
  readonly services: PeakService[];
  /** CPU requested by every service of the region at its floor during the window (raised or not), in millicores. */
  readonly cpuMillis: number;
  readonly karpenterCpuLimit: number;
}

const percent = (part: number, whole: number) => Math.floor((part / whole) * 100);

/** The service at `floor` pods during a window. */
export function peakService(s: PeakServiceInput, floor: number): PeakService {
  const at = zoneDistribution(floor, s.spread);
  const peakRequired = Math.ceil((floor * s.requiredReplicas) / s.minReplicas);
  return {
    service: s.service,
    normalFloor: s.minReplicas,
    floor,
    perZone: at.balanced,
    survivors: at.survivorsAfterZoneLoss,
    required: s.requiredReplicas,
    peakRequired,
    survivingPercentOfRequired: percent(at.survivorsAfterZoneLoss, s.requiredReplicas),
    survivingPercentOfPeakRequired: percent(at.survivorsAfterZoneLoss, peakRequired),
    survivingPercentOfFloor: percent(at.survivorsAfterZoneLoss, floor),
  };
}

/** Every schedule rendered in every region, in the order the regions and services first name them. */
export function scheduledPeaks(regions: readonly PeakRegionInput[]): ScheduledPeak[] {
  return regions.flatMap((r) => {
    const windows = new Map<string, RenderedFloor>();
    for (const s of r.services) for (const f of s.floors) if (!windows.has(f.schedule)) windows.set(f.schedule, f);
    return [...windows.values()].map((w) => {
      const floorOf = (s: PeakServiceInput) => s.floors.find((f) => f.schedule === w.schedule)?.replicas;
      // The HPA never goes below minReplicas, whatever the cron trigger asks.
      const atFloor = r.services.map((s) => ({ s, floor: Math.max(floorOf(s) ?? 0, s.minReplicas) }));
      return {
        schedule: w.schedule,
        timezone: w.timezone,
        start: w.start,
        end: w.end,
        region: r.region,
        services: atFloor.filter(({ s }) => floorOf(s) !== undefined).map(({ s, floor }) => peakService(s, floor)),
        cpuMillis: atFloor.reduce((sum, { s, floor }) => sum + floor * s.cpuMillis, 0),
        karpenterCpuLimit: r.karpenterCpuLimit,
      };
    });
  });
}

/**
 * The smallest floor from `from` up to `max` whose AZ-loss survivors carry `budgetPercent` of what the
 * peak would then need; undefined when none does.
 */
export function smallestSoundFloor(s: PeakServiceInput, from: number, budgetPercent: number): number | undefined {
  for (let floor = from; floor <= s.maxReplicas; floor++) {
    const p = peakService(s, floor);
    if (p.survivors * 100 >= budgetPercent * p.peakRequired) return floor;
  }
  return undefined;
}

/**
 * What breaks the budgets in a window: a service whose survivors of an AZ loss carry less than
 * `budgetPercent` of what the peak needs (as budgets.azLossCapacityPercent holds the normal floors), and
 * requests at the floors above Karpenter's ceiling (the raised pods would stay Pending).
 */
export function scheduledPeakViolations(peaks: readonly ScheduledPeak[], inputs: readonly PeakRegionInput[], budgetPercent: number): string[] {
  const violations: string[] = [];
  for (const p of peaks) {
    for (const s of p.services.filter((x) => x.survivors * 100 < budgetPercent * x.peakRequired)) {
      const input = inputs.find((r) => r.region === p.region)!.services.find((x) => x.service === s.service)!;
      const sound = smallestSoundFloor(input, s.floor, budgetPercent);
      violations.push(
        `scheduled peak ${p.schedule} in ${p.region}: an AZ loss leaves ${s.service} ${s.survivors} of its ${s.floor} pods, ${s.survivingPercentOfPeakRequired} % of the ${s.peakRequired} the peak needs (budget ${budgetPercent} %): ${
          sound !== undefined
            ? `raise its floor (schedules "${p.schedule}" floors.${s.service}.${p.region}) to ${sound}`
            : s.survivors === 0
              ? 'its zone spread guarantees no survivor; spread it over zones with DoNotSchedule'
              : `no floor up to maxReplicas ${input.maxReplicas} leaves enough: the peak is taken to need ${s.required} of every ${s.normalFloor} pods of the floor (requiredReplicas of minReplicas), more than an AZ loss leaves; keep a zone's worth of headroom in minReplicas, or raise maxReplicas`
        }`,
      );
    }
    if (p.cpuMillis > p.karpenterCpuLimit * 1000) {
      violations.push(`scheduled peak ${p.schedule} in ${p.region}: the floors request ${p.cpuMillis / 1000} vCPU, above Karpenter's ceiling of ${p.karpenterCpuLimit} (cluster.karpenterCpuLimit): the raised pods would stay Pending; lower the floors or raise the ceiling`);
    }
  }
  return violations;
}
