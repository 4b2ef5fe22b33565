/**
 * The resilience report: what the rendered manifests (what Argo CD applies) and the config promise
 * about the loss of an AZ, of a region, and a traffic peak, with the numbers behind it, checked
 * against the config's budgets.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { albRecordHostname, publicHostname } from '../config/hostnames';
import { cpuMillis, PlatformConfig, SERVICE_NAMES, ServiceName } from '../config/schema';
import { DATA_PROXY_ENDPOINTS, EXTERNAL_DNS_PREFIX } from '../charts/constants';
import { FrontDoorFailover, frontDoorFailover, frontDoorViolations } from './front-door';
import { FIGURES } from './figures';
import { regionSwitchRuns, SwitchModel } from './region-switch';
import { ProxyFailover, proxyFailover, RECOVERY_FIGURES, RecoveryScenario, recoveryScenarios } from './recovery';
import { nodePoolZones, platformComponentRows, platformViolations, PlatformComponentRow, unreachableToleration, zoneLossScenarios, ZoneLossScenario, zoneLossTimings, zoneSpreadOf } from './zone-loss-scenarios';
import { Mitigation, PlacedPod, ZoneLossCase, zoneLossTimeline, ZoneLossTimeline } from './zone-loss';
import { launchableZones } from '../config/karpenter';

export { FIGURES } from './figures';
import { evictionsAllowed, scaleOut, zoneDistribution, ZoneSpread } from './capacity';
import { PeakRegionInput, renderedAutoscaler, ScheduledPeak, scheduledPeaks, scheduledPeakViolations } from './schedules';
import { NatLossRow, natLossMarkdown, natLossRows } from './nat-loss';

/** A rendered object, as much of it as the report reads. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Rendered = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any };


export interface ServiceRegionResult {
  readonly service: ServiceName;
  readonly region: string;
  readonly primary: boolean;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly required: number;
  readonly spread: ZoneSpread;
  readonly perZoneAtMin: number[];
  readonly perZoneAtMax: number[];
  /** Pods guaranteed left after the worst single-AZ loss, at min scale. */
  readonly survivors: number;
  readonly survivorsCpuMillis: number;
  readonly survivingPercentOfRequired: number;
  readonly drainEvictions: number;
  readonly scaleOutSeconds: number;
  readonly scaleOutSteps: number;
  /** Seconds the pods stay on an unreachable node before they are evicted. */
  readonly tolerationSeconds: number;
  /** The zone-loss scenarios through both schedulers (resilience/zone-loss.ts). */
  readonly zoneLoss: ZoneLossScenario[];
}

export interface RegionLossService {
  readonly service: ServiceName;
  readonly standbyMin: number;
  readonly fullSize: number;
  readonly hpaSeconds: number;
  readonly readySeconds: number;
}

export interface DataStore {
  readonly store: string;
  readonly topology: string;
  readonly azLoss: string;
  readonly regionRpoSeconds: number | null;
  /** The RPO is a bound Aurora enforces (commits block past it), not a typical figure. */
  readonly regionRpoEnforced?: boolean;
  /** What is lost instead, where no RPO applies. */
  readonly regionLossNote?: string;
  readonly regionRto: string;
}

export interface ResilienceReport {
  readonly services: ServiceRegionResult[];
  readonly regionLoss: RegionLossService[];
  readonly data: DataStore[];
  readonly records: PublicRecord[];
  /** What customers see through each front door when the primary fails; the chosen one is budgeted. */
  readonly frontDoor: FrontDoorFailover;
  /** The cluster components the recovery depends on, after the worst zone loss. */
  readonly platform: PlatformComponentRow[];
  /** The zone-loss designs considered, each run through both schedulers. */
  readonly alternatives: MitigationAlternative[];
  /** Budget violations, each naming what and by how much. */
  readonly violations: string[];
  /** Data that replication cannot save, and how it comes back (resilience/recovery.ts). */
  readonly recovery: RecoveryScenario[];
  /** A writer failover as clients see it, through RDS Proxy when the services use one (null: they do not). */
  readonly proxy: ProxyFailover | null;
  /** The Region switch plan's modeled runs: each target region, graceful and ungraceful. */
  readonly regionSwitch: SwitchModel[];
  /** Each schedule's window per region: the raised floors and what an AZ loss in it leaves (resilience/schedules.ts). */
  readonly scheduledPeaks: ScheduledPeak[];
  /** Per region: each flow out of the VPC and what a zone's NAT gateway failure does to it (resilience/nat-loss.ts). */
  readonly natLoss: Record<string, NatLossRow[]>;
  readonly markdown: string;
}

/** One region's public DNS record, as external-dns will write it from the rendered Ingress. */
export interface PublicRecord {
  readonly region: string;
  readonly setIdentifier?: string;
  readonly failover?: string;
  readonly latencyRegion?: string;
  readonly healthCheckId?: string;
  readonly evaluateTargetHealth?: string;
}

/** Reads every YAML document of manifests/<region>/*.yaml for each configured region. */
export function readRendered(manifestsDir: string, config: PlatformConfig): Record<string, Rendered[]> {
  return Object.fromEntries(
    config.regions.map((r) => {
      const dir = path.join(manifestsDir, r.name);
      if (!fs.existsSync(dir)) throw new Error(`no rendered manifests for ${r.name} in ${dir}: run npm run synth first`);
      const docs = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as Rendered));
      return [r.name, docs.filter(Boolean)];
    }),
  );
}

