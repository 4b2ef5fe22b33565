/**
 * How each of the five shop images turns on OpenTelemetry tracing, exactly as the image reads it, and
 * where its spans go: the region's trace collector (charts/constructs/trace-collector.ts), which sends
 * them to AWS X-Ray. Every variable below is read by the image's own SDK at the version it ships;
 * variables an image does not read are not set. Sources (read at the tags named):
 * - retail store sample v1.6.2 (aws-containers/retail-store-sample-app): the images' code and config;
 * - open-telemetry/opentelemetry-java-instrumentation v2.17.0: the Spring Boot starter the Java images
 *   import (src/{ui,cart,orders}/pom.xml: opentelemetry-instrumentation-bom 2.17.0), on
 *   open-telemetry/opentelemetry-java v1.51.0 (the SDK that BOM pins: dependencyManagement/build.gradle.kts:8);
 * - open-telemetry/opentelemetry-go v1.43.0 (src/catalog/go.mod:14-16);
 * - open-telemetry/opentelemetry-js experimental/v0.202.0 and v2.0.1 (src/checkout/yarn.lock resolves
 *   @opentelemetry/sdk-node 0.202.0, sdk-trace-base and core 2.0.1).
 */
import { PlatformConfig, RegionConfig, ServiceName } from '../config/schema';
import type { EnvVar } from './constructs/highly-available-service';

/** The region's trace collector: its Service name and the OTLP/HTTP port, the only one it receives on. */
export const TRACE_COLLECTOR = {
  name: 'trace-collector',
  otlpHttpPort: 4318,
} as const;

/** Where the services send their spans: the collector's Service, OTLP over HTTP (no TLS inside the namespace). */
export function traceCollectorEndpoint(namespace: string): string {
  return `http://${TRACE_COLLECTOR.name}.${namespace}.svc:${TRACE_COLLECTOR.otlpHttpPort}`;
}

/** The OpenTelemetry SDK each image carries, which decides the variables it reads. */
export type TracingSdk = 'spring-boot-starter' | 'go' | 'node';

export const TRACING_SDKS: Record<ServiceName, TracingSdk> = {
  // src/ui/pom.xml:185-187 (opentelemetry-spring-boot-starter), BOM 2.17.0 at :48-50.
  ui: 'spring-boot-starter',
  // src/catalog/main.go:194-211 initTracer (go.opentelemetry.io/otel/sdk v1.43.0).
  catalog: 'go',
  // src/cart/pom.xml:134-136 (starter), BOM 2.17.0 at :40-42.
  carts: 'spring-boot-starter',
  // src/orders/pom.xml:170-172 (starter), BOM 2.17.0 at :35-37.
  orders: 'spring-boot-starter',
  // src/checkout/src/tracing.ts:11-15 NodeSDK (@opentelemetry/sdk-node 0.202.0).
  checkout: 'node',
};

/** W3C trace context and baggage: the one pair every image can both read and write (see below). */
export const PROPAGATORS = 'tracecontext,baggage';

/**
 * Resource attributes of every span: which environment, region and namespace it comes from. Low
 * cardinality on purpose (no pod or node name): X-Ray groups and filters by them. Each SDK reads
 * OTEL_RESOURCE_ATTRIBUTES (cited per SDK in tracingEnv).
 */
export function traceResourceAttributes(config: PlatformConfig, region: RegionConfig): string {
  return [`deployment.environment=${config.name}`, `cloud.region=${region.name}`, `k8s.namespace.name=${config.namespace}`].join(',');
}

/**
 * The tracing environment of one service's container. With tracing off, each image is told so in the
 * way it reads it, and nothing else is set.
 */
