/**
 * Tracing of the five shop services to AWS X-Ray through one ADOT collector per cluster: the exact
 * OpenTelemetry environment each image reads (cited beside each assertion: repository, path, tag), the
 * collector the charts render, the NetworkPolicies around it (walked, not just listed) and its IRSA role
 * in the cluster app.
 */
import { createHash } from 'crypto';
import * as YAML from 'yaml';
import { Template } from 'aws-cdk-lib/assertions';
import { LABELS, WELL_KNOWN } from '../charts/constants';
import { ADOT_COLLECTOR, traceCollectorConfig } from '../charts/constructs/trace-collector';
import { TRACE_COLLECTOR, TRACING_SDKS, traceCollectorEndpoint } from '../charts/telemetry';
import { TRACE_COLLECTOR_XRAY_ACTIONS } from '../cluster/regional-prerequisites';
import { FIS_POD_LABELS } from '../config/drills';
import { parseConfig } from '../config/load';
import { REGIONAL_OUTPUT_KEYS } from '../config/outputs';
import { SERVICE_NAMES, ServiceName } from '../config/schema';
import { allowedActions, policyStatements } from './support/iam';
import { canConnect, Endpoint, matchLabels } from './support/network-policy';
import { resourcesOf, synthTemplates } from './support/cluster-templates';
import { defaultConfigData, defaultInput, K8sObject, renderRegion } from './helpers';

/** The default environment with observability.tracing changed. */
function withTracing(tracing: Record<string, unknown>) {
  const data = defaultConfigData();
  data.observability = { ...(data.observability ?? {}), tracing: { ...(data.observability?.tracing ?? {}), ...tracing } };
  return defaultInput(parseConfig(data));
}

const input = defaultInput();
const { config } = input;
const regions = config.regions.map((r) => r.name);
const rendered = Object.fromEntries(regions.map((r) => [r, renderRegion(input, r)]));
const all = (region: string): K8sObject[] => Object.values(rendered[region]).flat();

/** The OTEL_* variables of a service's container, as name -> value (a name twice fails). */
function otelEnv(objects: K8sObject[], service: string): Record<string, string> {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === service)!;
  const env = (deployment.spec.template.spec.containers[0].env ?? []).filter((e: any) => e.name.startsWith('OTEL_'));
  const names = env.map((e: any) => e.name);
  expect(new Set(names).size).toBe(names.length);
  for (const e of env) expect(e).toHaveProperty('value'); // literals only: nothing here is a secret
  return Object.fromEntries(env.map((e: any) => [e.name, e.value]));
}