const find = (objects: Rendered[], kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in the rendered manifests: run npm run synth`);
  return o;
};

/** AZ loss, drains and scale-out of one service in one region, from its rendered objects. */
function analyseService(config: PlatformConfig, region: string, objects: Rendered[], service: ServiceName): ServiceRegionResult {
  const deployment = find(objects, 'Deployment', service);
  // The ScaledObject: KEDA makes the HPA from it, with its bounds and behavior.
  const hpa = renderedAutoscaler(objects, service);
  const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
  const pdb = objects.find(
    (o) => o.kind === 'PodDisruptionBudget' && Object.entries(o.spec.selector.matchLabels as Record<string, string>).every(([k, v]) => podLabels[k] === v),
  );
  // The zones the region runs in: an evacuated zone holds nothing (config/karpenter.ts launchableZones).
  const liveZones = launchableZones(config.regions.find((r) => r.name === region)!);
  const zoneRule = zoneSpreadOf(deployment);
  const spread: ZoneSpread = { zones: liveZones.length, maxSkew: zoneRule.maxSkew, whenUnsatisfiable: zoneRule.whenUnsatisfiable };
  const min = hpa.minReplicas;
  const max = hpa.maxReplicas;
  const atMin = zoneDistribution(min, spread);
  const cpu = cpuMillis(deployment.spec.template.spec.containers[0].resources.requests.cpu);
  const required = config.services[service].regions[region].requiredReplicas ?? min;
  const up = scaleOut(hpa.behavior.scaleUp, min, max);
  return {
    service,
    region,
    primary: region === config.primaryRegion,
    minReplicas: min,
    maxReplicas: max,
    required,
    spread,
    perZoneAtMin: atMin.balanced,
    perZoneAtMax: zoneDistribution(max, spread).balanced,
    survivors: atMin.survivorsAfterZoneLoss,
    survivorsCpuMillis: atMin.survivorsAfterZoneLoss * cpu,
    survivingPercentOfRequired: Math.round((atMin.survivorsAfterZoneLoss / required) * 100),
    drainEvictions: pdb ? evictionsAllowed(pdb.spec, min) : min,
    scaleOutSeconds: up.seconds,
    scaleOutSteps: up.steps,
    tolerationSeconds: unreachableToleration(deployment),
    zoneLoss: zoneLossScenarios({
      zones: liveZones,
      deployment,
      nodePools: nodePoolZones(objects, deployment.spec.template.spec.tolerations ?? []),
      minReplicas: min,
      maxReplicas: max,
      required,
    }),
  };
}

/** Each region's services as the scheduled peaks need them, from the rendered Deployments and ScaledObjects. */
function peakInputs(config: PlatformConfig, rendered: Record<string, Rendered[]>): PeakRegionInput[] {
  return config.regions.map((r) => ({
    region: r.name,
    karpenterCpuLimit: config.cluster.karpenterCpuLimit,
    services: SERVICE_NAMES.map((service) => {
      const deployment = find(rendered[r.name], 'Deployment', service);
      const hpa = renderedAutoscaler(rendered[r.name], service);
      const rule = zoneSpreadOf(deployment);
      return {
        service,
        minReplicas: hpa.minReplicas,
        maxReplicas: hpa.maxReplicas,
        requiredReplicas: config.services[service].regions[r.name].requiredReplicas ?? hpa.minReplicas,
        cpuMillis: cpuMillis(deployment.spec.template.spec.containers[0].resources.requests.cpu),
        spread: { zones: launchableZones(r).length, maxSkew: rule.maxSkew, whenUnsatisfiable: rule.whenUnsatisfiable },
        floors: hpa.floors,
      };
    }),
  }));
}

/** The public-hostname record each region's rendered Ingresses ask external-dns for. */
export function publicRecords(rendered: Record<string, Rendered[]>, publicHost: string): PublicRecord[] {
  return Object.entries(rendered).flatMap(([region, objects]) =>
    objects
      .filter((o) => o.kind === 'Ingress' && (o.spec?.rules ?? []).some((r: any) => r.host === publicHost))
      .map((o) => {
        const a = (key: string) => o.metadata.annotations?.[`${EXTERNAL_DNS_PREFIX}${key}`];
        return {
          region,
          setIdentifier: a('set-identifier'),
          failover: a('aws-failover'),
          latencyRegion: a('aws-region'),
          healthCheckId: a('aws-health-check-id'),
          evaluateTargetHealth: a('aws-evaluate-target-health'),
        };
      }),
  );
}

/** Topology of each data store, read from the rendered ACK objects, and what a loss costs. */
/** `switchFailover`: the plan's unplanned failover to the standby, whose run gives the databases' region-loss RTO. */
function analyseData(config: PlatformConfig, rendered: Record<string, Rendered[]>, switchFailover: SwitchModel): DataStore[] {
  const db = (name: 'orders' | 'catalog', engine: string): DataStore => {
    const clusters = Object.entries(rendered).flatMap(([region, objects]) => objects.filter((o) => o.kind === 'DBCluster' && o.metadata.name === name).map((c) => ({ region, c })));
    const primary = clusters.find((x) => x.region === config.primaryRegion);
    const primaryInstances = (rendered[config.primaryRegion] ?? []).filter((o) => o.kind === 'DBInstance' && o.spec.dbClusterIdentifier === primary?.c.spec.dbClusterIdentifier);
    const azs = new Set(primaryInstances.map((i) => i.spec.availabilityZone)).size;
    const global = clusters.length > 1 && new Set(clusters.map((x) => x.c.spec.globalClusterIdentifier)).size === 1 && clusters.every((x) => x.c.spec.globalClusterIdentifier);
    const replica = clusters.some((x) => x.c.spec.replicationSourceIdentifier);
    const multiAz = azs >= 2;
    const azLoss = multiAz ? `writer fails over in ~${FIGURES.auroraMultiAzFailover.seconds} s, nothing lost` : 'single AZ: down until the AZ returns';
    if (global) {
      // The bound Aurora enforces, read from the primary's rendered cluster parameter group: past it,
      // commits block (rds.global_db_rpo). Without one the loss is the replication lag, unbounded.
      const group = (rendered[config.primaryRegion] ?? []).find((o) => o.kind === 'DBClusterParameterGroup' && o.spec.name === primary?.c.spec.dbClusterParameterGroupName);
      const bound = group?.spec.parameterOverrides?.['rds.global_db_rpo'];
      const topology = `Aurora global database over ${clusters.length} regions, ${azs} AZs in the primary`;
      const regionRto = `writes back ${switchFailover.writesBackSeconds} s after the Region switch plan is approved (a person's decision, not modeled): scaling, then the failover (~${FIGURES.auroraGlobalFailover.seconds} s)`;
      if (bound !== undefined) return { store: `${name} (${engine})`, topology, azLoss, regionRpoSeconds: Number(bound), regionRpoEnforced: true, regionRto };
      return {
        store: `${name} (${engine})`,
        topology,
        azLoss,
        regionRpoSeconds: null,
        regionLossNote: `the replication lag: unbounded (typically < ${FIGURES.auroraGlobalLag.seconds} s; alarmed above ${config.data.replicationLagAlarmSeconds} s)`,
        regionRto,
      };
    }
    if (replica) return { store: `${name} (${engine})`, topology: 'cross-region read replica', azLoss, regionRpoSeconds: null, regionRto: `~${FIGURES.crossRegionReplicaPromotion.seconds} s promotion; RPO = replica lag` };
    return { store: `${name} (${engine})`, topology: multiAz ? 'Multi-AZ in one region' : 'single instance', azLoss, regionRpoSeconds: Number.POSITIVE_INFINITY, regionRto: 'until the region returns (restore from backup elsewhere)' };
  };
  const redisGroups = Object.values(rendered).flatMap((objects) => objects.filter((o) => o.kind === 'ReplicationGroup'));
  const redisMultiAz = redisGroups.every((g) => g.spec.multiAZEnabled && g.spec.automaticFailoverEnabled && g.spec.replicasPerNodeGroup >= 1);
  return [
    db('orders', 'PostgreSQL'),
    db('catalog', 'MySQL'),
    {
      store: 'carts (DynamoDB)',
      topology: `global table, a replica in each of ${config.regions.length} regions (cluster app)`,
      azLoss: 'none (regional service over 3 AZs)',
      regionRpoSeconds: FIGURES.dynamoGlobalLag.seconds,
      regionRto: '0 s: every replica takes writes',
    },
    {
      store: 'checkout (Redis)',
      topology: `one replication group per region${redisMultiAz ? ', Multi-AZ with automatic failover' : ''}`,
      azLoss: redisMultiAz ? `replica promoted in ~${FIGURES.elastiCacheFailover.seconds} s` : 'down until the AZ returns',
      regionRpoSeconds: null,
      regionLossNote: "the lost region's checkout sessions",
      regionRto: 'at once in the other region, with new sessions (no Global Datastore in ACK): customers restart checkout',
    },
  ];
}

