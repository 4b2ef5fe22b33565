import { createHash } from 'crypto';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { ServiceResources } from '../../config/schema';
import { LABELS, PORTS, SHUTDOWN, WELL_KNOWN } from '../constants';
import { ANY_IPV4, ipBlocks } from '../ip-blocks';
import { applyLabels } from '../labels';
import { TRACE_COLLECTOR } from '../telemetry';
import { imageVersion } from '../workloads';
import { HighlyAvailableService } from './highly-available-service';

/**
 * The AWS Distro for OpenTelemetry collector release the clusters run. v0.49.0 is a release of
 * aws-observability/aws-otel-collector (git tag v0.49.0, docs/releases/v0.49.0.md, 2026-07-10); its CD
 * workflow publishes each release as public.ecr.aws/aws-observability/aws-otel-collector:<tag>
 * (.github/workflows/CD.yml). It bundles collector and collector-contrib v0.156.0 (go.mod), whose
 * vendored sources (vendor/ at the tag) are what the configuration keys below were checked against.
 */
export const ADOT_COLLECTOR = {
  image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0',
  /** The image's user `aoc` (cmd/awscollector/Dockerfile: USER_UID=4317), numeric so runAsNonRoot can be checked. */
  uid: 4317,
  /** health_check extension's port (extension/healthcheckextension/factory.go:19, defaultPort). */
  healthPort: 13133,
} as const;

/** Where the configuration file is mounted in the container. */
const CONFIG_DIRECTORY = '/etc/trace-collector';
const CONFIG_FILE = 'collector.yaml';

export interface TraceCollectorConfigProps {
  /** Region of the X-Ray endpoint the spans are sent to. */
  readonly region: string;
  /** @default TRACE_COLLECTOR.otlpHttpPort */
  readonly otlpHttpPort?: number;
  /** @default ADOT_COLLECTOR.healthPort */
  readonly healthPort?: number;
}

/**
 * The collector's configuration: OTLP over HTTP in, X-Ray out, nothing else. Keys as collector v0.156.0
 * reads them (aws-otel-collector v0.49.0 vendor/):
 * - receivers.otlp.protocols.http.endpoint (receiver/otlpreceiver/config.go:38, 56, 64; the endpoint key of
 *   config/confignet AddrConfig, squashed into confighttp.ServerConfig). No grpc: a protocol left out is
 *   not served. Its default is localhost, which other pods cannot reach.
 * - processors.memory_limiter limit/spike percentages of the container's memory limit and check_interval
 *   (internal/memorylimiter/config.go:33-75, 89-131: check_interval > 0, spike < limit); refuses data before
 *   the pod is OOM-killed, so senders back off instead of losing a collector.
 * - processors.batch timeout (processor/batchprocessor/config.go:19): one PutTraceSegments call per second
 *   or per batch instead of per request; the exporter splits calls at 50 segments (awsxray.go:27, 55-59).
 * - exporters.awsxray.region (internal/aws/awsutil/awsconfig.go:22, conn.go:93-95): set, so the SDK never
 *   asks the instance metadata service for it. Credentials come from the default chain, i.e. the IRSA web
 *   identity token. X-Ray telemetry records stay off (awsxray.go:43-47 only with telemetry.enabled).
 * - extensions.health_check.endpoint (internal/healthcheck/internal/http/config.go:25-30; default path "/"
 *   answers 200 once the pipelines run: healthcheckextension.go:61-70).
 */
export function traceCollectorConfig(props: TraceCollectorConfigProps): Record<string, unknown> {
  return {
    extensions: {
      health_check: { endpoint: `0.0.0.0:${props.healthPort ?? ADOT_COLLECTOR.healthPort}` },
    },
    receivers: {
      otlp: { protocols: { http: { endpoint: `0.0.0.0:${props.otlpHttpPort ?? TRACE_COLLECTOR.otlpHttpPort}` } } },
    },
    processors: {
      memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 20 },
      batch: { timeout: '1s' },
    },
    exporters: {
      awsxray: { region: props.region },
    },
    service: {
      extensions: ['health_check'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['awsxray'] },
      },
    },
  };
}