describe('tracing env, as each image reads it (observability.tracing on by default)', () => {
  test('the default environment traces 5 % of new requests', () => {
    expect(config.observability.tracing).toEqual({ enabled: true, samplingRatio: 0.05 });
  });

  describe.each(regions)('%s', (region) => {
    const objects = all(region);
    const resource = `deployment.environment=${config.name},cloud.region=${region},k8s.namespace.name=${config.namespace}`;
    const endpoint = `http://trace-collector.${config.namespace}.svc:4318`;

    test.each(['ui', 'carts', 'orders'] as const)('%s (Spring Boot starter 2.17.0) gets exactly what the starter and its SDK read', (service) => {
      expect(TRACING_SDKS[service]).toBe('spring-boot-starter');
      expect(otelEnv(objects, service)).toEqual({
        // retail-store-sample-app v1.6.2 src/{ui,cart,orders}/src/main/resources/application.yml: otel.sdk.disabled: true;
        // the SDK is built only when false (opentelemetry-java-instrumentation v2.17.0
        // instrumentation/spring/spring-boot-autoconfigure/.../internal/SdkEnabled.java:20).
        OTEL_SDK_DISABLED: 'false',
        // opentelemetry-java v1.51.0 sdk-extensions/autoconfigure/.../ResourceConfiguration.java:43-44.
        OTEL_SERVICE_NAME: service,
        // Same file; merged with Spring's map (spring-boot-autoconfigure .../SpringConfigProperties.java:229-236, v2.17.0).
        OTEL_RESOURCE_ATTRIBUTES: resource,
        // opentelemetry-java v1.51.0 exporters/otlp/all/.../OtlpConfigUtil.java:74-80 (base URL + v1/traces).
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        // OtlpConfigUtil.java:48 (v1.51.0): grpc unless set, for the GlobalOpenTelemetry SDK; the starter's own
        // default is http/protobuf (SpringConfigProperties.java:156-160, v2.17.0).
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        // opentelemetry-java v1.51.0 .../TracerProviderConfiguration.java:53, 186-187.
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        // TracerProviderConfiguration.java:206 (v1.51.0).
        OTEL_TRACES_SAMPLER_ARG: '0.05',
        // opentelemetry-java v1.51.0 .../PropagatorConfiguration.java:25-33.
        OTEL_PROPAGATORS: 'tracecontext,baggage',
        // opentelemetry-java v1.51.0 .../MeterProviderConfiguration.java:87-98 (otlp when unset).
        OTEL_METRICS_EXPORTER: 'none',
        // opentelemetry-java v1.51.0 .../LogRecordExporterConfiguration.java:44-55 (otlp when unset).
        OTEL_LOGS_EXPORTER: 'none',
        // opentelemetry-java v1.51.0 api/all/.../GlobalOpenTelemetry.java:49-50, 221-232; read by the AWS SDK
        // instrumentation's GlobalOpenTelemetry.get() (opentelemetry-java-instrumentation v2.17.0
        // instrumentation/aws-sdk/aws-sdk-2.2/library/.../AbstractAwsSdkTelemetryFactory.java:42); upstream sets it
        // for ui, cart and orders (retail-store-sample-app v1.6.2 src/app/docker-compose.tracing.yml).
        OTEL_JAVA_GLOBAL_AUTOCONFIGURE_ENABLED: 'true',
      });
    });

    test('catalog (Go SDK v1.43.0) gets exactly what main.go and the SDK read', () => {
      expect(TRACING_SDKS.catalog).toBe('go');
      expect(otelEnv(objects, 'catalog')).toEqual({
        // retail-store-sample-app v1.6.2 src/catalog/main.go:64-71 (tracing starts only when it is set);
        // opentelemetry-go v1.43.0 sdk/resource/env.go:23 and sdk/trace/provider.go:360-369 (merged into WithResource).
        OTEL_SERVICE_NAME: 'catalog',
        // opentelemetry-go v1.43.0 sdk/resource/env.go:20.
        OTEL_RESOURCE_ATTRIBUTES: resource,
        // opentelemetry-go v1.43.0 exporters/otlp/otlptrace/otlptracehttp/internal/otlpconfig/envconfig.go:51-60, 104-110.
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        // opentelemetry-go v1.43.0 sdk/trace/provider.go:99 and sdk/trace/sampler_env.go:14, 49-83 (no sampler option in main.go:203-207).
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        // opentelemetry-go v1.43.0 sdk/trace/sampler_env.go:15, 76-81.
        OTEL_TRACES_SAMPLER_ARG: '0.05',
        // Nothing else: main.go:208 hard-codes the propagators, otlptracehttp has no protocol choice, and
        // catalog builds no meter or logger provider.
      });
    });

    test('checkout (NodeSDK 0.202.0) gets exactly what the SDK reads', () => {
      expect(TRACING_SDKS.checkout).toBe('node');
      expect(otelEnv(objects, 'checkout')).toEqual({
        // opentelemetry-js experimental/v0.202.0 experimental/packages/opentelemetry-sdk-node/src/sdk.ts:232-236, 334-337.
        OTEL_SDK_DISABLED: 'false',
        // opentelemetry-js v2.0.1 packages/opentelemetry-resources/src/detectors/EnvDetector.ts:57-70 (default detector: sdk.ts:256).
        OTEL_SERVICE_NAME: 'checkout',
        // Same EnvDetector.ts:57.
        OTEL_RESOURCE_ATTRIBUTES: resource,
        // opentelemetry-js experimental/v0.202.0 experimental/packages/otlp-exporter-base/src/configuration/otlp-http-env-configuration.ts:98-105.
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        // opentelemetry-js v2.0.1 packages/opentelemetry-sdk-trace-base/src/config.ts:73-95 (retail-store-sample-app
        // v1.6.2 src/checkout/src/tracing.ts:11-15 passes no sampler).
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        // Same config.ts:106-120.
        OTEL_TRACES_SAMPLER_ARG: '0.05',
        // opentelemetry-js experimental/v0.202.0 experimental/packages/opentelemetry-sdk-node/src/utils.ts:193-212.
        OTEL_PROPAGATORS: 'tracecontext,baggage',
        // Same sdk.ts:115-131.
        OTEL_METRICS_EXPORTER: 'none',
        // Same sdk.ts:300-313, 443-456 (an OTLP log exporter when unset).
        OTEL_LOGS_EXPORTER: 'none',
        // No OTEL_EXPORTER_OTLP_PROTOCOL: the trace exporter is OTLP/HTTP JSON whatever it says
        // (experimental/v0.202.0 experimental/packages/exporter-trace-otlp-http/src/platform/node/OTLPTraceExporter.ts:36-45).
      });
    });

    test('tracing variables come after the service’s own and change none of them', () => {
      const untraced = Object.values(renderRegion(withTracing({ enabled: false }), region)).flat();
      const envOf = (from: K8sObject[], service: string) => from.find((o) => o.kind === 'Deployment' && o.metadata.name === service)!.spec.template.spec.containers[0].env;
      for (const service of SERVICE_NAMES) {
        const env = envOf(objects, service);
        const first = env.findIndex((e: any) => e.name.startsWith('OTEL_'));
        expect(env.slice(first).every((e: any) => e.name.startsWith('OTEL_'))).toBe(true);
        expect(env.slice(0, first)).toEqual(envOf(untraced, service).filter((e: any) => !e.name.startsWith('OTEL_')));
      }
    });
  });

  test('every service is mapped to its image’s SDK', () => {
    expect(Object.keys(TRACING_SDKS).sort()).toEqual([...SERVICE_NAMES].sort());
  });

  test('the sampler argument is observability.tracing.samplingRatio', () => {
    for (const ratio of [0.2, 1, 0]) {
      const objects = Object.values(renderRegion(withTracing({ samplingRatio: ratio }), regions[0])).flat();
      for (const service of SERVICE_NAMES) {
        expect(otelEnv(objects, service)).toMatchObject({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(ratio) });
      }
    }
  });
});