/** One zone-loss design, run through both schedulers for one service at the peak with no spare room. */
export interface MitigationAlternative {
  readonly design: string;
  readonly timeline: ZoneLossTimeline;
  /** Pods placed, by zone, before and after any evacuation. */
  readonly placed: PlacedPod[];
  readonly verdict: string;
}

/**
 * The designs considered for the dead-zone trap, computed, not asserted: the first primary service at
 * its ceiling, a zone lost, no spare room. Zonal shift (Karpenter's, EKS's, ARC autoshift) is the
 * as-rendered row: it marks the zone's offerings unavailable (karpenter-provider-aws v1.14.1
 * pkg/providers/instancetype/offering/base_resolver.go:135) or cordons nodes that are already tainted,
 * and leaves the domain (designs/zonal-shift.md:21 "kube-scheduler changes are necessary").
 */
function mitigationAlternatives(config: PlatformConfig, s: ServiceRegionResult, objects: Rendered[]): MitigationAlternative[] {
  const peak = s.zoneLoss.find((z) => z.load === 'peak' && z.room === 'no room' && z.mitigation === 'none')!;
  const deployment = find(objects, 'Deployment', s.service);
  const zones = launchableZones(config.regions.find((r) => r.name === s.region)!);
  const pools = nodePoolZones(objects, deployment.spec.template.spec.tolerations ?? []);
  const base: ZoneLossCase = {
    zones,
    lostZone: peak.lostZone,
    podsPerZone: Object.fromEntries(zones.map((z, i) => [z, s.perZoneAtMax[i]])),
    spread: zoneSpreadOf(deployment),
    nodePools: pools,
    spareRoom: 0,
  };
  const timings = zoneLossTimings(deployment);
  const run = (design: string, c: ZoneLossCase, mitigation: Mitigation, why: string, change?: (x: ZoneLossCase) => ZoneLossCase): MitigationAlternative => {
    const timeline = zoneLossTimeline(c, mitigation, s.maxReplicas, timings, change);
    const placed = [...timeline.outcome.placed, ...(timeline.afterEvacuation?.placed ?? [])];
    return { design, timeline, placed, verdict: `${timeline.neverBack ? `${timeline.neverBack} stuck` : 'all placed'}: ${why}` };
  };
  return [
    run('as rendered, nothing done', base, 'none', 'the dead-zone trap, until the zone returns'),
    run('zonal shift: Karpenter enableZonalShift, EKS zonal shift, ARC zonal autoshift', base, 'none', 'rejected: the same domains; Karpenter only stops trying the lost zone'),
    run(`evacuation: regions[].evacuatedZones = [${peak.lostZone}] (chosen)`, base, 'evacuation', 'chosen: one commit, no pod restarted, the spread kept'),
    // Like the evacuation, a person's change at the same time; unlike it, a new pod template.
    run(`required node affinity zone NotIn [${peak.lostZone}] on the pods, pushed like the evacuation`, base, 'evacuation', 'rejected: as fast, but a new pod template rolls every pod of every service mid-incident', (x) => ({
      ...x,
      podAllowedZones: zones.filter((z) => z !== peak.lostZone),
    })),
    run('whenUnsatisfiable: ScheduleAnyway', { ...base, spread: { ...base.spread, whenUnsatisfiable: 'ScheduleAnyway' } }, 'none', 'rejected: nothing keeps replicas apart, so no survivor count is guaranteed'),
    run('minDomains: 3, zone evacuated', { ...base, spread: { ...base.spread, minDomains: 3 } }, 'evacuation', 'rejected: two domains left < 3, so the minimum is 0 and nothing fits'),
    run('nodeTaintsPolicy left at Ignore, zone evacuated', { ...base, spread: { ...base.spread, nodeTaintsPolicy: 'Ignore' } }, 'evacuation', 'why Honor: the lost nodes would keep the zone a domain'),
  ];
}

