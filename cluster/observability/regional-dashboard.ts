import { Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { regionalWebAclName } from '../../config/front-door';
import { albTags } from '../../config/hostnames';
import { JOURNEYS } from '../../config/observability';
import { PlatformConfig, SERVICE_NAMES } from '../../config/schema';
import { cartsTableName } from '../naming';
import { SHOPPER_METRICS } from '../synthetic-shopper';
import { auroraClusterIdentifier, auroraInstanceIdentifiers, DATABASES, REDIS_NODE_ID, redisMemberClusterIds } from './metric-catalog';
import {
  addInRows,
  albQuery,
  catalogMetric,
  containerInsights,
  DEFAULT_HPA_TARGETS,
  graph,
  math,
  otherRegions,
  requiredReplicas,
  sectionHeader,
  workload,
  alarmStatus,
  shopDashboard,
} from './widgets';

/** The name of a region's dashboard. */
export function regionalDashboardName(config: PlatformConfig, region: string): string {
  return `securecart-${config.name}-${region}`;
}

export interface RegionalDashboardProps {
  readonly config: PlatformConfig;
  /** The region the dashboard shows: the stack's own (its metrics live there). */
  readonly region: string;
  /**
   * The region's synthetic shopper (SyntheticShopper `shopperName`): its canary's name, which is also
   * the Shopper dimension of its journey metrics.
   */
  readonly shopperName: string;
  /**
   * Alarms shown at the top, e.g. the shopper's (what Route 53 follows) and RegionalAlarms' `alarms`.
   * @default none: no alarm widget
   */
  readonly alarms?: cloudwatch.IAlarm[];
  /**
   * EventBridge rules whose every match is a data-tier event someone must hear of (database failovers,
   * failed backups: RegionalAlarms `events.rules`); each rule's matches are charted.
   * @default none charted
   */
  readonly dataEventRules?: events.IRule[];
  /**
   * Tags of the environment's ALBs, which select their metrics.
   * @default albTags(config), the edge chart's
   */
  readonly albTags?: Record<string, string>;
  /**
   * 5xx responses per minute at which RegionalAlarms pages (drawn on the 5xx graph).
   * @default 50, RegionalAlarms' default
   */
  readonly fiveXxPerMinute?: number;
  /**
   * The services' HPA CPU target, in percent of the request.
   * @default 70, HighlyAvailableService's default
   */
  readonly cpuTargetUtilization?: number;
  /**
   * The services' HPA memory target, in percent of the request.
   * @default 90, HighlyAvailableService's default
   */
  readonly memoryTargetUtilization?: number;
  /** @default securecart-<env>-<region> */
  readonly dashboardName?: string;
}

/**
 * A CloudWatch dashboard of one region, in four sections: customers (the synthetic shopper, the ALB's
 * 5xx and latency), capacity (pods of each service against what it needs, the HPAs' signals against
 * their targets, nodes, pending pods), data (replication lag of the databases and the carts table,
 * database restarts and Redis failovers) and edge (the regional WAF). Every graph's title says what
 * normal looks like; every metric is one the metric catalog lists as emitted.
 */
export class RegionalDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: RegionalDashboardProps) {
    super(scope, id);
    const { config, region } = props;
    if (!config.regions.some((r) => r.name === region)) {
      throw new Error(`region "${region}" is not one of the config's regions (${config.regions.map((r) => r.name).join(', ')})`);
    }
    const stackRegion = Stack.of(this).region;
    if (!Token.isUnresolved(stackRegion) && stackRegion !== region) {
      throw new Error(`the dashboard of ${region} is in a stack of ${stackRegion}: put it in a stack of ${region}, where its metrics are`);
    }
    const primary = region === config.primaryRegion;
    const standby = !primary && config.failoverMode === 'active-passive';
    const tags = props.albTags ?? albTags(config);
    const slos = config.observability.slos;

    this.dashboard = shopDashboard(this, props.dashboardName ?? regionalDashboardName(config, region));

