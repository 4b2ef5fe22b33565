/**
 * Building blocks the two dashboards share: section headers, graphs that say what normal looks like,
 * the metrics of the catalog (metric-catalog.ts) and Metrics Insights queries over the ALBs.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { PlatformConfig, ServiceName } from '../../config/schema';
import { clusterName } from '../naming';
import { isCataloged } from './metric-catalog';

/** One-minute resolution: the shopper runs every minute and Container Insights reports every minute. */
export const PERIOD = Duration.minutes(1);

/** The dashboards' sections, in order. */
export const SECTIONS = ['Customers', 'Capacity', 'Data', 'Edge'] as const;
export type Section = (typeof SECTIONS)[number];

/** What a graph's title carries before its statement of normal (the tests look for it). */
export const NORMAL = 'normal:';

/** HPA targets of the shop's services: HighlyAvailableService's defaults, which charts/apps-chart.ts does not override. */
export { DEFAULT_HPA_TARGETS } from '../../charts/constructs/highly-available-service';

/** A shop dashboard: the last 3 hours by default, periods chosen by the console for the range shown. */
export function shopDashboard(scope: import('constructs').Construct, dashboardName: string): cloudwatch.Dashboard {
  return new cloudwatch.Dashboard(scope, 'Dashboard', { dashboardName, defaultInterval: Duration.hours(3), periodOverride: cloudwatch.PeriodOverride.AUTO });
}

/** The widgets that open a dashboard's Customers section: the alarms that matter, when there are any. */
export function alarmStatus(alarms: readonly cloudwatch.IAlarm[] | undefined): cloudwatch.IWidget[] {
  return alarms && alarms.length > 0 ? [new cloudwatch.AlarmStatusWidget({ title: 'Alarms · normal: all OK', alarms: [...alarms], width: 24, height: 3 })] : [];
}

/** A section header across the dashboard. */
export function sectionHeader(section: Section, what: string): cloudwatch.TextWidget {
  return new cloudwatch.TextWidget({ markdown: `## ${section}\n${what}`, width: 24, height: 2 });
}

export interface GraphOptions {
  readonly title: string;
  /** What the graph looks like when all is well; shown in the title after "normal:". */
  readonly normal: string;
  readonly left: cloudwatch.IMetric[];
  readonly right?: cloudwatch.IMetric[];
  readonly leftAnnotations?: cloudwatch.HorizontalAnnotation[];
  readonly leftYAxis?: cloudwatch.YAxisProps;
  readonly width?: number;
  readonly height?: number;
  readonly stacked?: boolean;
}

/** A time-series graph whose title says what normal looks like. */
export function graph(o: GraphOptions): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title: `${o.title} · ${NORMAL} ${o.normal}`,
    left: o.left,
    right: o.right,
    leftAnnotations: o.leftAnnotations,
    leftYAxis: o.leftYAxis ?? { min: 0 },
    width: o.width ?? 8,
    height: o.height ?? 6,
    stacked: o.stacked,
    period: PERIOD,
    legendPosition: cloudwatch.LegendPosition.BOTTOM,
  });
}

/** Lays widgets out left to right, a new row whenever the next one would pass the 24 columns. */
export function addInRows(dashboard: cloudwatch.Dashboard, widgets: cloudwatch.IWidget[]): void {
  let row: cloudwatch.IWidget[] = [];
  let width = 0;
  for (const w of widgets) {
    if (width + w.width > 24 && row.length > 0) {
      dashboard.addWidgets(...row);
      row = [];
      width = 0;
    }
    row.push(w);
    width += w.width;
  }
  if (row.length > 0) dashboard.addWidgets(...row);
}

export interface CatalogMetricOptions {
  readonly statistic?: string;
  readonly label?: string;
  /** Set for every metric of the global dashboard, so each names its region. @default the dashboard's */
  readonly region?: string;
  readonly color?: string;
}

/**
 * A metric of the catalog. Refuses one the catalog does not list with these dimension names: the
 * dashboards chart only what is emitted.
 */
export function catalogMetric(namespace: string, metricName: string, dimensionsMap: Record<string, string>, o: CatalogMetricOptions = {}): cloudwatch.Metric {
  if (!isCataloged(namespace, metricName, Object.keys(dimensionsMap))) {
    throw new Error(`metric ${namespace} ${metricName} with dimensions [${Object.keys(dimensionsMap).join(', ')}] is not in the metric catalog (cluster/observability/metric-catalog.ts): chart only what is emitted`);
  }
  return new cloudwatch.Metric({ namespace, metricName, dimensionsMap, period: PERIOD, statistic: o.statistic ?? 'Average', label: o.label, region: o.region, color: o.color });
}

/** A metric math expression at one-minute resolution, evaluated in `region` (for the global dashboard). */
export function math(expression: string, usingMetrics: Record<string, cloudwatch.IMetric>, label: string, region?: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({ expression, usingMetrics, label, period: PERIOD, searchRegion: region });
}

/** A Container Insights metric of a region's cluster. */
export function containerInsights(
  config: PlatformConfig,
  region: string,
  metricName: string,
  dimensions: Record<string, string>,
  o: CatalogMetricOptions = {},
): cloudwatch.Metric {
  return catalogMetric('ContainerInsights', metricName, { ...dimensions, ClusterName: clusterName(config, region) }, o);
}

/** The dimensions of a service's Deployment and pods (Container Insights' PodName is the Deployment's name). */
export function workload(config: PlatformConfig, service: ServiceName): Record<string, string> {
  return { PodName: service, Namespace: config.namespace };
}

/**
 * A Metrics Insights query over the environment's ALBs of a region, selected by their tags (the ALBs
 * are created at run time by the load balancer controller, so their names are unknown at synth); only
 * the environment's tags, so another environment of the account never shows here. Metrics Insights
 * reaches back two weeks (alarms on it, three hours).
 */
export function albQuery(
  tags: Record<string, string>,
  fn: 'SUM' | 'AVG' | 'MAX' | 'MIN',
  metricName: string,
  o: { readonly schema?: string[]; readonly groupBy?: string } = {},
): string {
  const schema = o.schema ?? ['LoadBalancer'];
  if (!isCataloged('AWS/ApplicationELB', metricName, schema)) {
    throw new Error(`metric AWS/ApplicationELB ${metricName} with dimensions [${schema.join(', ')}] is not in the metric catalog`);
  }
  const where = Object.entries(tags)
    .map(([k, v]) => `tag.${k} = '${v}'`)
    .join(' AND ');
  return `SELECT ${fn}(${metricName}) FROM SCHEMA("AWS/ApplicationELB", ${schema.join(', ')}) WHERE ${where}${o.groupBy ? ` GROUP BY ${o.groupBy}` : ''}`;
}

/** Replicas a service needs in a region (requiredReplicas, defaulting to minReplicas as the schema says). */
export function requiredReplicas(config: PlatformConfig, service: ServiceName, region: string): number {
  const sizing = config.services[service].regions[region];
  return sizing.requiredReplicas ?? sizing.minReplicas;
}

/** Regions other than `region`. */
export function otherRegions(config: PlatformConfig, region: string): string[] {
  return config.regions.map((r) => r.name).filter((r) => r !== region);
}