export function buildReport(config: PlatformConfig, rendered: Record<string, Rendered[]>): ResilienceReport {
  const violations: string[] = [];
  const services = config.regions.flatMap((r) => SERVICE_NAMES.map((s) => analyseService(config, r.name, rendered[r.name], s)));

  // Every region: either may be the active one after a Region switch, with no change in git.
  for (const s of services) {
    if (s.survivingPercentOfRequired < config.budgets.azLossCapacityPercent) {
      const needed = Math.ceil((config.budgets.azLossCapacityPercent / 100) * s.required);
      violations.push(
        `AZ loss in ${s.region}: ${s.service} keeps ${s.survivors} of ${s.minReplicas} pods, ${s.survivingPercentOfRequired} % of the ${s.required} it requires (budget ${config.budgets.azLossCapacityPercent} %): short by ${needed - s.survivors} pod(s); raise services.${s.service}.regions.${s.region}.minReplicas or its zone spread`,
      );
    }
    if (s.drainEvictions < 1) violations.push(`node drain in ${s.region}: the PodDisruptionBudget of ${s.service} allows no eviction at ${s.minReplicas} replicas, so drains and Karpenter consolidation block`);
    // The zone loss with the mitigation on: no spare room, the zone evacuated.
    for (const z of s.zoneLoss.filter((x) => x.room === 'no room' && x.mitigation === 'evacuation')) {
      const back = z.timeline.neededBackSeconds;
      if (back === null || back > config.budgets.zoneLossRecoverySeconds) {
        violations.push(
          `AZ loss in ${s.region} at ${z.load} load: ${s.service} is back to the ${z.needed} pods it needs ${back === null ? `never while the zone is out (${z.timeline.neverBack} pod(s) stay Pending even with ${z.lostZone} evacuated: ${(z.timeline.afterEvacuation ?? z.timeline.outcome).stuckReason})` : `after ${back} s`}, budget ${config.budgets.zoneLossRecoverySeconds} s: ${
            back === null
              ? 'give its zone spread nodeTaintsPolicy Honor and no minDomains, and every NodePool a zone requirement'
              : z.load === 'normal'
                ? `raise its floor (services.${s.service}.regions.${s.region}.minReplicas) so the survivors carry the load, or raise budgets.zoneLossRecoverySeconds`
                : 'at the peak only a faster evacuation or spare room on the surviving nodes helps; or raise budgets.zoneLossRecoverySeconds'
          }`,
        );
      }
    }
  }

  // Scheduled peaks, in every region a schedule raises (a schedule raises floors where it expects the load).
  const peaks = peakInputs(config, rendered);
  const scheduled = scheduledPeaks(peaks);
  violations.push(...scheduledPeakViolations(scheduled, peaks, config.budgets.azLossCapacityPercent));

  const zoneCount = launchableZones(config.regions.find((r) => r.name === config.primaryRegion)!).length;
  const platform = platformComponentRows(zoneCount);
  violations.push(...platformViolations(platform));
  const alternatives = mitigationAlternatives(config, services.find((x) => x.primary)!, rendered[config.primaryRegion]);

  // The record set the ALBs publish: the public name (route53), CloudFront's origin name, or none
  // (globalAccelerator: the public name is the accelerator's alias).
  const recordHost = albRecordHostname(config);
  const records = recordHost ? publicRecords(rendered, recordHost) : [];
  const frontDoor = frontDoorFailover(config);
  violations.push(...frontDoorViolations(config, frontDoor));
  if (recordHost && config.failoverMode === 'active-passive') {
    const primaries = records.filter((r) => r.failover === 'PRIMARY');
    const secondaries = records.filter((r) => r.failover === 'SECONDARY');
    if (primaries.length !== 1 || secondaries.length !== records.length - 1) {
      violations.push(`DNS failover: ${recordHost} needs exactly one PRIMARY record and SECONDARY records for the others, rendered ${primaries.length} PRIMARY and ${secondaries.length} SECONDARY`);
    }
  }
  if (recordHost && records.length !== config.regions.length) {
    violations.push(`DNS failover: ${recordHost} is published by ${records.length} of the ${config.regions.length} regions: every region's edge must publish its member of the set`);
  }
  for (const r of records.filter((x) => !x.healthCheckId)) violations.push(`DNS failover: the ${r.region} record of ${recordHost} has no health check id, so Route 53 cannot fail it over`);

  // A standby taking over must grow to the primary's baseline: HPA steps, then nodes and pods.
  const standby = config.regions.find((r) => r.name !== config.primaryRegion)!.name;
  const regionLoss = SERVICE_NAMES.map((service) => {
    const s = services.find((x) => x.service === service && x.region === standby)!;
    const fullSize = services.find((x) => x.service === service && x.primary)!.minReplicas;
    const hpa = renderedAutoscaler(rendered[standby], service);
    const hpaSeconds = fullSize > s.minReplicas ? scaleOut(hpa.behavior.scaleUp, s.minReplicas, fullSize).seconds : 0;
    const readySeconds = FIGURES.metricsToDecision.seconds + hpaSeconds + FIGURES.karpenterNode.seconds + FIGURES.podStart.seconds;
    return { service, standbyMin: s.minReplicas, fullSize, hpaSeconds, readySeconds };
  });

  // The region-loss RTO of order writes is the plan's run after its approval: every direction, both modes.
  const regionSwitch = regionSwitchRuns(config);
  const data = analyseData(config, rendered, regionSwitch.find((x) => x.target === standby && x.mode === 'ungraceful')!);
  const orders = data[0];
  if (orders.regionRpoSeconds === null || orders.regionRpoSeconds > config.budgets.orderDataRpoSeconds) {
    violations.push(
      `order data RPO: ${orders.topology} loses ${orders.regionRpoSeconds === null ? 'the replica lag (unbounded)' : orders.regionRpoSeconds === Number.POSITIVE_INFINITY ? 'everything since the last backup' : `${orders.regionRpoSeconds} s`} on a region loss, above the budget of ${config.budgets.orderDataRpoSeconds} s: ${
        orders.topology.startsWith('Aurora global database') ? 'bound it with data.ordersRpoBoundSeconds (rds.global_db_rpo)' : 'use an Aurora global database'
      }`,
    );
  }

  const recovery = recoveryScenarios(config);
  // The services use RDS Proxy where the region renders its endpoints (charts/data-chart.ts).
  const proxied = Object.values(rendered).every((objects) => objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === DATA_PROXY_ENDPOINTS.configMap));
  const proxy = proxied ? proxyFailover() : null;

  for (const run of regionSwitch.filter((x) => x.seconds > config.budgets.regionSwitchSeconds)) {
    violations.push(
      `Region switch to ${run.target} (${run.mode}): the plan runs ${run.seconds} s after its approval, above budgets.regionSwitchSeconds ${config.budgets.regionSwitchSeconds} s: ${run.steps
        .filter((x) => x.seconds)
        .map((x) => `${x.block} ${x.seconds} s`)
        .join(', ')}; the slowest step is the one to shorten, or raise the budget`,
    );
  }
  const natLoss = Object.fromEntries(config.regions.map((r) => [r.name, natLossRows(config, r.name, rendered[r.name])]));
  const markdown = renderMarkdown(config, { services, regionLoss, data, records, frontDoor, platform, alternatives, violations, recovery, proxy, regionSwitch, scheduledPeaks: scheduled, natLoss });
  return { services, regionLoss, data, records, frontDoor, platform, alternatives, violations, recovery, proxy, regionSwitch, scheduledPeaks: scheduled, natLoss, markdown };
}