    // ---------------------------------------------------------------------------------------------
    // Customers
    const customers: cloudwatch.IWidget[] = alarmStatus(props.alarms);
    customers.push(
      graph({
        title: 'Synthetic shopper: successful runs (%)',
        normal: `100 %; Route 53 fails ${region} over after ${config.dns.syntheticShopper.failedRuns} failed runs in a row`,
        left: [catalogMetric('CloudWatchSynthetics', 'SuccessPercent', { CanaryName: props.shopperName }, { label: 'runs that shopped' })],
        leftAnnotations: [{ value: 100, label: 'normal', color: cloudwatch.Color.GREEN }],
        leftYAxis: { min: 0, max: 100 },
      }),
      graph({
        title: 'Journeys that succeeded (%)',
        normal: JOURNEYS.map((j) => `${j} ≥ ${slos[j].availabilityPercent} % (SLO)`).join(', '),
        left: JOURNEYS.map((j, i) =>
          math(`100 * s${i}`, { [`s${i}`]: this.shopper(props.shopperName, SHOPPER_METRICS.journeySuccess, j, 'Average') }, j),
        ),
        leftAnnotations: JOURNEYS.map((j) => ({ value: slos[j].availabilityPercent, label: `${j} SLO ${slos[j].availabilityPercent} %` })),
        leftYAxis: { min: 0, max: 100 },
      }),
      graph({
        title: 'Shopper request latency (ms)',
        normal: JOURNEYS.map((j) => `${j} p${slos[j].latencyPercent} under ${slos[j].latencyMs} ms (SLO)`).join(', '),
        left: JOURNEYS.map((j) => this.shopper(props.shopperName, SHOPPER_METRICS.requestLatency, j, `p${slos[j].latencyPercent}`)),
        leftAnnotations: JOURNEYS.map((j) => ({ value: slos[j].latencyMs, label: `${j} SLO ${slos[j].latencyMs} ms` })),
      }),
    );
    const fiveXx = props.fiveXxPerMinute ?? 50;
    customers.push(
      graph({
        title: 'ALB 5xx per minute: ALB and ui (target)',
        normal: `0; pages above ${fiveXx}/min for 3 minutes`,
        left: [
          math(albQuery(tags, 'SUM', 'HTTPCode_ELB_5XX_Count'), {}, 'ALB 5xx'),
          math(albQuery(tags, 'SUM', 'HTTPCode_Target_5XX_Count'), {}, 'ui 5xx'),
        ],
        leftAnnotations: [{ value: fiveXx, label: `alarm ${fiveXx}/min`, color: cloudwatch.Color.RED }],
      }),
      graph({
        title: 'ALB: ui response time (s)',
        normal: `average well under the browse SLO (${slos.browse.latencyMs / 1000} s)`,
        left: [math(albQuery(tags, 'AVG', 'TargetResponseTime'), {}, 'ui average'), math(albQuery(tags, 'MAX', 'TargetResponseTime'), {}, 'ui slowest')],
        leftAnnotations: [{ value: slos.browse.latencyMs / 1000, label: `browse SLO ${slos.browse.latencyMs / 1000} s` }],
      }),
      graph({
        title: 'ALB requests per minute',
        normal: standby ? 'only the synthetic shopper (a few a minute) while this region is the standby' : "follows shoppers' traffic, never 0 (the shopper runs every minute)",
        left: [math(albQuery(tags, 'SUM', 'RequestCount'), {}, 'requests')],
      }),
    );

