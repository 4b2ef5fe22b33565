/**
 * The metrics this platform can chart: each one a stack, a controller, an add-on or an AWS service of
 * the platform provably emits, with the dimension sets it is published under and where that is written
 * down. The dashboards (regional-dashboard.ts, global-dashboard.ts) chart nothing else, and
 * test/dashboards.test.ts holds them to it: a graph of a metric nobody emits is a flat line that reads
 * as "all quiet".
 *
 * Also here: the identifiers of the resources the charts create (checked against the rendered charts
 * by the tests). The synthetic shopper's metric names are its script's own (SHOPPER_METRICS).
 */
import { PlatformConfig } from '../../config/schema';
import { SHOPPER_METRICS } from '../synthetic-shopper';
import { PROXIED_DATABASES, regionalClusterIdentifier } from '../../config/data-access';

/** One metric, as CloudWatch stores it. */
export interface CatalogMetric {
  readonly namespace: string;
  readonly metricName: string;
  /** The dimension sets (names) it is published under that the platform may chart; any order within a set. */
  readonly dimensions: ReadonlyArray<readonly string[]>;
  /** Which stack, controller, add-on or service of the platform makes it exist. */
  readonly emittedBy: string;
  /** Where the metric and its dimensions are documented or defined (doc URL, or upstream repo/path at a tag). */
  readonly source: string;
  /** The only region CloudWatch holds it in, for a global service. @default the region of the resource */
  readonly onlyIn?: string;
}

// -------------------------------------------------------------------------------------------------
// Where the metrics come from.

const CONTAINER_INSIGHTS =
  'CloudWatch Observability EKS add-on v4.10.1-eksbuild.1 in each cluster (Helm chart amazon-cloudwatch-observability 4.10.1, CloudWatch agent v1.300064.1; ' +
  'the chart default agent config turns enhanced_container_insights on and the Blueprints add-on passes no configuration)';
const CONTAINER_INSIGHTS_SOURCE =
  'aws/amazon-cloudwatch-agent@v1.300064.1 translator/translate/otel/exporter/awsemf/kubernetes.go (metric declarations: names and dimension sets); ' +
  'aws-observability/helm-charts@amazon-cloudwatch-observability-4.10.1 charts/amazon-cloudwatch-observability/values.yaml (agent.defaultConfig); ' +
  'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-enhanced-EKS.html';
/** Deployments: the agent sets PodName to the Deployment's name (getDeploymentMetrics). */
const DEPLOYMENT_SOURCE = `${CONTAINER_INSIGHTS_SOURCE}; PodName = Deployment name: amazon-contributing/opentelemetry-collector-contrib receiver/awscontainerinsightreceiver/internal/k8sapiserver/k8sapiserver.go (getDeploymentMetrics)`;
/** Pods: PodName is the owning workload's name (a ReplicaSet's Deployment), FullPodName the pod's own. */
const POD_SOURCE = `${CONTAINER_INSIGHTS_SOURCE}; PodName = owner (ReplicaSet → Deployment) name, CPU in millicores and memory in bytes for both usage and request: amazon-contributing/opentelemetry-collector-contrib internal/aws/containerinsight/const.go, receiver/awscontainerinsightreceiver/internal/k8sapiserver/k8sapiserver.go (getKubernetesBlob)`;
const ALB = "the regional ALB the AWS Load Balancer Controller v3.4.0 creates for the edge chart's IngressGroup (tagged with albTags(config): charts/edge-chart.ts, charts/constructs/failover-ingress.ts)";
const ALB_SOURCE =
  'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html; aws-cdk-lib@2.261.0 aws-elasticloadbalancingv2/lib/elasticloadbalancingv2-canned-metrics.generated.d.ts';
const AURORA = 'the Aurora global database clusters (orders: Aurora PostgreSQL, catalog: Aurora MySQL) the ACK RDS controller 1.11.1 creates from charts/data-chart.ts';
const AURORA_SOURCE =
  'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html; https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html';
