/**
 * The resilience report: what the rendered manifests (what Argo CD applies) and the config promise
 * about the loss of an AZ, of a region, and a traffic peak, with the numbers behind it, checked
 * against the config's budgets.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { publicHostname } from '../config/hostnames';
import { cpuMillis, PlatformConfig, SERVICE_NAMES, ServiceName } from '../config/schema';
import { EXTERNAL_DNS_PREFIX } from '../charts/constants';
import { failoverModel, FailoverModel, SHOPPER_INTERVAL_SECONDS } from './failover';
import { evictionsAllowed, scaleOut, ScaleUpBehavior, zoneDistribution, ZoneSpread } from './capacity';

/** A rendered object, as much of it as the report reads. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rendered = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any };

/**
 * Published AWS figures and operating assumptions the report uses as inputs, named so a reader can
 * check them. Times in seconds.
 */
export const FIGURES = {
  auroraGlobalLag: { seconds: 1, source: 'Aurora global database: cross-region replication lag typically under 1 second (Aurora User Guide, "Using Amazon Aurora global databases")' },
  auroraGlobalFailover: { seconds: 60, source: 'Aurora global database: managed cross-region failover/switchover typically completes in about a minute (RTO, Aurora User Guide)' },
  auroraMultiAzFailover: { seconds: 30, source: 'Aurora Multi-AZ: writer failover to a reader in another AZ typically completes within 30 seconds; storage is replicated over 3 AZs (RPO 0)' },
  crossRegionReplicaPromotion: { seconds: 300, source: 'RDS cross-region read replica: promotion takes minutes; RPO is the replica lag (seconds to minutes)' },
  dynamoGlobalLag: { seconds: 1, source: 'DynamoDB global tables: replication typically within a second; every replica accepts writes (RTO 0)' },
  elastiCacheFailover: { seconds: 60, source: 'ElastiCache Redis Multi-AZ: automatic failover promotes a replica, typically in under a minute' },
  metricsToDecision: { seconds: 30, source: 'assumption: metrics-server scrapes every 15 s and the HPA acts on its next 15 s sync' },
  karpenterNode: { seconds: 60, source: 'assumption: Karpenter launches and registers a node in about a minute when no spare capacity exists' },
  podStart: { seconds: 60, source: 'assumption: image pull and JVM start to readiness; the startup probe allows up to 180 s' },
} as const;

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
  readonly dns: FailoverModel;
  /** Budget violations, each naming what and by how much. */
  readonly violations: string[];
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
  const hpa = find(objects, 'HorizontalPodAutoscaler', service);
  const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
  const pdb = objects.find(
    (o) => o.kind === 'PodDisruptionBudget' && Object.entries(o.spec.selector.matchLabels as Record<string, string>).every(([k, v]) => podLabels[k] === v),
  );
  const zoneRule = (deployment.spec.template.spec.topologySpreadConstraints ?? []).find((c: any) => c.topologyKey === 'topology.kubernetes.io/zone');
  const zones = config.regions.find((r) => r.name === region)!.availabilityZones.length;
  // Without a zone rule nothing keeps replicas apart: treat it as ScheduleAnyway (no guarantee).
  const spread: ZoneSpread = zoneRule
    ? { zones, maxSkew: zoneRule.maxSkew, whenUnsatisfiable: zoneRule.whenUnsatisfiable }
    : { zones, maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' };
  const min = hpa.spec.minReplicas as number;
  const max = hpa.spec.maxReplicas as number;
  const atMin = zoneDistribution(min, spread);
  const cpu = cpuMillis(deployment.spec.template.spec.containers[0].resources.requests.cpu);
  const required = config.services[service].regions[region].requiredReplicas ?? min;
  const up = scaleOut(hpa.spec.behavior.scaleUp as ScaleUpBehavior, min, max);
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
  };
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
function analyseData(config: PlatformConfig, rendered: Record<string, Rendered[]>): DataStore[] {
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
      const regionRto = `~${FIGURES.auroraGlobalFailover.seconds} s once promoted (npm run data:promote: a human decision)`;
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

export function buildReport(config: PlatformConfig, rendered: Record<string, Rendered[]>): ResilienceReport {
  const violations: string[] = [];
  const services = config.regions.flatMap((r) => SERVICE_NAMES.map((s) => analyseService(config, r.name, rendered[r.name], s)));

  for (const s of services.filter((x) => x.primary)) {
    if (s.survivingPercentOfRequired < config.budgets.azLossCapacityPercent) {
      const needed = Math.ceil((config.budgets.azLossCapacityPercent / 100) * s.required);
      violations.push(
        `AZ loss in ${s.region}: ${s.service} keeps ${s.survivors} of ${s.minReplicas} pods, ${s.survivingPercentOfRequired} % of the ${s.required} it requires (budget ${config.budgets.azLossCapacityPercent} %): short by ${needed - s.survivors} pod(s); raise services.${s.service}.regions.${s.region}.minReplicas or its zone spread`,
      );
    }
    if (s.drainEvictions < 1) violations.push(`node drain in ${s.region}: the PodDisruptionBudget of ${s.service} allows no eviction at ${s.minReplicas} replicas, so drains and Karpenter consolidation block`);
  }

  const publicHost = publicHostname(config);
  const records = publicRecords(rendered, publicHost);
  const dns = failoverModel({ ...config.dns.healthCheck, shopper: { failedRuns: config.dns.syntheticShopper.failedRuns } });
  if (dns.worstCaseSeconds > config.budgets.dnsFailoverSeconds) {
    violations.push(
      `DNS failover: modeled ${dns.worstCaseSeconds} s exceeds the budget of ${config.budgets.dnsFailoverSeconds} s by ${dns.worstCaseSeconds - config.budgets.dnsFailoverSeconds} s: lower dns.healthCheck.intervalSeconds or failureThreshold, or raise budgets.dnsFailoverSeconds`,
    );
  }
  const cannotSell = dns.cannotSell!;
  if (cannotSell.worstCaseSeconds > config.budgets.cannotSellFailoverSeconds) {
    violations.push(
      `DNS failover when the primary cannot sell: modeled ${cannotSell.worstCaseSeconds} s exceeds the budget of ${config.budgets.cannotSellFailoverSeconds} s by ${cannotSell.worstCaseSeconds - config.budgets.cannotSellFailoverSeconds} s: lower dns.syntheticShopper.failedRuns, or raise budgets.cannotSellFailoverSeconds`,
    );
  }
  if (config.failoverMode === 'active-passive') {
    const primaries = records.filter((r) => r.failover === 'PRIMARY');
    const secondaries = records.filter((r) => r.failover === 'SECONDARY');
    if (primaries.length !== 1 || secondaries.length !== records.length - 1) {
      violations.push(`DNS failover: ${publicHost} needs exactly one PRIMARY record and SECONDARY records for the others, rendered ${primaries.length} PRIMARY and ${secondaries.length} SECONDARY`);
    }
  }
  for (const r of records.filter((x) => !x.healthCheckId)) violations.push(`DNS failover: the ${r.region} record of ${publicHost} has no health check id, so Route 53 cannot fail it over`);

  // A standby taking over must grow to the primary's baseline: HPA steps, then nodes and pods.
  const standby = config.regions.find((r) => r.name !== config.primaryRegion)!.name;
  const regionLoss = SERVICE_NAMES.map((service) => {
    const s = services.find((x) => x.service === service && x.region === standby)!;
    const fullSize = services.find((x) => x.service === service && x.primary)!.minReplicas;
    const hpa = find(rendered[standby], 'HorizontalPodAutoscaler', service);
    const hpaSeconds = fullSize > s.minReplicas ? scaleOut(hpa.spec.behavior.scaleUp, s.minReplicas, fullSize).seconds : 0;
    const readySeconds = FIGURES.metricsToDecision.seconds + hpaSeconds + FIGURES.karpenterNode.seconds + FIGURES.podStart.seconds;
    return { service, standbyMin: s.minReplicas, fullSize, hpaSeconds, readySeconds };
  });

  const data = analyseData(config, rendered);
  const orders = data[0];
  if (orders.regionRpoSeconds === null || orders.regionRpoSeconds > config.budgets.orderDataRpoSeconds) {
    violations.push(
      `order data RPO: ${orders.topology} loses ${orders.regionRpoSeconds === null ? 'the replica lag (unbounded)' : orders.regionRpoSeconds === Number.POSITIVE_INFINITY ? 'everything since the last backup' : `${orders.regionRpoSeconds} s`} on a region loss, above the budget of ${config.budgets.orderDataRpoSeconds} s: ${
        orders.topology.startsWith('Aurora global database') ? 'bound it with data.ordersRpoBoundSeconds (rds.global_db_rpo)' : 'use an Aurora global database'
      }`,
    );
  }

  const markdown = renderMarkdown(config, { services, regionLoss, data, records, dns, violations });
  return { services, regionLoss, data, records, dns, violations, markdown };
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
    'Survivors carry the load while the lost pods are replaced: they are evicted 30 s after their nodes are marked unreachable (the pods\' toleration), and the spread places their replacements in the surviving AZs. "drain evicts" is what the PodDisruptionBudget lets a node drain (or Karpenter consolidation) take at once at min scale: at least 1, so drains never block. "min→max" is the fastest scale-out the HPA behavior allows (no stabilization, the larger of +100 % and +4 pods every 15 s), before metrics lag and pod start.',
    '',
    '## Losing the primary region',
    '',
    `### How fast DNS moves customers`,
    '',
    `Public name \`${publicHost}\`, as external-dns publishes it from each region's Ingress:`,
    '',
    '| region | routing | set identifier | health check | alias target health |',
    '|---|---|---|---|---|',
    ...r.records.map((x) => `| ${x.region} | ${x.failover ?? `latency (${x.latencyRegion})`} | \`${x.setIdentifier ?? '-'}\` | \`${x.healthCheckId ?? 'none'}\` | ${x.evaluateTargetHealth === 'false' ? 'off' : 'on'} |`),
    '',
    `A region is healthy in Route 53 while two checks both pass (a calculated health check, healthy when both children are: Route 53 API reference, HealthThreshold). Alias target health is off: a shared ALB would report the whole region down when any one target group has no healthy target.`,
    '',
    `- **Reachable and shows the catalog**: an HTTPS check of \`https://<region>.${publicHost}${hc.path}\` through the region's WAF and ALB every ${hc.intervalSeconds} s, unhealthy after ${hc.failureThreshold} consecutive failures. ui renders that page from catalog (MySQL) and carts (DynamoDB), and answers 5xx when either fails (ui 1.6.2 has no error handling of its own).`,
    `- **Can sell**: the region's synthetic shopper (a CloudWatch Synthetics canary, once a minute) browses, adds to the cart and checks out${config.dns.syntheticShopper.placeOrders ? ', placing an order (orders, its database and write forwarding included)' : ' up to the payment step (orders itself is not exercised)'}; its alarm fires after ${config.dns.syntheticShopper.failedRuns} failed run(s) in a row, and an alarm-based health check follows it. Without data the check keeps its last status: an unreachable region is the HTTPS check's to report.`,
    '',
    '**The region stops answering** (ALB, ui, catalog or carts down):',
    '',
    '| step | worst case | from |',
    '|---|---|---|',
    `| detection | ${r.dns.detectionSeconds} s | interval ${hc.intervalSeconds} s × failure threshold ${hc.failureThreshold} (the region fails just after a passing check) |`,
    `| cached answers | ${r.dns.ttlSeconds} s | alias records to an ALB carry the ALB's 60 s TTL (TTL annotations do not apply to aliases) |`,
    `| **customers reach the secondary** | **${r.dns.worstCaseSeconds} s** | budget ${config.budgets.dnsFailoverSeconds} s: ${r.dns.worstCaseSeconds <= config.budgets.dnsFailoverSeconds ? 'within' : '**exceeded**'} |`,
    '',
    '**The region answers but cannot sell** (checkout, Redis, orders or its database down):',
    '',
    '| step | worst case | from |',
    '|---|---|---|',
    `| first failing run | ${r.dns.cannotSell!.firstFailingRunSeconds} s | the shopper runs every ${SHOPPER_INTERVAL_SECONDS} s; the failure starts just after a passing run |`,
    `| further failing runs | ${r.dns.cannotSell!.moreRunsSeconds} s | ${config.dns.syntheticShopper.failedRuns - 1} more run(s), one a minute (dns.syntheticShopper.failedRuns ${config.dns.syntheticShopper.failedRuns}) |`,
    `| alarm and Route 53 | ${r.dns.cannotSell!.alarmLagSeconds} s | assumption: the run's datapoint published, the alarm evaluated (every minute), the alarm-based and calculated checks updated |`,
    `| cached answers | ${r.dns.ttlSeconds} s | the ALB alias's TTL |`,
    `| **customers reach the secondary** | **${r.dns.cannotSell!.worstCaseSeconds} s** | budget ${config.budgets.cannotSellFailoverSeconds} s: ${r.dns.cannotSell!.worstCaseSeconds <= config.budgets.cannotSellFailoverSeconds ? 'within' : '**exceeded**'} |`,
    '',
    'Not modeled: clients and resolvers that keep answers beyond their TTL, and the few seconds Route 53 takes to propagate a health status change. Global Accelerator would move new connections in about 30 s without DNS caching, at extra cost.',
    '',
    '### The warm standby growing to full size',
    '',
    'From its own floors to the primary\'s, the standby\'s HPAs react to the new load, Karpenter adds nodes and the pods start. Until then the standby serves with what it runs; reads and carts work at once, order writes are forwarded to the (lost) primary until the databases are promoted (below).',
    '',
    '| service | standby floor | full size | HPA steps | ready after (expected) |',
    '|---|---|---|---|---|',
    ...r.regionLoss.map((x) => `| ${x.service} | ${x.standbyMin} | ${x.fullSize} | ${x.hpaSeconds} s | ${x.readySeconds} s |`),
    '',
    `Ready after = metrics to decision (${FIGURES.metricsToDecision.seconds} s) + HPA steps + a new node (${FIGURES.karpenterNode.seconds} s) + pod start (${FIGURES.podStart.seconds} s, typical; the startup probe tolerates up to 180 s, which would add ${180 - FIGURES.podStart.seconds} s). The standby is at full size about ${longestReady} s after it takes traffic, i.e. about ${r.dns.worstCaseSeconds + longestReady} s after the primary fails.`,
    '',
    '### Data',
    '',
    '| store | topology (rendered) | AZ loss | region loss: RPO | region loss: RTO |',
    '|---|---|---|---|---|',
    ...r.data.map((d) => `| ${d.store} | ${d.topology} | ${d.azLoss} | ${d.regionLossNote ?? fmtRpo(d)} | ${d.regionRto} |`),
    '',
    `Budget: order data RPO ≤ ${config.budgets.orderDataRpoSeconds} s on a region loss, checked against the bound Aurora enforces, not the typical lag. A planned switchover loses nothing; an unplanned failover loses what had not replicated yet, at most the bound. The bound has a price: when the standby stops replicating (its region lost, or the link), the primary blocks order commits once the lag reaches it, until replication resumes or the bound is lifted (docs/operations.md). The standby's lag alarms (AuroraGlobalDBRPOLag for orders, AuroraGlobalDBReplicationLag for catalog) fire at ${config.data.replicationLagAlarmSeconds} s.`,
    '',
    '### Figures used as inputs',
    '',
    ...Object.values(FIGURES).map((f) => `- ${f.seconds} s: ${f.source}`),
    '',
    ...(r.violations.length ? ['## Budget violations', '', ...r.violations.map((v) => `- ${v}`), ''] : []),
  ].join('\n');
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
