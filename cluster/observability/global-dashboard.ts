import { Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { albTags } from '../../config/hostnames';
import { JOURNEYS } from '../../config/observability';
import { PlatformConfig, SERVICE_NAMES } from '../../config/schema';
import { cartsTableName } from '../naming';
import { SHOPPER_METRICS } from '../synthetic-shopper';
import { auroraClusterIdentifier, auroraInstanceIdentifiers, catalogEntry, DATABASES, REDIS_NODE_ID, redisMemberClusterIds } from './metric-catalog';
import { addInRows, albQuery, catalogMetric, containerInsights, graph, math, otherRegions, requiredReplicas, sectionHeader, workload, alarmStatus, shopDashboard } from './widgets';

/** The name of the environment's global dashboard. */
export function globalDashboardName(config: PlatformConfig): string {
  return `securecart-${config.name}-global`;
}

/** Where Route 53 publishes health check metrics, hence where the global dashboard lives. */
const ROUTE53_METRICS_REGION = catalogEntry('AWS/Route53', 'HealthCheckStatus')!.onlyIn!;
const CLOUDFRONT_METRICS_REGION = catalogEntry('AWS/CloudFront', 'Requests')!.onlyIn!;
const ACCELERATOR_METRICS_REGION = catalogEntry('AWS/GlobalAccelerator', 'NewFlowCount')!.onlyIn!;

export interface GlobalDashboardProps {
  readonly config: PlatformConfig;
  /** Each region's calculated Route 53 health check id (HealthStack `healthChecks[region].attrHealthCheckId`), by region. */
  readonly regionHealthCheckIds: Readonly<Record<string, string>>;
  /** Id of the "at least one region can sell" check (HealthStack `shopHealthCheck.attrHealthCheckId`). */
  readonly shopHealthCheckId: string;
  /** Each region's synthetic shopper (SyntheticShopper `shopperName`: canary name and Shopper dimension), by region. */
  readonly shopperNames: Readonly<Record<string, string>>;
  /**
   * The shopper on the public name, in the dashboard's own region (HealthStack `publicShopper.shopperName`).
   * @default none charted
   */
  readonly publicShopperName?: string;
  /**
   * Alarms of the dashboard's own region shown at the top, e.g. the health stack's region alarms.
   * @default none: no alarm widget
   */
  readonly alarms?: cloudwatch.IAlarm[];
  /**
   * Tags of the environment's ALBs, which select their metrics.
   * @default albTags(config), the edge chart's
   */
  readonly albTags?: Record<string, string>;
  /**
   * Id of the CloudFront distribution. A reference from a stack that depends on the dashboard's (the
   * front door's stack depends on the health stack) would be a dependency cycle: pass it only where the
   * dashboard's stack may depend on the distribution's.
   * @default CloudFront's metrics are not charted
   */
  readonly distributionId?: string;
  /**
   * Id of the Global Accelerator accelerator (the last part of its ARN); the same caveat as distributionId.
   * @default the accelerator's metrics are not charted
   */
  readonly acceleratorId?: string;
  /** @default securecart-<env>-global */
  readonly dashboardName?: string;
}

/**
 * The environment at a glance, from us-east-1 (where Route 53 and CloudFront publish their metrics):
 * every region side by side in the same four sections as the regional dashboards. Each metric names its
 * region; every graph's title says what normal looks like.
 */
export class GlobalDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: GlobalDashboardProps) {
    super(scope, id);
    const { config } = props;
    const stackRegion = Stack.of(this).region;
    if (!Token.isUnresolved(stackRegion) && stackRegion !== ROUTE53_METRICS_REGION) {
      throw new Error(`the global dashboard is in a stack of ${stackRegion}: put it in ${ROUTE53_METRICS_REGION}, where Route 53 publishes health check metrics`);
    }
    const regions = config.regions.map((r) => r.name);
    for (const [what, byRegion] of [
      ['regionHealthCheckIds', props.regionHealthCheckIds],
      ['shopperNames', props.shopperNames],
    ] as const) {
      const missing = regions.filter((r) => !(r in byRegion));
      if (missing.length > 0) throw new Error(`${what} has no entry for ${missing.join(', ')}: give one per region of the config`);
    }
    const tags = props.albTags ?? albTags(config);
    const slos = config.observability.slos;
    // The shoppers: each region's, in its region, and the public one, in the dashboard's.
    const here = Token.isUnresolved(stackRegion) ? undefined : stackRegion;
    const shoppers = [
      ...regions.map((r) => ({ name: props.shopperNames[r], region: r as string | undefined, label: r })),
      ...(props.publicShopperName ? [{ name: props.publicShopperName, region: here as string | undefined, label: 'public' }] : []),
    ];
    const shopper = (s: (typeof shoppers)[number], metricName: string, journey: string, statistic: string) =>
      catalogMetric(
        SHOPPER_METRICS.namespace,
        metricName,
        { [SHOPPER_METRICS.dimensions.shopper]: s.name, [SHOPPER_METRICS.dimensions.journey]: journey },
        { statistic, label: `${s.label} ${journey}`, region: s.region },
      );

