/**
 * The CloudWatch dashboards (cluster/observability/): one per region and one global, synthesized with the
 * embedded default environment (config/environments/prod.yaml) and read back from the DashboardBody the
 * templates carry. They must chart only what the stacks and controllers emit (the metric catalog, with
 * the dimension sets it lists, including the metrics inside Metrics Insights queries and math), name the
 * resources the charts really create, carry the four sections, say on every graph what normal looks
 * like, draw the config's capacity numbers, and, on the global dashboard, name each metric's region.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import { regionalWebAclName } from '../config/front-door';
import { loadConfig, parseConfig } from '../config/load';
import { JOURNEYS } from '../config/observability';
import { PlatformConfig, SERVICE_NAMES } from '../config/schema';
import { cartsTableName, clusterName, publicShopperName } from '../cluster/naming';
import { GlobalDashboard, globalDashboardName } from '../cluster/observability/global-dashboard';
import {
  auroraClusterIdentifier,
  auroraInstanceIdentifiers,
  catalogEntry,
  DATABASES,
  isCataloged,
  METRIC_CATALOG,
  REDIS_NODE_ID,
  redisMemberClusterIds,
  redisReplicationGroupId,
} from '../cluster/observability/metric-catalog';
import { RegionalDashboard, regionalDashboardName } from '../cluster/observability/regional-dashboard';
import { SHOPPER_METRICS } from '../cluster/synthetic-shopper';
import { catalogMetric, DEFAULT_HPA_TARGETS, SECTIONS } from '../cluster/observability/widgets';
import { defaultConfigData, defaultInput, K8sObject, renderRegion, ROOT } from './helpers';

// ---------------------------------------------------------------------------------------------------
// Reading a dashboard back.

interface Row {
  readonly widget: Widget;
  /** Namespace, metric name and dimensions of a metric row; undefined for an expression row. */
  readonly metric?: { readonly namespace: string; readonly metricName: string; readonly dimensions: Record<string, string> };
  readonly expression?: string;
  readonly options: Record<string, any>;
  /** The region the row is evaluated in: its own, or its widget's. */
  readonly region: string;
}
interface Widget {
  readonly type: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly properties: Record<string, any>;
}
interface Dashboard {
  readonly name: string;
  readonly region: string;
  readonly widgets: Widget[];
  readonly rows: Row[];
}

const TOKEN = '<token>';

/** The dashboard of a stack, its body's Fn::Join rendered with the stack's region and placeholders for other tokens. */
function dashboardOf(stack: Stack): Dashboard {
  const resources = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  expect(resources).toHaveLength(1);
  const { DashboardBody: body, DashboardName: name } = resources[0].Properties;
  const text =
    typeof body === 'string'
      ? body
      : (body['Fn::Join'][1] as Array<string | Record<string, any>>)
          .map((part) => (typeof part === 'string' ? part : part.Ref === 'AWS::Region' ? stack.region : typeof part.Ref === 'string' ? `{Ref:${part.Ref}}` : TOKEN))
          .join('');
  const widgets: Widget[] = JSON.parse(text).widgets;
  const rows: Row[] = [];
  for (const widget of widgets) {
    for (const entry of (widget.properties.metrics ?? []) as unknown[][]) {
      const last = entry[entry.length - 1];
      const options = (typeof last === 'object' && last !== null ? last : {}) as Record<string, any>;
      const region = options.region ?? widget.properties.region;
      if (typeof entry[0] === 'object') {
        rows.push({ widget, expression: options.expression, options, region });
        continue;
      }
      const fields = entry.filter((e) => typeof e === 'string') as string[];
      const [namespace, metricName, ...pairs] = fields;
      const dimensions: Record<string, string> = {};
      for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i]] = pairs[i + 1];
      rows.push({ widget, metric: { namespace, metricName, dimensions }, options, region });
    }
  }
  return { name, region: stack.region, widgets, rows };
}

const METRICS_INSIGHTS = /^SELECT\s+(SUM|AVG|MAX|MIN|COUNT)\((\w+)\)\s+FROM\s+SCHEMA\("([^"]+)"((?:\s*,\s*\w+)*)\)\s+WHERE\s+(.+?)(?:\s+GROUP BY\s+([\w\s,]+))?$/;