function renderMarkdown(config: PlatformConfig, r: Omit<ResilienceReport, 'markdown'>): string {
  const hc = config.dns.healthCheck;
  const publicHost = publicHostname(config);
  const verdict = r.violations.length ? `**${r.violations.length} budget violation(s)**: see the end.` : '**All budgets hold.**';
  const zonesText = (d: number[]) => d.join('/');
  const spreadText = (s: ZoneSpread) => `${s.zones} AZs, maxSkew ${s.maxSkew}, ${s.whenUnsatisfiable}`;
  const longestReady = Math.max(...r.regionLoss.map((x) => x.readySeconds));
  const fmtRpo = (d: DataStore) => {
    const s = d.regionRpoSeconds;
    if (s === null) return 'replica lag / n.a.';
    if (s === Number.POSITIVE_INFINITY) return 'since last backup';
    return d.regionRpoEnforced ? `≤ ${s} s, enforced (rds.global_db_rpo: commits block past it)` : `< ${s} s (typical)`;
  };
  return [
    '# Resilience report',
    '',
    `Generated by \`npm run resilience\` from the rendered \`manifests/\` (what Argo CD applies) and \`config/environments/${config.name}.yaml\`. Do not edit by hand.`,
    '',
    `Primary region **${config.primaryRegion}**, mode **${config.failoverMode}**. ${verdict}`,
    '',
    '![Required capacity and what survives each scenario, per service](resilience.svg)',
    '',
    '## Losing one Availability Zone',
    '',
    `Replicas per AZ follow each Deployment's zone topology spread. With \`DoNotSchedule\` and maxSkew k over Z zones, one zone holds at most floor((n + (Z−1)·k) / Z) of n pods; that is what an AZ loss takes. \`ScheduleAnyway\` guarantees nothing. The scheduler enforces the spread when it places pods; an HPA scale-down or a zone's return can leave it skewed until the descheduler (every 5 minutes) re-spreads the pods, so the figures hold from then on, not in the minutes after a scale-down. Budget: ${config.budgets.azLossCapacityPercent} % of the required replicas survive in the primary region.`,
    '',
    '| service | region | spread | replicas per AZ at min / max | survivors of the worst AZ loss (at min) | CPU left | required | share of required | drain evicts | HPA max/min | min→max |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.services.map(
      (s) =>
        `| ${s.service} | ${s.region}${s.primary ? ' (primary)' : ''} | ${spreadText(s.spread)} | ${zonesText(s.perZoneAtMin)} / ${zonesText(s.perZoneAtMax)} | ${s.survivors} of ${s.minReplicas} | ${s.survivorsCpuMillis} m | ${s.required} | ${s.survivingPercentOfRequired} %${s.primary ? (s.survivingPercentOfRequired >= config.budgets.azLossCapacityPercent ? ' ✓' : ' ✗') : ''} | ${s.drainEvictions} pod(s) | ${(s.maxReplicas / s.minReplicas).toFixed(1)}× | ${s.scaleOutSteps} steps, ${s.scaleOutSeconds} s |`,
    ),
    '',
    '"drain evicts" is what the PodDisruptionBudget lets a node drain (or Karpenter consolidation) take at once at min scale: at least 1, so drains never block. "min→max" is the fastest scale-out the HPA behavior allows (no stabilization, the larger of +100 % and +4 pods every 15 s), before metrics lag and pod start.',
    '',
    ...zoneLossMarkdown(config, r),
    ...scheduledPeaksMarkdown(config, r.scheduledPeaks),
    ...natLossMarkdown(config.primaryRegion, r.natLoss),
    '## Losing the primary region',
    '',
    ...frontDoorMarkdown(config, r),
    '### Region health',
    '',
    albRecordHostname(config)
      ? `\`${albRecordHostname(config)}\` (${config.edge.frontDoor === 'cloudfront' ? "CloudFront's origin name for writes and the first try of reads" : 'the public name'}), as external-dns publishes it from each region's Ingress:`
      : `The public name \`${publicHost}\` is an alias of the accelerator (cluster/front-door/accelerator-stack.ts); the regions publish only their own hostnames.`,
    '',
    ...(r.records.length
      ? [
          '| region | routing | set identifier | health check | alias target health |',
          '|---|---|---|---|---|',
          ...r.records.map((x) => `| ${x.region} | ${x.failover ?? `latency (${x.latencyRegion})`} | \`${x.setIdentifier ?? '-'}\` | \`${x.healthCheckId ?? 'none'}\` | ${x.evaluateTargetHealth === 'false' ? 'off' : 'on'} |`),
          '',
        ]
      : []),
    `A region is healthy in Route 53 while two checks both pass (a calculated health check, healthy when both children are: Route 53 API reference, HealthThreshold). Alias target health is off: a shared ALB would report the whole region down when any one target group has no healthy target.`,
    '',
    `- **Reachable and shows the catalog**: an HTTPS check of \`https://<region>.${publicHost}${hc.path}\` through the region's WAF and ALB every ${hc.intervalSeconds} s, unhealthy after ${hc.failureThreshold} consecutive failures. ui renders that page from catalog (MySQL) and carts (DynamoDB), and answers 5xx when either fails (ui 1.6.2 has no error handling of its own).`,
    `- **Can sell**: the region's synthetic shopper (a CloudWatch Synthetics canary, once a minute) browses, adds to the cart and checks out${config.dns.syntheticShopper.placeOrders ? ', placing an order (orders, its database and write forwarding included)' : ' up to the payment step (orders itself is not exercised)'}; its alarm fires after ${config.dns.syntheticShopper.failedRuns} failed run(s) in a row, and an alarm-based health check follows it. Without data the check keeps its last status: an unreachable region is the HTTPS check's to report.`,
    '',
    'Not modeled: clients and resolvers that keep answers beyond their TTL, and the few seconds Route 53 takes to propagate a health status change.',
    '',
    '### The warm standby growing to full size',
    '',
    'From its own floors to the primary\'s, the standby\'s HPAs react to the new load, Karpenter adds nodes and the pods start. Until then the standby serves with what it runs; reads and carts work at once, order writes are forwarded to the (lost) primary until the databases are promoted (below).',
    '',
    '| service | standby floor | full size | HPA steps | ready after (expected) |',
    '|---|---|---|---|---|',
    ...r.regionLoss.map((x) => `| ${x.service} | ${x.standbyMin} | ${x.fullSize} | ${x.hpaSeconds} s | ${x.readySeconds} s |`),
    '',
    `Ready after = metrics to decision (${FIGURES.metricsToDecision.seconds} s) + HPA steps + a new node (${FIGURES.karpenterNode.seconds} s) + pod start (${FIGURES.podStart.seconds} s, typical; the startup probe tolerates up to 180 s, which would add ${180 - FIGURES.podStart.seconds} s). The standby is at full size about ${longestReady} s after it takes traffic, i.e. about ${(r.frontDoor.regionFailover.worstCaseSeconds ?? 0) + longestReady} s after the primary fails (through the ${config.edge.frontDoor} front door).`,
    '',
    '### Data',
    '',
    '| store | topology (rendered) | AZ loss | region loss: RPO | region loss: RTO |',
    '|---|---|---|---|---|',
    ...r.data.map((d) => `| ${d.store} | ${d.topology} | ${d.azLoss} | ${d.regionLossNote ?? fmtRpo(d)} | ${d.regionRto} |`),
    '',
    `Budget: order data RPO ≤ ${config.budgets.orderDataRpoSeconds} s on a region loss, checked against the bound Aurora enforces, not the typical lag. A planned switchover loses nothing; an unplanned failover loses what had not replicated yet, at most the bound. The bound has a price: when the standby stops replicating (its region lost, or the link), the primary blocks order commits once the lag reaches it, until replication resumes or the bound is lifted (docs/operations.md). The standby's lag alarms (AuroraGlobalDBRPOLag for orders, AuroraGlobalDBReplicationLag for catalog) fire at ${config.data.replicationLagAlarmSeconds} s.`,
    '',
    ...proxyMarkdown(r.proxy),
    ...regionSwitchMarkdown(config, r.regionSwitch),
    '## Recovering data that replication cannot save',
    '',
    `Replication copies a bad migration, a deleted table or a malicious delete to every region within a second. Each region backs up what it holds with AWS Backup (cluster/data-protection): continuous backups of the Aurora clusters for ${config.data.backupRetentionDays} days (DynamoDB keeps its own point-in-time recovery as long), daily backups kept ${config.data.backup.dailyRetentionDays} days and monthly ones kept ${config.data.backup.monthlyRetentionDays} days (DynamoDB's in cold storage after ${config.data.backup.coldStorageAfterDays} days; AWS Backup has no cold tier for Aurora, whose monthly snapshots stay warm), copied to the other region's vault. Vaults are locked in compliance mode. Restore tests restore the latest recovery point of every cluster and table, the other region's copies included, on \`${config.data.backup.restoreTesting.schedule}\` and report whether each came up.`,
    '',
    '| scenario | stores | RPO | RTO | how |',
    '|---|---|---|---|---|',
    ...r.recovery.map((x) => `| ${x.scenario} | ${x.stores} | ${x.rpo} | ${x.rto} | [runbook](${x.runbook.replace(/^docs\//, '')}) |`),
    '',
    '### Figures used as inputs',
    '',
    ...Object.values(FIGURES).map((f) => `- ${f.seconds} s: ${f.source}`),
    ...Object.values(RECOVERY_FIGURES).map((f) => `- ${'percent' in f ? `${f.percent} %` : f.seconds === null ? 'no figure' : `${f.seconds} s`}: ${f.source}`),
    '',
    ...(r.violations.length ? ['## Budget violations', '', ...r.violations.map((v) => `- ${v}`), ''] : []),
  ].join('\n');
}