    this.dashboard = shopDashboard(this, props.dashboardName ?? globalDashboardName(config));

    // ---------------------------------------------------------------------------------------------
    // Customers
    const customers: cloudwatch.IWidget[] = alarmStatus(props.alarms);
    customers.push(
      graph({
        title: 'Synthetic shoppers: successful runs (%)',
        normal: `100 % for every shopper; ${config.dns.syntheticShopper.failedRuns} failed runs in a row fail a region over`,
        left: shoppers.map((s) => catalogMetric('CloudWatchSynthetics', 'SuccessPercent', { CanaryName: s.name }, { label: s.label, region: s.region })),
        leftAnnotations: [{ value: 100, label: 'normal', color: cloudwatch.Color.GREEN }],
        leftYAxis: { min: 0, max: 100 },
      }),
      graph({
        title: 'Journeys that succeeded (%)',
        normal: JOURNEYS.map((j) => `${j} ≥ ${slos[j].availabilityPercent} %`).join(', ') + ' for every shopper',
        left: shoppers.flatMap((s, si) =>
          JOURNEYS.map((j, ji) => math(`100 * s${si}_${ji}`, { [`s${si}_${ji}`]: shopper(s, SHOPPER_METRICS.journeySuccess, j, 'Average') }, `${s.label} ${j}`, s.region)),
        ),
        leftAnnotations: JOURNEYS.map((j) => ({ value: slos[j].availabilityPercent, label: `${j} SLO ${slos[j].availabilityPercent} %` })),
        leftYAxis: { min: 0, max: 100 },
      }),
      graph({
        title: 'Shopper request latency (ms)',
        normal: JOURNEYS.map((j) => `${j} p${slos[j].latencyPercent} under ${slos[j].latencyMs} ms`).join(', '),
        left: shoppers.flatMap((s) => JOURNEYS.map((j) => shopper(s, SHOPPER_METRICS.requestLatency, j, `p${slos[j].latencyPercent}`))),
        leftAnnotations: JOURNEYS.map((j) => ({ value: slos[j].latencyMs, label: `${j} SLO ${slos[j].latencyMs} ms` })),
      }),
      graph({
        title: 'ALB 5xx per minute, by region',
        normal: '0 everywhere',
        left: regions.flatMap((r) => [
          math(albQuery(tags, 'SUM', 'HTTPCode_ELB_5XX_Count'), {}, `${r} ALB`, r),
          math(albQuery(tags, 'SUM', 'HTTPCode_Target_5XX_Count'), {}, `${r} ui`, r),
        ]),
        width: 12,
      }),
      graph({
        title: 'ALB requests per minute, by region',
        normal:
          config.failoverMode === 'active-passive'
            ? `shoppers' traffic in ${config.primaryRegion}; the standby sees the synthetic shopper only`
            : 'shoppers spread over the regions',
        left: regions.map((r) => math(albQuery(tags, 'SUM', 'RequestCount'), {}, r, r)),
        width: 12,
      }),
    );