export function tracingEnv(service: ServiceName, config: PlatformConfig, region: RegionConfig): EnvVar[] {
  const { enabled, samplingRatio } = config.observability.tracing;
  const sdk = TRACING_SDKS[service];
  if (!enabled) {
    switch (sdk) {
      // The images ship `otel.sdk.disabled: true` (src/ui/src/main/resources/application.yml:76,
      // src/cart/...:19, src/orders/...:38); said again here so that no other source can turn it on.
      case 'spring-boot-starter':
        return [{ name: 'OTEL_SDK_DISABLED', value: 'true' }];
      // catalog initialises tracing only when OTEL_SERVICE_NAME is set (src/catalog/main.go:64-71), and
      // the Go SDK has no OTEL_SDK_DISABLED: leaving the variable out is the off switch.
      case 'go':
        return [];
      // NodeSDK.start() returns at once when OTEL_SDK_DISABLED is true (sdk-node sdk.ts:232-236, 334-337).
      case 'node':
        return [{ name: 'OTEL_SDK_DISABLED', value: 'true' }];
    }
  }

  const common = {
    serviceName: { name: 'OTEL_SERVICE_NAME', value: service },
    resource: { name: 'OTEL_RESOURCE_ATTRIBUTES', value: traceResourceAttributes(config, region) },
    // A base URL: each SDK appends /v1/traces (cited per SDK below).
    endpoint: { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: traceCollectorEndpoint(config.namespace) },
    // A request that arrives with a sampling decision keeps it (ui decides for the whole trace); new
    // traces are kept with probability samplingRatio.
    sampler: { name: 'OTEL_TRACES_SAMPLER', value: 'parentbased_traceidratio' },
    samplerArg: { name: 'OTEL_TRACES_SAMPLER_ARG', value: String(samplingRatio) },
    propagators: { name: 'OTEL_PROPAGATORS', value: PROPAGATORS },
    noMetrics: { name: 'OTEL_METRICS_EXPORTER', value: 'none' },
    noLogs: { name: 'OTEL_LOGS_EXPORTER', value: 'none' },
  } satisfies Record<string, EnvVar>;

  switch (sdk) {
    case 'spring-boot-starter':
      // The starter builds the SDK with opentelemetry-java's AutoConfiguredOpenTelemetrySdk
      // (spring-boot-autoconfigure OpenTelemetryAutoConfiguration.java:102-121), reading each otel.* key
      // from Spring's Environment, so from the OTEL_* variables, before the SDK's own lookup
      // (SpringConfigProperties.java:151-214; resource attributes merged at :229-236).
      return [
        // Overrides the images' `otel.sdk.disabled: true` (application.yml, above): the SDK is built only
        // when the property is false (SdkEnabled.java:20); environment variables win over application.yml.
        { name: 'OTEL_SDK_DISABLED', value: 'false' },
        // ResourceConfiguration.java:43-44 (otel.service.name, otel.resource.attributes).
        common.serviceName,
        common.resource,
        // A base URL for http/protobuf: v1/traces is appended (OtlpConfigUtil.java:74-80, opentelemetry-java v1.51.0).
        common.endpoint,
        // The starter already defaults to http/protobuf (SpringConfigProperties.java:156-160), but the
        // global SDK below uses the plain SDK default, grpc on 4317 (OtlpConfigUtil.java:48), which the
        // collector does not serve.
        { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' },
        // TracerProviderConfiguration.java:53, 186-187 (parentbased_traceidratio), 206 (otel.traces.sampler.arg).
        common.sampler,
        common.samplerArg,
        // PropagatorConfiguration.java:25-33 (its default, set so all five agree by construction).
        common.propagators,
        // Both default to otlp (MeterProviderConfiguration.java:87-98, LogRecordExporterConfiguration.java:44-55):
        // the starter would POST metrics and logs to /v1/metrics and /v1/logs, which the collector does not serve.
        common.noMetrics,
        common.noLogs,
        // The AWS SDK instrumentation of carts and orders (opentelemetry-aws-sdk-2.2-autoconfigure:
        // src/cart/pom.xml:137-142, src/orders/pom.xml:173-178) traces through GlobalOpenTelemetry.get()
        // (AbstractAwsSdkTelemetryFactory.java:42), and the starter never registers its SDK as the global
        // one (AutoConfiguredOpenTelemetrySdkBuilder.java:122, setResultAsGlobal false; not called by the
        // starter). With this property the global instance is built from the same OTEL_* variables
        // (GlobalOpenTelemetry.java:49-50, 221-232); without it those spans go to a no-op. Upstream sets it
        // on all three Java services (src/app/docker-compose.tracing.yml).
        { name: 'OTEL_JAVA_GLOBAL_AUTOCONFIGURE_ENABLED', value: 'true' },
        // Not set: OTEL_RESOURCE_PROVIDERS_AWS_ENABLED. The AWS resource providers (ui carries
        // opentelemetry-aws-resources) are off unless it is true (ResourceProviderPropertiesCustomizer.java:
        // 35-44, 74-77, registered for both SDKs through META-INF/services); on, the EKS one would call the
        // Kubernetes API with a token these pods do not have.
      ];
    case 'go':
      return [
        // Turns tracing on (src/catalog/main.go:64-71) and names the service: WithResource merges
        // resource.Environment() under the EC2 detector's attributes (sdk/trace/provider.go:360-369;
        // sdk/resource/env.go:20-23 reads OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME).
        common.serviceName,
        common.resource,
        // otlptracehttp.NewClient() reads it and appends /v1/traces; http:// means no TLS
        // (exporters/otlp/otlptrace/otlptracehttp/internal/otlpconfig/envconfig.go:51-60, 104-110).
        common.endpoint,
        // No sampler option is given (main.go:203-207), so NewTracerProvider takes the sampler from the
        // environment (sdk/trace/provider.go:99, 468-489; sdk/trace/sampler_env.go:49-83).
        common.sampler,
        common.samplerArg,
        // Not set: OTEL_EXPORTER_OTLP_PROTOCOL (otlptracehttp is http/protobuf only and does not read it),
        // OTEL_PROPAGATORS (main.go:208 hard-codes TraceContext + Baggage), OTEL_METRICS_EXPORTER and
        // OTEL_LOGS_EXPORTER (catalog creates no meter or logger provider).
      ];
    case 'node':
      return [
        // getBooleanFromEnv (core v2.0.1 src/platform/node/environment.ts:69-87): 'false' starts the SDK.
        { name: 'OTEL_SDK_DISABLED', value: 'false' },
        // The default resource detectors include envDetector (sdk-node sdk.ts:256), which reads both
        // (resources v2.0.1 src/detectors/EnvDetector.ts:57-70).
        common.serviceName,
        common.resource,
        // otlp-exporter-base src/configuration/otlp-http-env-configuration.ts:98-105 appends v1/traces.
        common.endpoint,
        // No sampler is passed (tracing.ts:11-15): sdk-trace-base v2.0.1 src/config.ts:73-107 reads both.
        common.sampler,
        common.samplerArg,
        // sdk-node utils.ts:193-212 (tracecontext, baggage, b3, b3multi, jaeger: no xray, which is why no
        // image is given it).
        common.propagators,
        // Without metric readers or log record processors (tracing.ts:11-15) NodeSDK builds them from
        // these: metrics default to none (sdk.ts:115-131), logs to an OTLP exporter (sdk.ts:300-313, 443-449).
        common.noMetrics,
        common.noLogs,
        // Not set: OTEL_EXPORTER_OTLP_PROTOCOL. The trace exporter always sends OTLP/HTTP JSON
        // (exporter-trace-otlp-http src/platform/node/OTLPTraceExporter.ts:36-45), which the collector's
        // HTTP receiver accepts on the same path; only the (disabled) log and metric exporters read it.
      ];
  }
}