/** Each schedule's window, per region: the floors, their spread, what an AZ loss leaves, the CPU they request. */
function scheduledPeaksMarkdown(config: PlatformConfig, peaks: ScheduledPeak[]): string[] {
  const budget = config.budgets.azLossCapacityPercent;
  const intro = [
    '## Scheduled peaks',
    '',
    `\`schedules\` in the config raise floors before known peaks and lower them after (docs/operations.md, "Scheduled capacity"): a KEDA cron trigger beside the raised service's CPU and memory targets, read here from the rendered ScaledObjects. Between start and end the HPA runs at least the floor and still scales above it on CPU and memory; Karpenter adds the nodes. What a peak needs is taken as the floor less the headroom the service keeps at its normal floor (requiredReplicas of minReplicas): ceil(floor × required / min). Budget: ${budget} % of it survives the loss of the fullest AZ, as for the normal floors.`,
    '',
  ];
  if (peaks.length === 0) return [...intro, 'No schedule is configured: the floors are the services\' minReplicas around the clock.', ''];
  const names = [...new Set(peaks.map((p) => p.schedule))];
  return [
    ...intro,
    ...names.flatMap((name) => {
      const windows = peaks.filter((p) => p.schedule === name);
      const first = windows[0];
      return [
        `### ${name}: \`${first.start}\` to \`${first.end}\` (${first.timezone})`,
        '',
        '| region | service | floor: normal → peak | pods per AZ | survivors of the worst AZ loss | of what the peak needs | of the peak floor | of the normal requirement |',
        '|---|---|---|---|---|---|---|---|',
        ...windows.flatMap((p) =>
          p.services.map(
            (s) =>
              `| ${p.region} | ${s.service} | ${s.normalFloor} → ${s.floor} | ${s.perZone.join('/')} | ${s.survivors} | ${s.survivingPercentOfPeakRequired} % of ${s.peakRequired}${s.survivors * 100 >= budget * s.peakRequired ? ' ✓' : ' ✗'} | ${s.survivingPercentOfFloor} % | ${s.survivingPercentOfRequired} % of ${s.required} |`,
          ),
        ),
        '',
        ...windows.map(
          (p) =>
            `Requests at the floors in ${p.region}, every service of the shop at its floor during the window: ${p.cpuMillis / 1000} vCPU of Karpenter's on-demand ceiling of ${p.karpenterCpuLimit} (${Math.round(p.cpuMillis / (p.karpenterCpuLimit * 10))} %)${p.cpuMillis <= p.karpenterCpuLimit * 1000 ? '' : ', **above it**'}; the trace collector and the nodes' own pods come on top.`,
        ),
        '',
      ];
    }),
    'With a zone evacuated (regions[].evacuatedZones) the floors spread over the zones left, as computed here. The replacements of the pods an AZ loss takes follow the zone-loss timelines above; the HPA keeps asking for the floor throughout.',
    '',
  ];
}