    // ---------------------------------------------------------------------------------------------
    // Capacity
    const capacity: cloudwatch.IWidget[] = regions.map((r) =>
      graph({
        title: `${r}: ready pods in % of required`,
        normal: '≥ 100 % for every service',
        left: SERVICE_NAMES.map((service, i) => {
          const required = requiredReplicas(config, service, r);
          return math(
            `100 * p${i} / ${required}`,
            { [`p${i}`]: containerInsights(config, r, 'replicas_ready', workload(config, service), { statistic: 'Minimum', region: r }) },
            `${r} ${service} (required ${required})`,
            r,
          );
        }),
        leftAnnotations: [{ value: 100, label: 'required', color: cloudwatch.Color.RED }],
      }),
    );
    capacity.push(
      graph({
        title: 'Nodes, by region',
        normal: `≥ ${config.cluster.systemNodes.minSize} per region, none failed`,
        left: regions.flatMap((r) => [
          containerInsights(config, r, 'cluster_node_count', {}, { statistic: 'Minimum', label: `${r} nodes`, region: r }),
          containerInsights(config, r, 'cluster_failed_node_count', {}, { statistic: 'Maximum', label: `${r} failed`, region: r }),
        ]),
        leftAnnotations: [{ value: config.cluster.systemNodes.minSize, label: `system node floor ${config.cluster.systemNodes.minSize}` }],
      }),
      graph({
        title: 'Pending pods, by region',
        normal: '0; short spikes during a scale-out',
        left: regions.map((r) => containerInsights(config, r, 'pod_status_pending', {}, { statistic: 'Sum', label: r, region: r })),
      }),
    );

    // ---------------------------------------------------------------------------------------------
    // Data
    const { replicationLagAlarmSeconds, ordersRpoBoundSeconds } = config.data;
    const lagAlarm: cloudwatch.HorizontalAnnotation = { value: replicationLagAlarmSeconds * 1000, label: `alarm ${replicationLagAlarmSeconds} s`, color: cloudwatch.Color.ORANGE };
    const data: cloudwatch.IWidget[] = [
      graph({
        title: 'orders: RPO lag, by receiving region (ms)',
        normal: `under 1 s in the standby; none from ${config.primaryRegion} (the writer)`,
        left: regions.map((r) =>
          catalogMetric('AWS/RDS', 'AuroraGlobalDBRPOLag', { DBClusterIdentifier: auroraClusterIdentifier(config, 'orders', r) }, { statistic: 'Maximum', label: r, region: r }),
        ),
        leftAnnotations: [
          lagAlarm,
          ...(ordersRpoBoundSeconds !== null ? [{ value: ordersRpoBoundSeconds * 1000, label: `commits block at ${ordersRpoBoundSeconds} s`, color: cloudwatch.Color.RED }] : []),
        ],
      }),
      graph({
        title: 'Global database replication lag, by receiving region (ms)',
        normal: 'under 1 s in the standby',
        left: regions.flatMap((r) =>
          DATABASES.map((db) =>
            catalogMetric('AWS/RDS', 'AuroraGlobalDBReplicationLag', { DBClusterIdentifier: auroraClusterIdentifier(config, db, r) }, { statistic: 'Maximum', label: `${r} ${db}`, region: r }),
          ),
        ),
        leftAnnotations: [lagAlarm],
      }),
      graph({
        title: 'Carts: DynamoDB replication latency (ms)',
        normal: 'about a second or less each way',
        left: regions.flatMap((from) =>
          otherRegions(config, from).map((to) =>
            catalogMetric('AWS/DynamoDB', 'ReplicationLatency', { TableName: cartsTableName(config), ReceivingRegion: to }, { statistic: 'Average', label: `${from} → ${to}`, region: from }),
          ),
        ),
      }),
      graph({
        title: 'Database restarts and failovers: engine uptime (s)',
        normal: 'lines rise; a drop to 0 is a restart (failovers restart the old writer)',
        left: regions.flatMap((r) =>
          DATABASES.flatMap((db) =>
            auroraInstanceIdentifiers(config, db, r).map((instance) => catalogMetric('AWS/RDS', 'EngineUptime', { DBInstanceIdentifier: instance }, { statistic: 'Minimum', label: `${r} ${instance}`, region: r })),
          ),
        ),
        width: 12,
      }),
      graph({
        title: 'Redis failovers: primary node, by region (1 = primary)',
        normal: 'one node per region at 1, the same one; a switch is a failover',
        left: regions.flatMap((r) =>
          redisMemberClusterIds(config).map((member) =>
            catalogMetric('AWS/ElastiCache', 'IsMaster', { CacheClusterId: member, CacheNodeId: REDIS_NODE_ID }, { statistic: 'Maximum', label: `${r} ${member}`, region: r }),
          ),
        ),
        leftYAxis: { min: 0, max: 1 },
        width: 12,
      }),
    ];