/** A Metrics Insights query, taken apart. */
function parseQuery(query: string): { metricName: string; namespace: string; schema: string[]; where: string; groupBy: string[] } {
  const m = METRICS_INSIGHTS.exec(query);
  if (!m) throw new Error(`not a bounded Metrics Insights query (SELECT f(metric) FROM SCHEMA(...) WHERE ...): ${query}`);
  const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  return { metricName: m[2], namespace: m[3], schema: list(m[4]), where: m[5], groupBy: list(m[6]) };
}

/** Every metric of a dashboard, those inside queries included, as namespace, name and dimension names. */
function chartedMetrics(d: Dashboard): Array<{ namespace: string; metricName: string; dimensionNames: string[]; row: Row }> {
  return d.rows.flatMap((row) => {
    if (row.metric) return [{ namespace: row.metric.namespace, metricName: row.metric.metricName, dimensionNames: Object.keys(row.metric.dimensions), row }];
    if (/^\s*SELECT\b/i.test(row.expression!)) {
      const q = parseQuery(row.expression!);
      return [{ namespace: q.namespace, metricName: q.metricName, dimensionNames: q.schema, row }];
    }
    return [];
  });
}

const graphs = (d: Dashboard) => d.widgets.filter((w) => w.type === 'metric');
const byTitle = (d: Dashboard, start: string) => {
  const found = d.widgets.filter((w) => typeof w.properties.title === 'string' && w.properties.title.startsWith(start));
  expect(found).toHaveLength(1);
  return found[0];
};
const annotations = (w: Widget) => (w.properties.annotations?.horizontal ?? []) as Array<{ value: number; label: string }>;
const annotation = (w: Widget, prefix: string) => annotations(w).find((a) => a.label.startsWith(prefix))?.value;

// ---------------------------------------------------------------------------------------------------
// The dashboards under test.

function build(config: PlatformConfig, frontDoor: { distributionId?: string; acceleratorId?: string } = {}) {
  const app = new App();
  const regionalStacks: Record<string, Stack> = {};
  for (const region of config.regions) {
    const stack = new Stack(app, `Regional-${region.name}`, { env: { account: config.accountId, region: region.name } });
    const alarm = new cloudwatch.Alarm(stack, 'ShopperAlarm', { metric: new cloudwatch.Metric({ namespace: 'CloudWatchSynthetics', metricName: 'SuccessPercent' }), threshold: 100, evaluationPeriods: 2 });
    const failovers = new events.Rule(stack, 'Failovers', { ruleName: `securecart-${config.name}-database-failover`, eventPattern: { source: ['aws.rds'] }, targets: [] });
    new RegionalDashboard(stack, 'Dashboard', { config, region: region.name, shopperName: `securecart-${config.name}-shopper`, alarms: [alarm], dataEventRules: [failovers] });
    regionalStacks[region.name] = stack;
  }
  const stack = new Stack(app, 'Health', { env: { account: config.accountId, region: 'us-east-1' } });
  const checks = Object.fromEntries(config.regions.map((r) => [r.name, `hc-${r.name}`]));
  new GlobalDashboard(stack, 'Dashboard', {
    config,
    regionHealthCheckIds: checks,
    shopHealthCheckId: 'hc-shop',
    shopperNames: Object.fromEntries(config.regions.map((r) => [r.name, `securecart-${config.name}-shopper`])),
    publicShopperName: publicShopperName(config),
    ...frontDoor,
  });
  // Read back only once the whole app is built: the first template read synthesizes it.
  const regional = Object.fromEntries(Object.entries(regionalStacks).map(([r, s]) => [r, dashboardOf(s)]));
  return { regional, global: dashboardOf(stack) };
}

const config = loadConfig();
const { regional, global } = build(config);
// The same with the front door's ids given, so that its metrics are checked too.
const withFrontDoor = build(config, { distributionId: 'E2EXAMPLE', acceleratorId: '1234abcd-abcd-1234-abcd-1234abcdefgh' });
// Another shape: regions the other way round, three AZs named differently, active-active, more Redis replicas.
const tuned = (() => {
  const data = defaultConfigData();
  data.regions.reverse();
  data.primaryRegion = 'us-west-2';
  data.failoverMode = 'active-active';
  data.data.redis.replicas = 1;
  data.data.orders.instances = 3;
  data.services.ui.regions['us-west-2'] = { minReplicas: 4, maxReplicas: 20, requiredReplicas: 6 };
  data.services.checkout.regions['us-east-1'] = { minReplicas: 3, maxReplicas: 9 };
  return parseConfig(data, 'tuned');
})();
const tunedDashboards = build(tuned);