export interface TraceCollectorProps {
  /** Region whose X-Ray receives the spans (the cluster's own). */
  readonly region: string;
  /** IAM role the collector's service account assumes through IRSA (xray:PutTraceSegments only). */
  readonly roleArn: string;
  /** `app.kubernetes.io/instance` of the collector's objects. */
  readonly instance: string;
  /**
   * Name of every object (the Service name is part of the services' OTLP endpoint).
   * @default TRACE_COLLECTOR.name
   */
  readonly name?: string;
  /**
   * Collector image, pinned.
   * @default ADOT_COLLECTOR.image
   */
  readonly image?: string;
  /**
   * Where the collector's AWS calls (X-Ray, and STS for IRSA) may go, on TCP 443: the endpoint subnets
   * once the region's interface endpoints exist (charts/aws-api-egress.ts).
   * @default ["0.0.0.0/0"]: the public endpoints, through the NAT gateways
   */
  readonly awsApiCidrs?: readonly string[];
  /** @default 2 */
  readonly minReplicas?: number;
  /** @default 4 */
  readonly maxReplicas?: number;
  /**
   * Requests and memory limit of the container (memory_limiter works in percent of the limit).
   * @default 100m CPU, 128Mi memory, 256Mi limit
   */
  readonly resources?: ServiceResources;
}

/**
 * One AWS Distro for OpenTelemetry collector per cluster, run like the shop's services (a
 * HighlyAvailableService: autoscaled (KEDA) from two replicas, PDB, zone and host spread, probes, restricted security
 * context, own ServiceAccount, default-deny NetworkPolicy): it receives the services' spans over
 * OTLP/HTTP on 4318 and sends them to X-Ray with its own IRSA role. Callers are let in with `allowClient`;
 * out, it reaches the X-Ray and STS endpoints on 443 (`awsApiCidrs`) and CoreDNS through the namespace baseline.
 */
export class TraceCollector extends Construct {
  readonly service: HighlyAvailableService;
  readonly configMap: kplus.ConfigMap;
  /** The configuration file as rendered into the ConfigMap. */
  readonly configYaml: string;

  constructor(scope: Construct, id: string, props: TraceCollectorProps) {
    super(scope, id);
    const name = props.name ?? TRACE_COLLECTOR.name;
    const image = props.image ?? ADOT_COLLECTOR.image;
    const version = imageVersion(image);
    this.configYaml = YAML.stringify(traceCollectorConfig({ region: props.region }));
    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name },
      data: { [CONFIG_FILE]: this.configYaml },
    });

    this.service = new HighlyAvailableService(this, 'Collector', {
      name,
      instance: props.instance,
      component: 'telemetry',
      image,
      version,
      args: [`--config=${CONFIG_DIRECTORY}/${CONFIG_FILE}`],
      port: TRACE_COLLECTOR.otlpHttpPort,
      servicePort: TRACE_COLLECTOR.otlpHttpPort,
      runAsUser: ADOT_COLLECTOR.uid,
      minReplicas: props.minReplicas ?? 2,
      maxReplicas: props.maxReplicas ?? 4,
      resources: props.resources ?? { cpu: '100m', memory: '128Mi', memoryLimit: '256Mi' },
      // Readiness: the health_check extension (200 once the pipelines run); liveness: the OTLP port accepts.
      health: { readinessPath: '/', port: ADOT_COLLECTOR.healthPort },
      configFiles: [{ configMapName: name, mountPath: CONFIG_DIRECTORY }],
      // A changed configuration rolls the pods (a mounted ConfigMap changes under running ones unnoticed).
      podAnnotations: { 'securecart/collector-config-sha256': createHash('sha256').update(this.configYaml).digest('hex') },
      serviceAccountAnnotations: { [WELL_KNOWN.irsaRoleArn]: props.roleArn, [WELL_KNOWN.stsRegionalEndpoints]: 'true' },
      // Called in-cluster only: endpoint removal reaches kube-proxy in seconds; then the batch is flushed.
      drainSeconds: SHUTDOWN.inClusterDrainSeconds,
    });
    // X-Ray and STS (IRSA): their interface endpoints, or the public endpoints before those exist. DNS is
    // allowed to every pod by the namespace baseline (allow-dns).
    for (const peer of ipBlocks(this, 'AwsApis', props.awsApiCidrs ?? [ANY_IPV4])) this.service.allowEgress(peer, [PORTS.https]);

    applyLabels(this.configMap, { ...this.service.selectorLabels, [LABELS.component]: 'telemetry', [LABELS.version]: version });
  }

  /** Lets `client` send spans to the collector (egress on the client, ingress on the collector). */
  allowClient(client: HighlyAvailableService): void {
    client.allowTo(this.service);
  }
}