const REDIS = "checkout's Redis replication group the ACK ElastiCache controller 1.8.0 creates from charts/constructs/redis-replication-group.ts";
const REDIS_SOURCE =
  'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html; aws-cdk-lib@2.261.0 aws-elasticache/lib/elasticache-canned-metrics.generated.d.ts';
const WAF_SOURCE = 'https://docs.aws.amazon.com/waf/latest/developerguide/waf-metrics.html (web ACL totals: Rule = ALL; WebACL = the web ACL\'s metric name)';

const POD_DIMENSIONS = [
  ['PodName', 'Namespace', 'ClusterName'],
  ['ClusterName'],
  ['FullPodName', 'PodName', 'Namespace', 'ClusterName'],
  ['Service', 'Namespace', 'ClusterName'],
];
const pod = (metricName: string): CatalogMetric => ({ namespace: 'ContainerInsights', metricName, dimensions: POD_DIMENSIONS, emittedBy: CONTAINER_INSIGHTS, source: POD_SOURCE });
const deployment = (metricName: string): CatalogMetric => ({
  namespace: 'ContainerInsights',
  metricName,
  dimensions: [['PodName', 'Namespace', 'ClusterName'], ['ClusterName']],
  emittedBy: CONTAINER_INSIGHTS,
  source: DEPLOYMENT_SOURCE,
});
const alb = (metricName: string, dimensions: string[][]): CatalogMetric => ({ namespace: 'AWS/ApplicationELB', metricName, dimensions, emittedBy: ALB, source: ALB_SOURCE });
const ALB_TARGET_DIMENSIONS = [['LoadBalancer'], ['AvailabilityZone', 'LoadBalancer'], ['LoadBalancer', 'TargetGroup'], ['AvailabilityZone', 'LoadBalancer', 'TargetGroup']];