const every = (): Array<[string, Dashboard]> => [
  ...Object.entries(regional).map(([r, d]): [string, Dashboard] => [`regional ${r}`, d]),
  ['global', global],
  ['global with front door', withFrontDoor.global],
  ...Object.entries(tunedDashboards.regional).map(([r, d]): [string, Dashboard] => [`tuned regional ${r}`, d]),
  ['tuned global', tunedDashboards.global],
];

// ---------------------------------------------------------------------------------------------------

describe('the metric catalog', () => {
  test('names where each metric comes from and what proves it', () => {
    for (const m of METRIC_CATALOG) {
      expect(m.emittedBy.length).toBeGreaterThan(10);
      expect(m.source).toMatch(/https:\/\/docs\.aws\.amazon\.com\/|@v?\d|^cluster\/synthetic-shopper\/canary\.js/);
      expect(m.dimensions.length).toBeGreaterThan(0);
    }
    const keys = METRIC_CATALOG.map((m) => `${m.namespace} ${m.metricName}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test("entries citing aws-cdk-lib's canned metrics are in them, with the same dimension sets", () => {
    // aws-cdk-lib generates these from CloudWatch's own metric metadata: <service>-canned-metrics.generated.{js,d.ts}.
    let checked = 0;
    for (const m of METRIC_CATALOG) {
      const cited = /aws-cdk-lib@[\d.]+ (\S+-canned-metrics\.generated)\.d\.ts/.exec(m.source);
      if (!cited) continue;
      const base = path.join(ROOT, 'node_modules', 'aws-cdk-lib', cited[1]);
      const js = fs.readFileSync(`${base}.js`, 'utf8');
      const dts = fs.readFileSync(`${base}.d.ts`, 'utf8');
      const methods = [...js.matchAll(/static (\w+)\(dimensions\)\{return\{namespace:"([^"]+)",metricName:"([^"]+)"/g)].filter((x) => x[2] === m.namespace && x[3] === m.metricName).map((x) => x[1]);
      expect(methods.length).toBeGreaterThan(0);
      const sets = new Set<string>();
      for (const method of methods) {
        for (const d of dts.matchAll(new RegExp(`static ${method}\\(this: void, dimensions: \\{([^}]*)\\}\\)`, 'g'))) {
          sets.add([...d[1].matchAll(/(\w+): string;/g)].map((x) => x[1]).sort().join(','));
        }
      }
      for (const set of m.dimensions) expect([...sets]).toContain([...set].sort().join(','));
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  test("lists the synthetic shopper's metrics exactly as its script publishes them", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const script = require('../cluster/synthetic-shopper/canary.js') as { runMetrics: (o: { shopper: string; requests: Array<{ journey: string; milliseconds: number }>; failedStep?: string }) => Array<{ MetricName: string; Dimensions: Array<{ Name: string }> }> };
    const data = script.runMetrics({ shopper: 's', requests: JOURNEYS.map((journey) => ({ journey, milliseconds: 100 })) });
    const published = new Set(data.map((d) => `${d.MetricName} ${d.Dimensions.map((x) => x.Name).sort().join(',')}`));
    expect(published.size).toBe(2);
    for (const p of published) {
      const [metricName, dims] = p.split(' ');
      expect({ p, cataloged: isCataloged(SHOPPER_METRICS.namespace, metricName, dims.split(',')) }).toEqual({ p, cataloged: true });
    }
  });

  test('catalogMetric refuses what the catalog does not list', () => {
    expect(() => catalogMetric('ContainerInsights', 'pod_status_pending', { Namespace: 'securecart', ClusterName: 'x' })).toThrow(/not in the metric catalog/);
    expect(() => catalogMetric('ContainerInsights', 'karpenter_nodes_allocatable', { zone: 'us-east-1a' })).toThrow(/not in the metric catalog/);
    expect(isCataloged('ContainerInsights', 'replicas_ready', ['ClusterName', 'Namespace', 'PodName'])).toBe(true);
  });
});

describe.each(every())('%s dashboard', (_, d) => {
  test('charts only cataloged metrics, under a dimension set the catalog lists', () => {
    const charted = chartedMetrics(d);
    expect(charted.length).toBeGreaterThan(10);
    for (const m of charted) {
      expect({ metric: `${m.namespace} ${m.metricName}`, dimensions: m.dimensionNames.sort(), cataloged: isCataloged(m.namespace, m.metricName, m.dimensionNames) }).toMatchObject({ cataloged: true });
      const only = catalogEntry(m.namespace, m.metricName)!.onlyIn;
      if (only) expect({ metric: m.metricName, region: m.row.region }).toEqual({ metric: m.metricName, region: only });
    }
  });

  test('queries are bounded Metrics Insights queries over the environment\'s tagged ALBs; math uses only its own rows', () => {
    for (const row of d.rows.filter((r) => r.expression !== undefined)) {
      const e = row.expression!;
      expect(e).not.toMatch(/SEARCH\s*\(/i);
      if (/^\s*SELECT\b/i.test(e)) {
        const q = parseQuery(e);
        expect(q.where).toBe(`tag.project = 'securecart' AND tag.environment = '${config.name}'`);
        for (const key of q.groupBy) expect(q.schema).toContain(key);
        expect(q.groupBy.filter((k) => k !== 'AvailabilityZone')).toEqual([]);
      } else {
        const ids = new Set(d.rows.filter((r) => r.widget === row.widget && r.options.id).map((r) => r.options.id));
        const used = e.match(/\b[a-z]\w*\b/g) ?? [];
        expect(used.length).toBeGreaterThan(0);
        for (const id of used) expect(ids).toContain(id);
      }
    }
  });

  test('has the four sections, in order', () => {
    const headers = SECTIONS.map((s) => d.widgets.find((w) => w.type === 'text' && String(w.properties.markdown).startsWith(`## ${s}\n`)));
    headers.forEach((h, i) => expect({ section: SECTIONS[i], found: h !== undefined }).toEqual({ section: SECTIONS[i], found: true }));
    const ys = headers.map((h) => h!.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    // Every section has at least one graph.
    ys.forEach((y, i) => expect(graphs(d).some((g) => g.y > y && (i === ys.length - 1 || g.y < ys[i + 1]))).toBe(true));
  });

  test('every graph says what normal looks like', () => {
    for (const w of [...graphs(d), ...d.widgets.filter((x) => x.type === 'alarm')]) {
      expect(w.properties.title).toMatch(/ · normal: \S.{3,}/);
    }
  });

  test('stays within 500 metrics and never lays a widget past 24 columns', () => {
    expect(d.rows.length).toBeLessThanOrEqual(500);
    for (const w of d.widgets) expect(w.x + w.width).toBeLessThanOrEqual(24);
  });

  test('the shopper metrics are published by canary and journey', () => {
    const shopper = d.rows.filter((r) => r.metric?.namespace === SHOPPER_METRICS.namespace);
    expect(shopper.length).toBeGreaterThan(0);
    for (const r of shopper) {
      expect(Object.keys(r.metric!.dimensions).sort()).toEqual([SHOPPER_METRICS.dimensions.journey, SHOPPER_METRICS.dimensions.shopper].sort());
      expect(JOURNEYS).toContain(r.metric!.dimensions[SHOPPER_METRICS.dimensions.journey]);
    }
  });
});

describe('regional dashboards', () => {
  const cases = (): Array<[string, PlatformConfig, Dashboard]> => [
    ...config.regions.map((r): [string, PlatformConfig, Dashboard] => [r.name, config, regional[r.name]]),
    ...tuned.regions.map((r): [string, PlatformConfig, Dashboard] => [`tuned ${r.name}`, tuned, tunedDashboards.regional[r.name]]),
  ];

  test.each(cases())('%s: named securecart-<env>-<region>, every metric in its own region', (_, c, d) => {
    expect(d.name).toBe(regionalDashboardName(c, d.region));
    expect(d.name).toBe(`securecart-${c.name}-${d.region}`);
    for (const r of d.rows) expect(r.region).toBe(d.region);
    for (const r of d.rows.filter((x) => x.metric?.dimensions.ClusterName)) expect(r.metric!.dimensions.ClusterName).toBe(clusterName(c, d.region));
  });

  test.each(cases())('%s: capacity annotations are the config\'s required, min and max replicas of the region', (_, c, d) => {
    for (const service of SERVICE_NAMES) {
      const sizing = c.services[service].regions[d.region];
      const w = byTitle(d, `${service}: ready pods`);
      expect({ service, required: annotation(w, 'required'), min: annotation(w, 'HPA min'), max: annotation(w, 'HPA max') }).toEqual({
        service,
        required: sizing.requiredReplicas ?? sizing.minReplicas,
        min: sizing.minReplicas,
        max: sizing.maxReplicas,
      });
      const charted = d.rows.filter((r) => r.widget === w).map((r) => r.metric!);
      expect(charted.map((m) => m.metricName).sort()).toEqual(['replicas_desired', 'replicas_ready']);
      for (const m of charted) expect(m.dimensions).toEqual({ PodName: service, Namespace: c.namespace, ClusterName: clusterName(c, d.region) });
    }
  });

  test.each(cases())('%s: names the resources the rendered charts create', (_, c, d) => {
    const objects: K8sObject[] = Object.values(renderRegion(defaultInput(c), d.region)).flat();
    const specs = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.spec);
    // Databases (ACK RDS): cluster and instance identifiers.
    const dims = (name: string) => new Set(d.rows.map((r) => r.metric?.dimensions[name]).filter((v): v is string => v !== undefined));
    expect([...dims('DBClusterIdentifier')].sort()).toEqual(specs('DBCluster').map((s) => s.dbClusterIdentifier).sort());
    expect([...dims('DBInstanceIdentifier')].sort()).toEqual(specs('DBInstance').map((s) => s.dbInstanceIdentifier).sort());
    for (const db of DATABASES) expect(specs('DBCluster').map((s) => s.dbClusterIdentifier)).toContain(auroraClusterIdentifier(c, db, d.region));
    // Redis (ACK ElastiCache): one member per node of the replication group, named after it.
    const [group] = specs('ReplicationGroup');
    expect(group.replicationGroupID).toBe(redisReplicationGroupId(c));
    expect([...dims('CacheClusterId')].sort()).toEqual(Array.from({ length: group.replicasPerNodeGroup + 1 }, (_x, i) => `${group.replicationGroupID}-00${i + 1}`));
    expect([...dims('CacheNodeId')]).toEqual([REDIS_NODE_ID]);
    // Workloads: Container Insights' PodName is the Deployment's name.
    const deployments = objects.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === c.namespace).map((o) => o.metadata.name);
    expect([...dims('PodName')].sort()).toEqual([...SERVICE_NAMES].sort());
    for (const s of SERVICE_NAMES) expect(deployments).toContain(s);
    expect([...dims('Namespace')]).toEqual([c.namespace]);
    // Carts table and the regional web ACL.
    expect([...dims('TableName')]).toEqual([cartsTableName(c)]);
    expect([...dims('ReceivingRegion')].sort()).toEqual(c.regions.map((r) => r.name).filter((r) => r !== d.region).sort());
    expect([...dims('WebACL')]).toEqual([regionalWebAclName(c.name, d.region)]);
    // The rule's name, by reference to the rule (Ref of an AWS::Events::Rule on the default bus is its name).
    expect([...dims('RuleName')]).toEqual([expect.stringMatching(/^\{Ref:Failovers[0-9A-F]{8}\}$/)]);
  });

  test.each(cases())('%s: HPA targets drawn are the ones the rendered ScaledObjects give the HPAs', (_, c, d) => {
    // KEDA makes each HPA from its ScaledObject: cpu and memory triggers, Utilization targets.
    const scalers = Object.values(renderRegion(defaultInput(c), d.region))
      .flat()
      .filter((o) => o.kind === 'ScaledObject' && (SERVICE_NAMES as readonly string[]).includes(o.metadata.name));
    expect(scalers).toHaveLength(SERVICE_NAMES.length);
    for (const resource of ['cpu', 'memory'] as const) {
      const targets = new Set(scalers.map((h) => Number(h.spec.triggers.find((t: any) => t.type === resource && t.metricType === 'Utilization').metadata.value)));
      expect([...targets]).toEqual([DEFAULT_HPA_TARGETS[resource]]);
      const w = byTitle(d, `HPA signal: ${resource === 'cpu' ? 'CPU' : 'memory'}`);
      expect(annotation(w, 'HPA target')).toBe(DEFAULT_HPA_TARGETS[resource]);
      // One line per service, each its usage over its request.
      expect(d.rows.filter((r) => r.widget === w && r.expression).map((r) => r.options.label)).toEqual([...SERVICE_NAMES]);
    }
    for (const scaler of scalers) {
      const sizing = c.services[scaler.metadata.name as (typeof SERVICE_NAMES)[number]].regions[d.region];
      expect([scaler.spec.minReplicaCount, scaler.spec.maxReplicaCount]).toEqual([sizing.minReplicas, sizing.maxReplicas]);
    }
  });

  test.each(cases())('%s: data annotations follow the config', (_, c, d) => {
    const rpo = byTitle(d, 'orders: RPO lag');
    expect(annotation(rpo, 'alarm')).toBe(c.data.replicationLagAlarmSeconds * 1000);
    expect(annotation(rpo, 'commits block')).toBe(c.data.ordersRpoBoundSeconds === null ? undefined : c.data.ordersRpoBoundSeconds * 1000);
    const engine = d.rows.filter((r) => r.metric?.metricName === 'EngineUptime').map((r) => r.metric!.dimensions.DBInstanceIdentifier);
    expect(engine).toEqual(DATABASES.flatMap((db) => auroraInstanceIdentifiers(c, db, d.region)));
    expect(d.rows.filter((r) => r.metric?.metricName === 'IsMaster').map((r) => r.metric!.dimensions.CacheClusterId)).toEqual(redisMemberClusterIds(c));
  });

  test('the standby says its ALB sees only the shopper; an active region, shoppers', () => {
    expect(byTitle(regional['us-west-2'], 'ALB requests').properties.title).toMatch(/only the synthetic shopper/);
    expect(byTitle(regional['us-east-1'], 'ALB requests').properties.title).toMatch(/shoppers' traffic/);
    expect(byTitle(tunedDashboards.regional['us-east-1'], 'ALB requests').properties.title).toMatch(/shoppers' traffic/);
  });

  test('refuses a region outside the config, or a stack of another region', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: config.accountId, region: 'us-east-1' } });
    expect(() => new RegionalDashboard(stack, 'A', { config, region: 'eu-west-1', shopperName: 'c' })).toThrow(/"eu-west-1" is not one of the config's regions/);
    expect(() => new RegionalDashboard(stack, 'B', { config, region: 'us-west-2', shopperName: 'c' })).toThrow(/put it in a stack of us-west-2/);
  });
});