/** What RDS Proxy changes in a database failover, when the services use it. */
function regionSwitchMarkdown(config: PlatformConfig, runs: SwitchModel[]): string[] {
  const first = runs[0];
  const byMode = (target: string, mode: string) => runs.find((x) => x.target === target && x.mode === mode)!;
  const targets = config.regions.map((r) => r.name);
  return [
    '### Region switch: the modeled RTO',
    '',
    `The Region switch plan (cluster/region-switch, explained by \`npm run data:promote\`) moves the writers and the traffic: graceful (a planned switchover, both regions up, nothing lost) or ungraceful (an unplanned failover, the other region down). Its steps run one after the other; the two databases switch in one parallel step. The approval is a person's decision and is **not** in the figures: the RTO of order writes after a region loss is the time to decide plus the plan's run. Browsing and carts do not wait for it: DNS and the front door move them by themselves (above). Budget: ${config.budgets.regionSwitchSeconds} s for every run.`,
    '',
    `| step | what it waits for | ${targets.flatMap((t) => [`to ${t}, graceful`, `to ${t}, ungraceful`]).join(' | ')} | timeout |`,
    `|---|---|${targets.map(() => '---|---|').join('')}---|`,
    ...first.steps.map((step, i) => `| ${step.block} | ${step.waitsFor} | ${targets.flatMap((t) => ['graceful', 'ungraceful'].map((m) => { const x = byMode(t, m).steps[i]; return x.seconds === null ? 'not modeled' : `${x.seconds} s`; })).join(' | ')} | ${step.timeoutMinutes} min |`),
    `| **plan, after the approval** | | ${targets.flatMap((t) => ['graceful', 'ungraceful'].map((m) => { const x = byMode(t, m); return `**${x.seconds} s**${x.seconds <= config.budgets.regionSwitchSeconds ? ' ✓' : ' ✗'}`; })).join(' | ')} | |`,
    `| order writes back | | ${targets.flatMap((t) => ['graceful', 'ungraceful'].map((m) => `${byMode(t, m).writesBackSeconds} s`)).join(' | ')} | |`,
    '',
    ...first.steps.filter((x) => x.seconds !== null).map((x) => `- **${x.block}**: ${x.how}.`),
    '',
    `Git does not change for a switch: every region renders the same manifests whichever is active (the home, ${config.primaryRegion}, keeps the global clusters, master credentials and the RPO bound; the services connect to their own cluster endpoint, which reaches the writer or forwards writes). While the other region is active, orders' RPO is its replication lag (AWS advises the bound only on the home of a two-region global database), and a failover back to the home pauses order commits until the bound is lifted (docs/operations.md, "Region switch").`,
    '',
  ];
}

function proxyMarkdown(proxy: ProxyFailover | null): string[] {
  if (!proxy) return ['### RDS Proxy', '', "The services connect to the clusters' own endpoints: this region's data-access stack is not in the outputs yet (docs/operations.md#deploying-an-environment).", ''];
  return [
    '### RDS Proxy in a database failover',
    '',
    `The services reach orders and catalog through an RDS Proxy per region (cluster/data-access): a writer failover in the region (~${proxy.withoutProxySeconds} s) looks to them like ~${proxy.withProxySeconds} s (AWS's "up to ${RECOVERY_FIGURES.proxyFailoverReduction.percent} %"), with no DNS change to wait for: the proxy queues requests and holds client connections (up to ${proxy.borrowTimeoutSeconds} s, its connection borrow timeout), cancelling only those in a transaction. After a global switchover or failover the promoted region's proxy sends its read/write endpoint to the new writer by itself; the clients of that region move from the read-only to the read/write endpoint when git follows the promotion (as before). The gain relies on multiplexing: a pinned session keeps its own database connection. catalog interpolates its query arguments (no server-side prepares, which pin on MySQL); orders' Flyway takes a PostgreSQL advisory lock at start, which pins that one connection until it closes. Watch DatabaseConnectionsCurrentlySessionPinned.`,
    '',
  ];
}

/** Every front door's rows (the chosen one first and marked), then the chosen one's steps. */
function frontDoorMarkdown(config: PlatformConfig, r: Omit<ResilienceReport, 'markdown'>): string[] {
  const chosen = config.edge.frontDoor;
  const failure = { unreachable: 'stops answering', cannotSell: 'cannot sell' } as const;
  const time = (v: number | null) => (v === null ? '**never** without a person' : `${v} s`);
  const ordered = [...r.frontDoor.rows].sort((a, b) => Number(b.frontDoor === chosen) - Number(a.frontDoor === chosen));
  const budgeted = [r.frontDoor.regionFailover, r.frontDoor.cannotSell];
  return [
    `### Through the front door (${chosen})`,
    '',
    `Customers reach the shop through **${chosen}** (edge.frontDoor). How long a request of each type fails, worst case, when the primary region stops answering or cannot sell, through each front door; the chosen one's slowest is held to the budgets (${config.budgets.regionFailoverSeconds} s and ${config.budgets.cannotSellFailoverSeconds} s). CloudFront retries only GET, HEAD and OPTIONS on another origin (CloudFront Developer Guide, "Optimize high availability with CloudFront origin failover"), and refuses an origin group on a behaviour that allows POST: a POST to checkout moves with DNS, never per request.`,
    '',
    '| front door | request | primary | worst case | customers see meanwhile |',
    '|---|---|---|---|---|',
    ...ordered.map(
      (x) =>
        `| ${x.frontDoor === chosen ? `**${x.frontDoor}** (chosen)` : x.frontDoor} | ${x.request} | ${failure[x.failure]} | ${budgeted.includes(x) ? `**${time(x.worstCaseSeconds)}**` : time(x.worstCaseSeconds)} | ${x.customerSees} |`,
    ),
    '',
    `Steps of the chosen front door's rows:`,
    '',
    '| request | primary | step | seconds | from |',
    '|---|---|---|---|---|',
    ...r.frontDoor.rows
      .filter((x) => x.frontDoor === chosen)
      .flatMap((x) => (x.steps.length ? x.steps.map((st) => `| ${x.request} | ${failure[x.failure]} | ${st.label} | ${st.seconds} | ${st.from} |`) : [`| ${x.request} | ${failure[x.failure]} | (none) | 0 | ${x.customerSees} |`])),
    '',
  ];
}

const seconds = (v: number | null) => (v === null ? '**never** while the zone is out' : v === 0 ? 'at once' : `${v} s`);