describe('tracing off (observability.tracing.enabled: false)', () => {
  const off = withTracing({ enabled: false });

  test.each(regions)('%s: each image is told in the way it reads it, and nothing else is set', (region) => {
    const objects = Object.values(renderRegion(off, region)).flat();
    const expected: Record<ServiceName, Record<string, string>> = {
      // retail-store-sample-app v1.6.2 src/ui/src/main/resources/application.yml:76 already says so; SdkEnabled.java:20 (v2.17.0).
      ui: { OTEL_SDK_DISABLED: 'true' },
      // src/cart/src/main/resources/application.yml:19 (v1.6.2).
      carts: { OTEL_SDK_DISABLED: 'true' },
      // src/orders/src/main/resources/application.yml:38 (v1.6.2).
      orders: { OTEL_SDK_DISABLED: 'true' },
      // src/catalog/main.go:64-71 (v1.6.2): no OTEL_SERVICE_NAME, no tracer.
      catalog: {},
      // opentelemetry-js experimental/v0.202.0 sdk-node src/sdk.ts:232-236, 334-337.
      checkout: { OTEL_SDK_DISABLED: 'true' },
    };
    for (const service of SERVICE_NAMES) expect({ service, env: otelEnv(objects, service) }).toEqual({ service, env: expected[service] });
  });

  test.each(regions)('%s: no collector and no path to one', (region) => {
    const objects = Object.values(renderRegion(off, region)).flat();
    expect(objects.filter((o) => o.metadata.name === TRACE_COLLECTOR.name)).toEqual([]);
    expect(JSON.stringify(objects.filter((o) => o.kind === 'NetworkPolicy'))).not.toMatch(/4318|trace-collector/);
  });
});