    // ---------------------------------------------------------------------------------------------
    // Capacity
    const capacity: cloudwatch.IWidget[] = [];
    for (const service of SERVICE_NAMES) {
      const sizing = config.services[service].regions[region];
      const required = requiredReplicas(config, service, region);
      capacity.push(
        graph({
          title: `${service}: ready pods`,
          normal: `ready ≥ ${required} required; the HPA keeps ${sizing.minReplicas}–${sizing.maxReplicas}`,
          left: [
            containerInsights(config, region, 'replicas_ready', workload(config, service), { statistic: 'Minimum', label: 'ready' }),
            containerInsights(config, region, 'replicas_desired', workload(config, service), { statistic: 'Maximum', label: 'desired (HPA)' }),
          ],
          leftAnnotations: capacityAnnotations(required, sizing.minReplicas, sizing.maxReplicas),
          width: 8,
          height: 5,
        }),
      );
    }
    const { availabilityZones, evacuatedZones } = config.regions.find((r) => r.name === region)!;
    const serving = availabilityZones.filter((z) => !evacuatedZones.includes(z));
    capacity.push(
      graph({
        title: 'ui pods per AZ (healthy ALB targets)',
        normal: `each of the ${serving.length} AZs in service ≥ 1, within 1 of the others (zone spread)${evacuatedZones.length > 0 ? `; none in evacuated ${evacuatedZones.join(', ')}` : ''}`,
        left: [math(albQuery(tags, 'MAX', 'HealthyHostCount', { schema: ['AvailabilityZone', 'LoadBalancer', 'TargetGroup'], groupBy: 'AvailabilityZone' }), {}, 'healthy ui pods')],
        width: 8,
        height: 5,
      }),
    );
    const cpuTarget = props.cpuTargetUtilization ?? DEFAULT_HPA_TARGETS.cpu;
    const memoryTarget = props.memoryTargetUtilization ?? DEFAULT_HPA_TARGETS.memory;
    const utilisation = (usage: string, request: string) =>
      SERVICE_NAMES.map((service, i) =>
        math(
          `100 * u${i} / r${i}`,
          {
            [`u${i}`]: containerInsights(config, region, usage, workload(config, service)),
            [`r${i}`]: containerInsights(config, region, request, workload(config, service)),
          },
          service,
        ),
      );
    const hpaSignal = (what: string, used: string, requested: string, target: number) =>
      graph({
        title: `HPA signal: ${what} over request (%)`,
        normal: `under the ${target} % target; above it the HPA adds pods`,
        left: utilisation(used, requested),
        leftAnnotations: [{ value: target, label: `HPA target ${target} %`, color: cloudwatch.Color.ORANGE }],
        width: 12,
      });
    capacity.push(
      hpaSignal('CPU use', 'pod_cpu_usage_total', 'pod_cpu_request', cpuTarget),
      hpaSignal('memory working set', 'pod_memory_working_set', 'pod_memory_request', memoryTarget),
      graph({
        title: 'Nodes',
        normal: `≥ ${config.cluster.systemNodes.minSize} (system nodes), none failed`,
        left: [
          containerInsights(config, region, 'cluster_node_count', {}, { statistic: 'Minimum', label: 'nodes' }),
          containerInsights(config, region, 'cluster_failed_node_count', {}, { statistic: 'Maximum', label: 'failed nodes', color: cloudwatch.Color.RED }),
        ],
        leftAnnotations: [{ value: config.cluster.systemNodes.minSize, label: `system node floor ${config.cluster.systemNodes.minSize}` }],
      }),
      graph({
        title: 'Pending pods',
        normal: '0; short spikes while Karpenter launches nodes for a scale-out',
        left: [containerInsights(config, region, 'pod_status_pending', {}, { statistic: 'Sum', label: 'pending pods' })],
      }),
      new cloudwatch.TextWidget({
        markdown:
          '**Not charted: pods per AZ of each service (except ui, above) and Karpenter nodes per AZ.** Container Insights publishes no zone dimension ' +
          "and nothing sends Karpenter's Prometheus metrics (`karpenter_pods_state`, `karpenter_nodes_allocatable`, labelled by zone) to CloudWatch.",
        width: 8,
        height: 6,
      }),
    );

    // ---------------------------------------------------------------------------------------------
    // Data
    const data: cloudwatch.IWidget[] = [];
    const { replicationLagAlarmSeconds, ordersRpoBoundSeconds } = config.data;
    const lagAnnotations: cloudwatch.HorizontalAnnotation[] = [{ value: replicationLagAlarmSeconds * 1000, label: `alarm ${replicationLagAlarmSeconds} s`, color: cloudwatch.Color.ORANGE }];
    const whileStandby = primary ? 'no data while this region holds the writers' : 'under 1 s';
    data.push(
      graph({
        title: 'orders: RPO lag to this region (ms)',
        normal: whileStandby,
        left: [catalogMetric('AWS/RDS', 'AuroraGlobalDBRPOLag', { DBClusterIdentifier: auroraClusterIdentifier(config, 'orders', region) }, { statistic: 'Maximum', label: 'orders RPO lag' })],
        leftAnnotations: [
          ...lagAnnotations,
          ...(ordersRpoBoundSeconds !== null ? [{ value: ordersRpoBoundSeconds * 1000, label: `commits block at ${ordersRpoBoundSeconds} s`, color: cloudwatch.Color.RED }] : []),
        ],
      }),
      graph({
        title: 'Global database replication lag to this region (ms)',
        normal: whileStandby,
        left: DATABASES.map((db) =>
          catalogMetric('AWS/RDS', 'AuroraGlobalDBReplicationLag', { DBClusterIdentifier: auroraClusterIdentifier(config, db, region) }, { statistic: 'Maximum', label: db }),
        ),
        leftAnnotations: lagAnnotations,
      }),
      graph({
        title: 'Aurora replica lag in this region (ms)',
        normal: 'tens of ms',
        left: DATABASES.map((db) =>
          catalogMetric('AWS/RDS', 'AuroraReplicaLag', { DBClusterIdentifier: auroraClusterIdentifier(config, db, region), Role: 'READER' }, { statistic: 'Maximum', label: `${db} readers` }),
        ),
      }),
      graph({
        title: 'Database restarts and failovers: engine uptime (s)',
        normal: 'lines rise; a drop to 0 is a restart (failovers restart the old writer)',
        left: DATABASES.flatMap((db) =>
          auroraInstanceIdentifiers(config, db, region).map((instance) => catalogMetric('AWS/RDS', 'EngineUptime', { DBInstanceIdentifier: instance }, { statistic: 'Minimum', label: instance })),
        ),
      }),
      ...(props.dataEventRules && props.dataEventRules.length > 0
        ? [
            graph({
              title: 'Data-tier events: database failovers, failed backups',
              normal: '0; each one is also sent to the alarm topic',
              left: props.dataEventRules.map((rule) => catalogMetric('AWS/Events', 'Invocations', { RuleName: rule.ruleName }, { statistic: 'Sum' })),
            }),
          ]
        : []),
      graph({
        title: 'Redis failovers: primary node (1 = primary)',
        normal: 'one node at 1, always the same; a switch is a failover',
        left: redisMemberClusterIds(config).map((member) =>
          catalogMetric('AWS/ElastiCache', 'IsMaster', { CacheClusterId: member, CacheNodeId: REDIS_NODE_ID }, { statistic: 'Maximum', label: member }),
        ),
        leftYAxis: { min: 0, max: 1 },
      }),
      graph({
        title: 'Redis replication lag (s)',
        normal: 'under 1 s on the replicas',
        left: redisMemberClusterIds(config).map((member) =>
          catalogMetric('AWS/ElastiCache', 'ReplicationLag', { CacheClusterId: member, CacheNodeId: REDIS_NODE_ID }, { statistic: 'Maximum', label: member }),
        ),
      }),
      graph({
        title: `Carts: DynamoDB replication from ${region} (ms)`,
        normal: 'about a second or less; no data without writes here',
        left: otherRegions(config, region).map((to) =>
          catalogMetric('AWS/DynamoDB', 'ReplicationLatency', { TableName: cartsTableName(config), ReceivingRegion: to }, { statistic: 'Average', label: `to ${to}` }),
        ),
        width: 8,
      }),
    );