/** Where the lost pods go, what each design does about it, each service's scenarios, the platform's parts. */
function zoneLossMarkdown(config: PlatformConfig, r: Omit<ResilienceReport, 'markdown'>): string[] {
  const toleration = Math.max(...r.services.map((s) => s.tolerationSeconds));
  const evicted = FIGURES.nodeMonitorGrace.seconds + toleration;
  const evacuation = FIGURES.evacuationDecision.seconds + FIGURES.gitopsApply.seconds;
  const cell = (z: ZoneLossScenario) => {
    const t = z.timeline;
    const stuck = t.neverBack ? ` (${t.neverBack} stuck)` : '';
    const tied = [...t.outcome.placed, ...(t.afterEvacuation?.placed ?? [])].some((p) => p.afterFailedLaunch) ? ' †' : '';
    return `${seconds(t.neededBackSeconds)}${stuck}${tied}`;
  };
  const placedText = (placed: PlacedPod[]) => {
    const byZone = new Map<string, number>();
    for (const p of placed) byZone.set(p.zone, (byZone.get(p.zone) ?? 0) + 1);
    return byZone.size ? [...byZone].map(([z, n]) => `${n} in ${z}`).join(', ') : 'none';
  };
  const primaryService = r.services.find((x) => x.primary)!;
  return [
    '### Where the lost pods go: two schedulers',
    '',
    `A lost zone's nodes go NotReady and are tainted \`unreachable\` after ${FIGURES.nodeMonitorGrace.seconds} s; the shop's pods tolerate that for ${toleration} s, are evicted (they stay Terminating: the kubelet is gone) and their ReplicaSets create replacements at about ${evicted} s. Two schedulers place them, and they see the zones differently (resilience/zone-loss.ts follows both in their source):`,
    '',
    '- **kube-scheduler** places a replacement on an existing node with room. Its PodTopologySpread filter counts a zone only if one of its nodes passes the constraint\'s node inclusion policies; with `nodeTaintsPolicy: Honor` the lost nodes\' untolerated `unreachable:NoSchedule` taint drops the lost zone, and terminating pods count nowhere. Replacements go to the surviving zones, as long as there is room.',
    '- **Karpenter** (1.14.1) takes what kube-scheduler could not place and launches nodes. It counts every zone a NodePool lists as a domain, launchable or not (topology.go:129-140). The lost zone holds 0 counted pods, so it is the global minimum, and under `DoNotSchedule` with maxSkew 1 it is the only zone a new node may go to: Karpenter tries to launch there and fails, again and again. Replacements and scale-out beyond the spare room stay Pending: **the dead-zone trap** (kubernetes-sigs/karpenter#2171).',
    '',
    `**The fix: evacuate the zone.** \`regions[].evacuatedZones\` takes the zone out of every NodePool (both are rendered by the platform chart), so Karpenter stops counting it, and launches in the surviving zones. A person flips it (docs/operations.md, "A zone degrades") after the NodesNotReady alarm: about ${FIGURES.evacuationDecision.seconds} s to decide and push, ${FIGURES.gitopsApply.seconds} s for Argo CD to apply it, then a node (${FIGURES.karpenterNode.seconds} s) and the pods (${FIGURES.podStart.seconds} s). When the zone is back, the person clears the field; the descheduler moves pods back into the zone once it has room (it ignores NotReady nodes until then).`,
    '',
    `Every design considered, run through both schedulers for ${primaryService.service} in ${primaryService.region} at its ceiling (${primaryService.maxReplicas} pods, ${primaryService.perZoneAtMax.join('/')}), ${primaryService.zoneLoss[3].lostZone} lost, no spare room:`,
    '',
    '| design | kube-scheduler domains | Karpenter domains (after the change) | replacements placed | all back after | verdict |',
    '|---|---|---|---|---|---|',
    ...r.alternatives.map((a) => {
      const o = a.timeline.afterEvacuation ?? a.timeline.outcome;
      return `| ${a.design} | ${o.schedulerDomains.join(', ')} | ${o.karpenterDomains.join(', ')} | ${placedText(a.placed)} | ${seconds(a.timeline.neededBackSeconds)} | ${a.verdict} |`;
    }),
    '',
    '### Zone loss per service and region',
    '',
    `The zone that holds the most pods is lost. "Room": the surviving nodes have room for every replacement (kube-scheduler places them); "no room": none (Karpenter must launch nodes). The time is until the pods the load needs run again: at the floor, the required replicas; at the peak, all of the ceiling. Evacuation is applied at ${evacuation} s. Budget (primary region, no room, evacuated): ${config.budgets.zoneLossRecoverySeconds} s.`,
    '',
    '| service | region | load | pods before → survivors | needed | room | no room, as rendered | no room, evacuated |',
    '|---|---|---|---|---|---|---|---|',
    ...r.services.flatMap((s) =>
      (['normal', 'peak'] as const).map((load) => {
        const rows = s.zoneLoss.filter((z) => z.load === load);
        const [room, trapped, evacuated] = [rows.find((z) => z.room === 'room')!, rows.find((z) => z.room === 'no room' && z.mitigation === 'none')!, rows.find((z) => z.mitigation === 'evacuation')!];
        const ok = s.primary ? (evacuated.timeline.neededBackSeconds !== null && evacuated.timeline.neededBackSeconds <= config.budgets.zoneLossRecoverySeconds ? ' ✓' : ' ✗') : '';
        return `| ${s.service} | ${s.region}${s.primary ? ' (primary)' : ''} | ${load} | ${room.pods} → ${room.timeline.outcome.survivors} | ${room.needed} | ${cell(room)} | ${cell(trapped)} | ${cell(evacuated)}${ok} |`;
      }),
    ),
    '',
    `† after a failed launch into the lost zone (${FIGURES.failedLaunch.seconds} s in the model): Karpenter picks at random among the zones with the fewest pods, the lost one included (topologygroup.go:226), and may try there first.`,
    '',
    '### The platform\'s own parts',
    '',
    'The recovery above needs cluster components that must survive the zone too (config/platform-components.ts, wired in cluster/addons/high-availability.ts). The pods of every component configured there are evicted 30 s after their node is lost (Kubernetes would wait 300 s); the Container Insights agents are a DaemonSet, and the observability operator keeps the EKS add-on\'s defaults. Those needed must serve again before the evacuation is applied, or have a runbook step.',
    '',
    '| component | needed during a zone loss | replicas | zone spread, PDB | survivors of the worst zone loss | serves again | for |',
    '|---|---|---|---|---|---|---|',
    ...r.platform.map(
      (p) =>
        `| ${p.component.name} | ${p.component.neededDuringZoneLoss ? 'yes' : 'no'} | ${p.component.mode === 'per-node' ? 'one per node' : `${p.component.replicas} (${p.component.mode})`} | ${p.component.zoneSpread ? 'yes' : 'no'}, ${p.component.pdbMaxUnavailable !== undefined ? `maxUnavailable ${p.component.pdbMaxUnavailable}` : 'none'} | ${p.survivors === Number.POSITIVE_INFINITY ? 'one per surviving node' : p.survivors} | ${p.backSeconds === null ? 'when a person acts' : seconds(p.backSeconds)}: ${p.how} | ${p.component.role} |`,
    ),
    '',
  ];
}

/** Rows of the chart: per service and scenario, replicas required and replicas running. */
export function chartRows(report: ResilienceReport): Array<{ service: string; scenario: string; replicas: number; kind: string }> {
  return report.services
    .filter((s) => s.primary)
    .flatMap((s) => {
      const standby = report.regionLoss.find((x) => x.service === s.service)!;
      return [
        { service: s.service, scenario: 'required', replicas: s.required, kind: 'required' },
        { service: s.service, scenario: 'normal (primary at min)', replicas: s.minReplicas, kind: 'running' },
        { service: s.service, scenario: 'after worst AZ loss', replicas: s.survivors, kind: 'running' },
        { service: s.service, scenario: 'after region loss (standby at floor)', replicas: standby.standbyMin, kind: 'running' },
      ];
    });
}