/** Every metric the dashboards may chart. */
export const METRIC_CATALOG: readonly CatalogMetric[] = [
  // Customers: the synthetic shoppers.
  {
    namespace: 'CloudWatchSynthetics',
    metricName: 'SuccessPercent',
    dimensions: [['CanaryName']],
    emittedBy: "each region's synthetic-shopper canary (cluster/synthetic-shopper)",
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_metrics.html; aws-cdk-lib@2.261.0 aws-synthetics/lib/synthetics-canned-metrics.generated.d.ts',
  },
  {
    namespace: 'CloudWatchSynthetics',
    metricName: 'Duration',
    dimensions: [['CanaryName']],
    emittedBy: "each region's synthetic-shopper canary (cluster/synthetic-shopper)",
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_metrics.html; aws-cdk-lib@2.261.0 aws-synthetics/lib/synthetics-canned-metrics.generated.d.ts',
  },
  {
    namespace: SHOPPER_METRICS.namespace,
    metricName: SHOPPER_METRICS.journeySuccess,
    dimensions: [[SHOPPER_METRICS.dimensions.shopper, SHOPPER_METRICS.dimensions.journey]],
    emittedBy: "every synthetic shopper (each region's and the public one), 1 or 0 per journey per run",
    source: 'cluster/synthetic-shopper/canary.js (METRICS, runMetrics, publishMetrics: PutMetricData with these dimensions only)',
  },
  {
    namespace: SHOPPER_METRICS.namespace,
    metricName: SHOPPER_METRICS.requestLatency,
    dimensions: [[SHOPPER_METRICS.dimensions.shopper, SHOPPER_METRICS.dimensions.journey]],
    emittedBy: "every synthetic shopper (each region's and the public one), milliseconds of each answered request",
    source: 'cluster/synthetic-shopper/canary.js (METRICS, runMetrics, publishMetrics: PutMetricData with these dimensions only)',
  },

  // Customers: the ALB (only ui is behind it: charts/edge-chart.ts).
  alb('HTTPCode_ELB_5XX_Count', [['LoadBalancer'], ['AvailabilityZone', 'LoadBalancer']]),
  alb('HTTPCode_Target_5XX_Count', ALB_TARGET_DIMENSIONS),
  alb('TargetResponseTime', ALB_TARGET_DIMENSIONS),
  alb('RequestCount', [['LoadBalancer'], ['LoadBalancer', 'TargetGroup']]),
  alb('HealthyHostCount', [['LoadBalancer', 'TargetGroup'], ['AvailabilityZone', 'LoadBalancer', 'TargetGroup']]),

  // Capacity: Container Insights with enhanced observability.
  deployment('replicas_ready'),
  deployment('replicas_desired'),
  pod('pod_cpu_usage_total'),
  pod('pod_cpu_request'),
  pod('pod_memory_working_set'),
  pod('pod_memory_request'),
  pod('pod_status_pending'),
  { namespace: 'ContainerInsights', metricName: 'cluster_node_count', dimensions: [['ClusterName']], emittedBy: CONTAINER_INSIGHTS, source: CONTAINER_INSIGHTS_SOURCE },
  { namespace: 'ContainerInsights', metricName: 'cluster_failed_node_count', dimensions: [['ClusterName']], emittedBy: CONTAINER_INSIGHTS, source: CONTAINER_INSIGHTS_SOURCE },

  // Data.
  { namespace: 'AWS/RDS', metricName: 'AuroraGlobalDBRPOLag', dimensions: [['DBClusterIdentifier']], emittedBy: `${AURORA}; Aurora PostgreSQL, secondary clusters only`, source: AURORA_SOURCE },
  { namespace: 'AWS/RDS', metricName: 'AuroraGlobalDBReplicationLag', dimensions: [['DBClusterIdentifier']], emittedBy: `${AURORA}; secondary clusters only`, source: AURORA_SOURCE },
  {
    namespace: 'AWS/RDS',
    metricName: 'AuroraReplicaLag',
    dimensions: [['DBInstanceIdentifier'], ['DBClusterIdentifier'], ['DBClusterIdentifier', 'Role']],
    emittedBy: `${AURORA}; reader instances`,
    source: AURORA_SOURCE,
  },
  { namespace: 'AWS/RDS', metricName: 'EngineUptime', dimensions: [['DBInstanceIdentifier']], emittedBy: `${AURORA}; every instance`, source: AURORA_SOURCE },
  {
    namespace: 'AWS/Events',
    metricName: 'Invocations',
    dimensions: [['RuleName']],
    emittedBy: "EventBridge, for each rule with a target: the data tier's event rules (RegionalAlarms `events`, cluster/observability/event-alerts.ts) invoke their topic once per matched event",
    source: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html; aws-cdk-lib@2.261.0 aws-events/lib/events-canned-metrics.generated.d.ts',
  },
  { namespace: 'AWS/ElastiCache', metricName: 'IsMaster', dimensions: [['CacheClusterId'], ['CacheClusterId', 'CacheNodeId']], emittedBy: REDIS, source: REDIS_SOURCE },
  { namespace: 'AWS/ElastiCache', metricName: 'ReplicationLag', dimensions: [['CacheClusterId'], ['CacheClusterId', 'CacheNodeId']], emittedBy: `${REDIS}; replicas only`, source: REDIS_SOURCE },
  {
    namespace: 'AWS/DynamoDB',
    metricName: 'ReplicationLatency',
    dimensions: [['TableName', 'ReceivingRegion']],
    emittedBy: 'the carts global table (cluster/global-data-stack.ts), in the region a write is made in',
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html; aws-cdk-lib@2.261.0 aws-dynamodb/lib/dynamodb-canned-metrics.generated.d.ts',
  },

  // Edge.
  {
    namespace: 'AWS/Route53',
    metricName: 'HealthCheckStatus',
    dimensions: [['HealthCheckId']],
    emittedBy: 'the Route 53 health checks of the health stack (cluster/health-stack.ts)',
    source: 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-check-metrics.html; aws-cdk-lib@2.261.0 aws-route53/lib/route53-canned-metrics.generated.d.ts',
    onlyIn: 'us-east-1',
  },
  {
    namespace: 'AWS/Route53',
    metricName: 'ChildHealthCheckHealthyCount',
    dimensions: [['HealthCheckId']],
    emittedBy: 'the calculated Route 53 health checks of the health stack (cluster/health-stack.ts)',
    source: 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-check-metrics.html; aws-cdk-lib@2.261.0 aws-route53/lib/route53-canned-metrics.generated.d.ts',
    onlyIn: 'us-east-1',
  },
  ...(['Requests', '5xxErrorRate', '4xxErrorRate'] as const).map(
    (metricName): CatalogMetric => ({
      namespace: 'AWS/CloudFront',
      metricName,
      dimensions: [['DistributionId', 'Region']],
      emittedBy: 'the CloudFront distribution (cluster/front-door/cloudfront-stack.ts); default metrics, no additional-metrics subscription needed',
      source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html; aws-cdk-lib@2.261.0 aws-cloudfront/lib/cloudfront-canned-metrics.generated.d.ts',
      onlyIn: 'us-east-1',
    }),
  ),
  ...(['AllowedRequests', 'BlockedRequests'] as const).map(
    (metricName): CatalogMetric => ({
      namespace: 'AWS/WAFV2',
      metricName,
      dimensions: [['Region', 'Rule', 'WebACL']],
      emittedBy: 'the regional web ACLs (cluster/regional-prerequisites.ts: CloudWatch metrics on, metric name = web ACL name)',
      source: WAF_SOURCE,
    }),
  ),
  {
    namespace: 'AWS/GlobalAccelerator',
    metricName: 'NewFlowCount',
    dimensions: [['Accelerator']],
    emittedBy: 'the accelerator (cluster/front-door/accelerator-stack.ts)',
    source: 'https://docs.aws.amazon.com/global-accelerator/latest/dg/cloudwatch-monitoring.html (Accelerator = the accelerator id; metrics in us-west-2 only)',
    onlyIn: 'us-west-2',
  },
];