describe('global dashboard', () => {
  const cases = (): Array<[string, PlatformConfig, Dashboard]> => [
    ['default', config, global],
    ['with front door', config, withFrontDoor.global],
    ['tuned', tuned, tunedDashboards.global],
  ];

  test.each(cases())('%s: named securecart-<env>-global, in us-east-1', (_, c, d) => {
    expect(d.name).toBe(globalDashboardName(c));
    expect(d.name).toBe(`securecart-${c.name}-global`);
    expect(d.region).toBe('us-east-1');
  });

  test.each(cases())('%s: every metric names its region, and it is the region of what it measures', (_, c, d) => {
    const regions = c.regions.map((r) => r.name);
    for (const row of d.rows) {
      // Metrics carry their region explicitly; expressions are evaluated in theirs (or the dashboard's).
      if (row.metric) expect({ metric: row.metric.metricName, hasRegion: typeof row.options.region === 'string' }).toEqual({ metric: row.metric.metricName, hasRegion: true });
      expect(row.region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
      const dims = row.metric?.dimensions ?? {};
      const owner =
        dims.ClusterName !== undefined
          ? regions.find((r) => dims.ClusterName === clusterName(c, r))
          : dims.DBClusterIdentifier !== undefined
            ? regions.find((r) => dims.DBClusterIdentifier.endsWith(`-${r}`))
            : dims.DBInstanceIdentifier !== undefined
              ? regions.find((r) => new RegExp(`-${r}-\\d+$`).test(dims.DBInstanceIdentifier))
              : undefined;
      if (owner) expect({ row: JSON.stringify(dims), region: row.region }).toEqual({ row: JSON.stringify(dims), region: owner });
      if (dims.ReceivingRegion) expect(row.region).not.toBe(dims.ReceivingRegion);
      // Labels that start with a region are about that region (except for a global service's metrics,
      // which all live in its one region: Route 53's health of us-west-2 is published in us-east-1).
      const labelRegion = regions.find((r) => String(row.options.label ?? '').startsWith(`${r} `) || row.options.label === r);
      const global = row.metric && catalogEntry(row.metric.namespace, row.metric.metricName)!.onlyIn;
      if (labelRegion && !global) expect({ label: row.options.label, region: row.region }).toEqual({ label: row.options.label, region: labelRegion });
    }
    // Every region shows up, and cross-region rows name theirs.
    for (const r of regions) expect(d.rows.some((row) => row.region === r)).toBe(true);
    for (const row of d.rows.filter((x) => x.region !== d.region)) expect(row.options.region).toBe(row.region);
    // Shopper and Redis metrics have the same dimension values in every region: only the region tells them apart.
    for (const metricName of ['SuccessPercent', 'IsMaster']) {
      const regionsOf = d.rows.filter((r) => r.metric?.metricName === metricName).map((r) => r.region);
      expect(new Set(regionsOf)).toEqual(new Set(regions));
    }
  });

  test('charts the public shopper too, in the dashboard\'s region', () => {
    for (const d of [global, tunedDashboards.global]) {
      const rows = d.rows.filter((r) => r.metric && Object.values(r.metric.dimensions).includes(publicShopperName(config)));
      expect(rows.map((r) => r.metric!.metricName).sort()).toEqual(['JourneySuccess', 'JourneySuccess', 'RequestLatency', 'RequestLatency', 'SuccessPercent']);
      for (const r of rows) expect(r.region).toBe('us-east-1');
    }
  });

  test.each(cases())('%s: ready pods are divided by the config\'s required replicas of each region', (_, c, d) => {
    for (const r of c.regions.map((x) => x.name)) {
      const w = byTitle(d, `${r}: ready pods in % of required`);
      expect(annotation(w, 'required')).toBe(100);
      const exprs = d.rows.filter((row) => row.widget === w && row.expression);
      expect(exprs).toHaveLength(SERVICE_NAMES.length);
      SERVICE_NAMES.forEach((service, i) => {
        const sizing = c.services[service].regions[r];
        const m = /^100 \* (\w+) \/ (\d+)$/.exec(exprs[i].expression!)!;
        expect({ service, required: Number(m[2]) }).toEqual({ service, required: sizing.requiredReplicas ?? sizing.minReplicas });
        const source = d.rows.find((row) => row.widget === w && row.options.id === m[1])!;
        expect(source.metric).toEqual({ namespace: 'ContainerInsights', metricName: 'replicas_ready', dimensions: { PodName: service, Namespace: c.namespace, ClusterName: clusterName(c, r) } });
        expect(source.region).toBe(r);
      });
    }
  });

  test.each(cases())('%s: Route 53 health of every region and of the shop', (_, c, d) => {
    const ids = d.rows.filter((r) => r.metric?.metricName === 'HealthCheckStatus').map((r) => r.metric!.dimensions.HealthCheckId);
    expect(ids.sort()).toEqual([...c.regions.map((r) => `hc-${r.name}`), 'hc-shop'].sort());
    const children = byTitle(d, 'Route 53: healthy checks');
    expect(annotation(children, 'both healthy')).toBe(2);
  });

  test('charts the front door when given its ids, in the regions its metrics live in', () => {
    const rows = withFrontDoor.global.rows;
    expect(rows.filter((r) => r.metric?.namespace === 'AWS/CloudFront').map((r) => [r.metric!.dimensions, r.region])).toEqual(
      ['Requests', '5xxErrorRate', '4xxErrorRate'].map(() => [{ DistributionId: 'E2EXAMPLE', Region: 'Global' }, 'us-east-1']),
    );
    expect(rows.filter((r) => r.metric?.namespace === 'AWS/GlobalAccelerator').map((r) => r.region)).toEqual(['us-west-2']);
    // Without them, the dashboard says the front door is not charted here.
    expect(global.rows.some((r) => r.metric?.namespace === 'AWS/CloudFront')).toBe(false);
    expect(global.widgets.some((w) => w.type === 'text' && /front door \(cloudfront\) is not charted/.test(w.properties.markdown))).toBe(true);
  });

  test('refuses a stack outside us-east-1 and a region without a health check or canary', () => {
    const app = new App();
    const west = new Stack(app, 'W', { env: { account: config.accountId, region: 'us-west-2' } });
    const east = new Stack(app, 'E', { env: { account: config.accountId, region: 'us-east-1' } });
    const props = { config, regionHealthCheckIds: { 'us-east-1': 'a', 'us-west-2': 'b' }, shopHealthCheckId: 's', shopperNames: { 'us-east-1': 'c', 'us-west-2': 'c' } };
    expect(() => new GlobalDashboard(west, 'D', props)).toThrow(/put it in us-east-1/);
    expect(() => new GlobalDashboard(east, 'D', { ...props, shopperNames: { 'us-east-1': 'c' } })).toThrow(/shopperNames has no entry for us-west-2/);
  });
});