    // ---------------------------------------------------------------------------------------------
    // Edge
    const acl = regionalWebAclName(config.name, region);
    const edge: cloudwatch.IWidget[] = [
      graph({
        title: `WAF ${acl}: requests per minute`,
        normal: 'blocked a small share of allowed; a surge of blocks is an attack',
        left: (['AllowedRequests', 'BlockedRequests'] as const).map((m) =>
          catalogMetric('AWS/WAFV2', m, { Region: region, Rule: 'ALL', WebACL: acl }, { statistic: 'Sum', label: m === 'AllowedRequests' ? 'allowed' : 'blocked' }),
        ),
        width: 12,
      }),
      new cloudwatch.TextWidget({
        markdown:
          `**Route 53 health and the front door** are on the global dashboard \`securecart-${config.name}-global\` (us-east-1, where Route 53 and CloudFront publish their metrics). ` +
          `What Route 53 follows here: the synthetic shopper's alarm (top) and the HTTPS check of ${config.dns.healthCheck.path}.`,
        width: 12,
        height: 6,
      }),
    ];

    addInRows(this.dashboard, [sectionHeader('Customers', 'What shoppers get from this region: the synthetic shopper, and the ALB in front of ui.'), ...customers]);
    addInRows(this.dashboard, [sectionHeader('Capacity', 'Pods each service has against what it needs (config: required, HPA min and max), the HPA signals, nodes.'), ...capacity]);
    addInRows(this.dashboard, [sectionHeader('Data', 'Replication to and within this region, and failovers of the databases and Redis.'), ...data]);
    addInRows(this.dashboard, [sectionHeader('Edge', "This region's WAF; Route 53 and the front door are on the global dashboard."), ...edge]);
  }

  private shopper(shopperName: string, metricName: string, journey: string, statistic: string): cloudwatch.Metric {
    const { namespace, dimensions } = SHOPPER_METRICS;
    return catalogMetric(namespace, metricName, { [dimensions.shopper]: shopperName, [dimensions.journey]: journey }, { statistic, label: journey });
  }
}

/** Horizontal lines for a service's capacity graph: required replicas, HPA floor and ceiling. */
export function capacityAnnotations(required: number, min: number, max: number): cloudwatch.HorizontalAnnotation[] {
  return [
    { value: required, label: `required ${required}`, color: cloudwatch.Color.RED },
    { value: min, label: `HPA min ${min}`, color: cloudwatch.Color.GREY },
    { value: max, label: `HPA max ${max}`, color: cloudwatch.Color.GREY },
  ];
}