/** The catalog entry of a metric, if any. */
export function catalogEntry(namespace: string, metricName: string): CatalogMetric | undefined {
  return METRIC_CATALOG.find((m) => m.namespace === namespace && m.metricName === metricName);
}

/** Whether the catalog lists `metricName` in `namespace` under exactly these dimension names. */
export function isCataloged(namespace: string, metricName: string, dimensionNames: readonly string[]): boolean {
  const key = [...dimensionNames].sort().join(',');
  return catalogEntry(namespace, metricName)?.dimensions.some((set) => [...set].sort().join(',') === key) ?? false;
}

// -------------------------------------------------------------------------------------------------
// Identifiers of what the charts create (charts/data-chart.ts and its constructs; the tests compare
// them with the rendered charts).

/** The Aurora databases of the data tier (config/data-access.ts, which the charts name them by). */
export const DATABASES = PROXIED_DATABASES;
export type Database = (typeof DATABASES)[number];

/** DB cluster identifier of a database in a region (AuroraGlobalDatabase: `<identifier>-<region>`). */
export function auroraClusterIdentifier(config: PlatformConfig, db: Database, region: string): string {
  return regionalClusterIdentifier(config.name, db, region);
}

/** DB instance identifiers of a database in a region: `<cluster>-<n>`, data.<db>.instances of them in every region. */
export function auroraInstanceIdentifiers(config: PlatformConfig, db: Database, region: string): string[] {
  const count = config.data[db].instances;
  return Array.from({ length: count }, (_, i) => `${auroraClusterIdentifier(config, db, region)}-${i + 1}`);
}

/** Replication group id of checkout's Redis (the same in every region: each region has its own). */
export function redisReplicationGroupId(config: PlatformConfig): string {
  return `securecart-${config.name}-checkout`;
}

/**
 * Cache cluster ids of the Redis replication group's members (one shard, the primary and its replicas):
 * ElastiCache names a cluster-mode-disabled group's members `<group>-001`, `-002`… and their single
 * node `0001` (ElastiCache User Guide, "Replication: Valkey and Redis OSS Cluster mode disabled vs. enabled").
 */
export function redisMemberClusterIds(config: PlatformConfig): string[] {
  return Array.from({ length: config.data.redis.replicas + 1 }, (_, i) => `${redisReplicationGroupId(config)}-${String(i + 1).padStart(3, '0')}`);
}

/** The node id of every member of a cluster-mode-disabled replication group. */
export const REDIS_NODE_ID = '0001';