    // ---------------------------------------------------------------------------------------------
    // Edge
    const edge: cloudwatch.IWidget[] = [
      graph({
        title: 'Route 53 health (1 = healthy)',
        normal: 'every region and the shop at 1; a region at 0 is failed over',
        left: [
          ...regions.map((r) =>
            catalogMetric('AWS/Route53', 'HealthCheckStatus', { HealthCheckId: props.regionHealthCheckIds[r] }, { statistic: 'Minimum', label: r, region: ROUTE53_METRICS_REGION }),
          ),
          catalogMetric('AWS/Route53', 'HealthCheckStatus', { HealthCheckId: props.shopHealthCheckId }, { statistic: 'Minimum', label: 'shop (any region can sell)', region: ROUTE53_METRICS_REGION }),
        ],
        leftYAxis: { min: 0, max: 1 },
      }),
      graph({
        title: 'Route 53: healthy checks behind each region',
        normal: '2 per region (reachable and the shopper can buy)',
        left: regions.map((r) =>
          catalogMetric('AWS/Route53', 'ChildHealthCheckHealthyCount', { HealthCheckId: props.regionHealthCheckIds[r] }, { statistic: 'Minimum', label: r, region: ROUTE53_METRICS_REGION }),
        ),
        leftAnnotations: [{ value: 2, label: 'both healthy', color: cloudwatch.Color.GREEN }],
      }),
    ];
    if (props.distributionId) {
      const cf = (metricName: string, statistic: string, label: string) =>
        catalogMetric('AWS/CloudFront', metricName, { DistributionId: props.distributionId!, Region: 'Global' }, { statistic, label, region: CLOUDFRONT_METRICS_REGION });
      edge.push(
        graph({ title: 'CloudFront requests per minute', normal: "follows shoppers' traffic, never 0", left: [cf('Requests', 'Sum', 'requests')] }),
        graph({
          title: 'CloudFront error rates (%)',
          normal: '5xx near 0 %; 4xx a few %',
          left: [cf('5xxErrorRate', 'Average', '5xx'), cf('4xxErrorRate', 'Average', '4xx')],
        }),
      );
    }
    if (props.acceleratorId) {
      edge.push(
        graph({
          title: 'Global Accelerator: new connections per minute',
          normal: "follows shoppers' traffic, never 0",
          left: [catalogMetric('AWS/GlobalAccelerator', 'NewFlowCount', { Accelerator: props.acceleratorId }, { statistic: 'Sum', label: 'new flows', region: ACCELERATOR_METRICS_REGION })],
        }),
      );
    }
    if (!props.distributionId && !props.acceleratorId && config.edge.frontDoor !== 'route53') {
      edge.push(
        new cloudwatch.TextWidget({
          markdown: `**The front door (${config.edge.frontDoor}) is not charted here**: its stack deploys after this one, so this dashboard cannot name it.`,
          width: 8,
          height: 6,
        }),
      );
    }

    addInRows(this.dashboard, [sectionHeader('Customers', 'What shoppers get, region by region: the synthetic shoppers and the ALBs.'), ...customers]);
    addInRows(this.dashboard, [sectionHeader('Capacity', 'Ready pods of every service against what it needs in each region (config), nodes, pending pods.'), ...capacity]);
    addInRows(this.dashboard, [sectionHeader('Data', 'Replication between the regions (orders, catalog, carts) and failovers of the databases and Redis.'), ...data]);
    addInRows(this.dashboard, [sectionHeader('Edge', 'Route 53 health that DNS failover follows, and the front door.'), ...edge]);
  }
}