describe.each(regions)('the trace collector of %s', (region) => {
  const objects = all(region);
  const own = (kind: string) => {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name === TRACE_COLLECTOR.name);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const deployment = own('Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const configMap = own('ConfigMap');
  const configText: string = configMap.data['collector.yaml'];
  const out = input.outputs.regions[region];

  test('lives in the apps chart, in the shop namespace, with the recommended labels', () => {
    const names = rendered[region].apps.filter((o) => o.metadata.name === TRACE_COLLECTOR.name).map((o) => o.kind).sort();
    expect(names).toEqual(['ConfigMap', 'Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'ScaledObject', 'Service', 'ServiceAccount']);
    for (const o of objects.filter((x) => x.metadata.name === TRACE_COLLECTOR.name)) {
      expect(o.metadata.namespace).toBe(config.namespace);
      expect(o.metadata.labels).toMatchObject({
        [LABELS.name]: TRACE_COLLECTOR.name,
        [LABELS.instance]: `trace-collector-${config.name}`,
        [LABELS.component]: 'telemetry',
        [LABELS.partOf]: 'securecart',
        [LABELS.version]: 'v0.49.0',
        [LABELS.managedBy]: 'cdk8s',
      });
    }
  });

  test('runs the pinned ADOT release as its own non-root user, with the mounted configuration', () => {
    // aws-observability/aws-otel-collector v0.49.0: git tag and docs/releases/v0.49.0.md; image per .github/workflows/CD.yml.
    expect(ADOT_COLLECTOR.image).toBe('public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0');
    // Pulled through the region's ECR pull-through cache (config/network.ts): the same path under its prefix.
    expect(container.image).toBe(`${out.network!.imageCacheRegistry}/aws-observability/aws-otel-collector:v0.49.0`);
    // cmd/awscollector/Dockerfile (v0.49.0): USER aoc, USER_UID=4317; ENTRYPOINT /awscollector takes --config.
    expect(container.args).toEqual(['--config=/etc/trace-collector/collector.yaml']);
    const mount = container.volumeMounts.find((m: any) => m.mountPath === '/etc/trace-collector');
    expect(mount.readOnly).toBe(true);
    expect(pod.volumes.find((v: any) => v.name === mount.name).configMap).toEqual({ name: TRACE_COLLECTOR.name, optional: false });
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 4317,
      runAsGroup: 4317,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.resources.requests.cpu).toBeDefined();
    expect(container.resources.requests.memory).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
  });

  test('is highly available like the shop: autoscaled from 2 (a KEDA ScaledObject, no schedule), a PDB that allows a drain, zone and host spread', () => {
    expect(deployment.spec).not.toHaveProperty('replicas');
    const scaler = own('ScaledObject');
    expect(scaler.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: TRACE_COLLECTOR.name });
    expect(scaler.spec.minReplicaCount).toBeGreaterThanOrEqual(2);
    expect(scaler.spec.maxReplicaCount).toBeGreaterThan(scaler.spec.minReplicaCount);
    expect(scaler.spec.triggers.map((t: any) => t.type)).toEqual(['cpu', 'memory']);
    const pdb = own('PodDisruptionBudget');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: deployment.spec.selector, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    const zone = pod.topologySpreadConstraints.filter((c: any) => c.topologyKey === WELL_KNOWN.zone);
    expect(zone).toHaveLength(1);
    expect(zone[0]).toMatchObject({ maxSkew: 1, labelSelector: deployment.spec.selector });
    const hosts = pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution;
    expect(hosts.some((t: any) => t.podAffinityTerm.topologyKey === WELL_KNOWN.hostname)).toBe(true);
  });

  test('probes: readiness on the health_check extension, liveness on the OTLP port', () => {
    // extension/healthcheckextension/healthcheckextension.go:61-70 (collector-contrib v0.156.0, vendored in ADOT v0.49.0).
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/', port: ADOT_COLLECTOR.healthPort });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 4318 });
    expect(container.ports).toEqual([{ containerPort: 4318, name: 'http' }]);
  });

  test('its Service receives OTLP/HTTP on 4318 from the collector’s pods only, the address the services use', () => {
    const service = own('Service');
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 4318, targetPort: 4318, protocol: 'TCP' }]);
    expect(traceCollectorEndpoint(config.namespace)).toBe(`http://${service.metadata.name}.${service.metadata.namespace}.svc:${service.spec.ports[0].port}`);
  });

  test('configuration: only OTLP/HTTP in, memory_limiter then batch, only X-Ray of its own region out', () => {
    const parsed = YAML.parse(configText);
    expect(parsed).toEqual(traceCollectorConfig({ region }));
    // receiver/otlpreceiver/config.go:56-64 (v0.156.0): only the protocols listed are served; no grpc.
    expect(parsed.receivers).toEqual({ otlp: { protocols: { http: { endpoint: '0.0.0.0:4318' } } } });
    expect(parsed.service.pipelines).toEqual({ traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['awsxray'] } });
    // exporter/awsxrayexporter/config.go and internal/aws/awsutil/awsconfig.go:22 (region); no telemetry key: it stays off.
    expect(parsed.exporters).toEqual({ awsxray: { region } });
    // internal/memorylimiter/config.go:89-131: check_interval > 0, a limit, spike below it.
    const limiter = parsed.processors.memory_limiter;
    expect(limiter.limit_percentage).toBeGreaterThan(limiter.spike_limit_percentage);
    expect(Object.keys(parsed.processors).sort()).toEqual(['batch', 'memory_limiter']);
    // internal/healthcheck/internal/http/config.go:25-30: the port the readiness probe calls, on every interface.
    expect(parsed.extensions).toEqual({ health_check: { endpoint: `0.0.0.0:${container.readinessProbe.httpGet.port}` } });
    expect(parsed.service.extensions).toEqual(['health_check']);
  });

  test('a changed configuration rolls the pods', () => {
    expect(deployment.spec.template.metadata.annotations).toEqual({
      'securecart/collector-config-sha256': createHash('sha256').update(configText).digest('hex'),
    });
  });

  test('its own ServiceAccount carries the IRSA role from the outputs, and no Kubernetes API token', () => {
    const sa = own('ServiceAccount');
    expect(sa.metadata.annotations).toEqual({ [WELL_KNOWN.irsaRoleArn]: out.traceCollectorRoleArn, [WELL_KNOWN.stsRegionalEndpoints]: 'true' });
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe(sa.metadata.name);
    expect(pod.automountServiceAccountToken).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// NetworkPolicies, walked: who may open a connection to whom, by every policy of the namespace
// ---------------------------------------------------------------------------------------------

describe.each(regions)('NetworkPolicies around the collector in %s (walked)', (region) => {
  const objects = all(region);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const ns = config.namespace;
  const nsLabels = { [WELL_KNOWN.namespaceName]: ns };
  const podOf = (name: string, i: number): Endpoint => ({
    name,
    namespace: ns,
    namespaceLabels: nsLabels,
    labels: objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec.template.metadata.labels,
    ip: `10.10.64.${i + 10}`, // a pod address in the VPC: ipBlock rules see pods too
  });
  const services = SERVICE_NAMES.map(podOf);
  const collector = podOf(TRACE_COLLECTOR.name, 99);
  const coreDns: Endpoint = { name: 'coredns', namespace: 'kube-system', namespaceLabels: { [WELL_KNOWN.namespaceName]: 'kube-system' }, labels: { 'k8s-app': 'kube-dns' }, ip: '10.10.70.2' };
  // X-Ray's interface endpoint: an address in the region's endpoint subnets (cluster/network); a public one beside it.
  const xray: Endpoint = { name: `xray.${region}.amazonaws.com`, ip: input.outputs.regions[region].network!.endpointSubnetCidrs.split(',')[1].replace(/0\/\d+$/, '23') };
  const internet: Endpoint = { name: 'an internet address', ip: '52.94.0.10' };
  const strangers: Endpoint[] = [
    { name: 'fis-pod', namespace: ns, namespaceLabels: nsLabels, labels: { ...FIS_POD_LABELS }, ip: '10.10.64.200' },
    { name: 'unlabelled pod of the namespace', namespace: ns, namespaceLabels: nsLabels, labels: {}, ip: '10.10.64.201' },
    { name: 'pod of another namespace with a shop label', namespace: 'other', namespaceLabels: { [WELL_KNOWN.namespaceName]: 'other' }, labels: { ...services[0].labels }, ip: '10.10.64.202' },
  ];
  const dataStore: Endpoint = { name: 'database', ip: input.outputs.regions[region].dataSubnetCidrs.split(',')[0].replace(/0\/\d+$/, '10') };

  test('each of the five services may reach the collector on TCP 4318, and only there', () => {
    for (const s of services) {
      expect({ from: s.name, ok: canConnect(policies, s, collector, 4318) }).toEqual({ from: s.name, ok: true });
      for (const port of [4317, ADOT_COLLECTOR.healthPort, 8080]) expect({ from: s.name, port, ok: canConnect(policies, s, collector, port) }).toEqual({ from: s.name, port, ok: false });
      expect(canConnect(policies, s, collector, 4318, 'UDP')).toBe(false);
    }
  });

  test('nothing else in or out of the namespace reaches the collector', () => {
    for (const x of [...strangers, xray]) expect({ from: x.name, ok: canConnect(policies, x, collector, 4318) }).toEqual({ from: x.name, ok: false });
  });

  test('the collector reaches X-Ray and STS on 443 and CoreDNS on 53, nothing else', () => {
    expect(canConnect(policies, collector, xray, 443)).toBe(true);
    expect(canConnect(policies, collector, coreDns, 53, 'UDP')).toBe(true);
    expect(canConnect(policies, collector, coreDns, 53, 'TCP')).toBe(true);
    expect(canConnect(policies, collector, xray, 80)).toBe(false);
    // Only the endpoints: nothing public, so a NAT gateway's loss does not touch the spans.
    expect(canConnect(policies, collector, internet, 443)).toBe(false);
    expect(canConnect(policies, collector, xray, 4318)).toBe(false);
    expect(canConnect(policies, collector, dataStore, 5432)).toBe(false);
    for (const s of services) expect({ to: s.name, ok: canConnect(policies, collector, s, 8080) }).toEqual({ to: s.name, ok: false });
  });

  test('listed: the collector’s own policy holds exactly these rules, and the baseline still denies by default', () => {
    const own = policies.filter((p) => matchLabels(p.spec.podSelector, collector.labels)).map((p) => p.metadata.name).sort();
    // default-deny and allow-dns select every pod; the collector's own policy selects it by name.
    expect(own).toEqual(['allow-dns', 'default-deny', TRACE_COLLECTOR.name]);
    expect(policies.find((p) => p.metadata.name === 'default-deny')!.spec).toEqual({ podSelector: {}, policyTypes: ['Egress', 'Ingress'] });
    const mine = policies.find((p) => p.metadata.name === TRACE_COLLECTOR.name)!.spec;
    expect(mine.policyTypes).toEqual(['Egress', 'Ingress']);
    expect(mine.egress).toEqual(input.outputs.regions[region].network!.endpointSubnetCidrs.split(',').map((cidr) => ({ to: [{ ipBlock: { cidr } }], ports: [{ port: 443, protocol: 'TCP' }] })));
    const from = mine.ingress.flatMap((r: any) => r.from.map((f: any) => `${f.podSelector.matchLabels[LABELS.name]}:${r.ports.map((p: any) => `${p.port}/${p.protocol}`).join(',')}`));
    expect(from.sort()).toEqual([...SERVICE_NAMES].sort().map((s) => `${s}:4318/TCP`));
  });
});

// ---------------------------------------------------------------------------------------------
// IAM: the collector's IRSA role in each regional stack
// ---------------------------------------------------------------------------------------------

describe('the trace collector’s IAM role (cluster app)', () => {
  let templates: Record<string, Template>;
  beforeAll(async () => {
    ({ templates } = await synthTemplates(config));
  });
  const stack = (region: string) => templates[`securecart-${config.name}-${region}`];
  const role = (region: string) => {
    const roles = resourcesOf(stack(region), 'AWS::IAM::Role').filter(([id]) => id.startsWith('PrerequisitesTraceCollectorRole'));
    expect(roles).toHaveLength(1);
    return roles[0];
  };

  test.each(regions)('%s: allows exactly xray:PutTraceSegments, the one call the awsxray exporter makes, on "*"', (region) => {
    const [roleId, r] = role(region);
    expect(r.Properties.ManagedPolicyArns).toBeUndefined();
    expect(r.Properties.Policies).toBeUndefined();
    // Every policy attached to the role, wherever CDK put it.
    const attached = resourcesOf(stack(region), 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles ?? []).includes(`"${roleId}"`));
    expect(attached.map(([id]) => id)).toHaveLength(1);
    const statements = policyStatements(Object.fromEntries(attached), attached[0][0]);
    // aws-otel-collector v0.49.0 vendor/.../exporter/awsxrayexporter/awsxray.go:59 (PutTraceSegments per batch);
    // PutTelemetryRecords only with telemetry.enabled (awsxray.go:43-47), which the collector's config leaves off.
    expect(allowedActions(statements)).toEqual(['xray:PutTraceSegments']);
    expect([...TRACE_COLLECTOR_XRAY_ACTIONS]).toEqual(['xray:PutTraceSegments']);
    // X-Ray defines no resource type for PutTraceSegments (Service Authorization Reference, AWS X-Ray).
    expect(statements).toEqual([{ Effect: 'Allow', Action: 'xray:PutTraceSegments', Resource: '*' }]);
    expect(statements.some((s) => s.Condition)).toBe(false);
  });

  test.each(regions)('%s: assumable only through the cluster’s OIDC provider by the collector’s ServiceAccount, audience STS', (region) => {
    const [, r] = role(region);
    const trust = r.Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0].Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust[0].Effect).toBe('Allow');
    const provider = trust[0].Principal.Federated.Ref;
    expect(resourcesOf(stack(region), 'Custom::AWSCDKOpenIdConnectProvider').map(([id]) => id)).toContain(provider);
    // StringEquals on the CfnJson of the two keys: resolve it, the issuer being the provider's own.
    const conditionsId = trust[0].Condition.StringEquals['Fn::GetAtt'][0];
    const conditions = stack(region).toJSON().Resources[conditionsId];
    expect(conditions.Type).toBe('Custom::AWSCDKCfnJson');
    const parts: unknown[] = conditions.Properties.Value['Fn::Join'][1];
    for (const p of parts.filter((x) => typeof x !== 'string')) expect(p).toEqual({ 'Fn::Select': [1, { 'Fn::Split': [':oidc-provider/', { Ref: provider }] }] });
    const value = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'ISSUER')).join(''));
    expect(value).toEqual({
      'ISSUER:sub': `system:serviceaccount:${config.namespace}:${TRACE_COLLECTOR.name}`,
      'ISSUER:aud': 'sts.amazonaws.com',
    });
    // The ServiceAccount the charts render is that one.
    const sa = all(region).find((o) => o.kind === 'ServiceAccount' && o.metadata.name === TRACE_COLLECTOR.name)!;
    expect(`system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`).toBe(value['ISSUER:sub']);
  });

  test.each(regions)('%s: exported as TraceCollectorRoleArn, the output the charts annotate the ServiceAccount with', (region) => {
    const [roleId] = role(region);
    expect(REGIONAL_OUTPUT_KEYS.traceCollectorRoleArn).toBe('TraceCollectorRoleArn');
    expect(stack(region).toJSON().Outputs.TraceCollectorRoleArn.Value).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });
});
