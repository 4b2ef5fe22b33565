import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { DRILLS_VERSION } from '../config/drills';
import { isShopApiCaller, throughCache } from '../config/network';
import { GlobalOutputs, RegionalOutputs } from '../config/outputs';
import { PlatformConfig, RegionConfig, ServiceName } from '../config/schema';
import { awsApiEgress, partnerEgress } from './aws-api-egress';
import { PORTS } from './constants';
import { ipBlocks } from './ip-blocks';
import { FaultInjectionAccess } from './constructs/fault-injection-access';
import { HighlyAvailableService } from './constructs/highly-available-service';
import { ADOT_COLLECTOR, TraceCollector } from './constructs/trace-collector';
import { BACKEND_PORTS, imageVersion, workloadSpecs } from './workloads';

export interface AppsChartProps extends ChartProps {
  readonly config: PlatformConfig;
  readonly region: RegionConfig;
  readonly outputs: { readonly global: GlobalOutputs; readonly regional: RegionalOutputs };
}

/**
 * The shop's five services in one region, sized for that region (a warm standby runs its own, smaller
 * floors), with NetworkPolicies that open exactly the call graph:
 * ALB -> ui -> catalog / carts / orders / checkout, checkout -> orders, each backend to its store,
 * carts to DynamoDB and STS, checkout to its partners' PrivateLink endpoints (network.partners);
 * with tracing on, every service -> the trace collector -> X-Ray; and the Kubernetes access of the FIS
 * pod drills.
 */
export class AppsChart extends Chart {
  readonly services: Record<ServiceName, HighlyAvailableService>;
  readonly faultInjection: FaultInjectionAccess;
  /** The region's trace collector, when tracing is on (observability.tracing.enabled). */
  readonly traceCollector?: TraceCollector;

  constructor(scope: Construct, id: string, props: AppsChartProps) {
    super(scope, id, { ...props, namespace: props.config.namespace });
    const { config, region } = props;
    const specs = workloadSpecs(config, region, props.outputs);
    // The region's private network, once deployed (config/outputs.ts NETWORK_OUTPUT_KEYS): images come
    // from its pull-through cache, AWS calls go to its interface endpoints.
    const network = props.outputs.regional.network;
    const registry = config.network.pullThroughCache.enabled ? network?.imageCacheRegistry : undefined;

    const services = {} as Record<ServiceName, HighlyAvailableService>;
    for (const spec of specs) {
      const svc = config.services[spec.name];
      const sizing = svc.regions[region.name];
      services[spec.name] = new HighlyAvailableService(this, spec.name, {
        name: spec.name,
        instance: `${spec.name}-${config.name}`,
        component: spec.component,
        // The configured image, through the region's ECR pull-through cache when it exists: the same
        // manifest and digest (the cache keeps the upstream path under its prefix), pulled without NAT.
        image: throughCache(svc.image, registry),
        version: imageVersion(svc.image),
        minReplicas: sizing.minReplicas,
        maxReplicas: sizing.maxReplicas,
        // The schedules that raise this service's floor in this region (config `schedules`), as KEDA cron triggers.
        schedules: config.schedules
          .filter((s) => s.floors[spec.name]?.[region.name] !== undefined)
          .map((s) => ({ name: s.name, timezone: s.timezone, start: s.start, end: s.end, replicas: s.floors[spec.name][region.name] })),
        resources: sizing.resources ?? svc.resources,
        health: spec.health,
        env: spec.env,
        serviceAccountAnnotations: spec.serviceAccountAnnotations,
        automountServiceAccountToken: spec.automountServiceAccountToken,
        secretFiles: spec.secretFiles,
        drainSeconds: spec.drainSeconds,
        // FIS pod actions fail on read-only root filesystems: writable only while drills.allowPodFaults is on.
        readOnlyRootFilesystem: !config.drills.allowPodFaults,
      });
    }
    this.services = services;

    // The FIS pod drills' access to this namespace (cluster/fault-injection maps the experiment roles to
    // its user): its RoleBinding has subjects only for a drill window (drills.allowPodFaults). Otherwise
    // the FIS user could create pods here, as any of the shop's service accounts, at any time.
    this.faultInjection = new FaultInjectionAccess(this, 'fault-injection', { instance: `fault-injection-${config.name}`, version: DRILLS_VERSION, bind: config.drills.allowPodFaults });

    // Spans go to one collector per cluster, which alone holds the X-Ray permission (IRSA).
    if (config.observability.tracing.enabled) {
      const collector = new TraceCollector(this, 'trace-collector', {
        region: region.name,
        roleArn: props.outputs.regional.traceCollectorRoleArn,
        instance: `trace-collector-${config.name}`,
        image: throughCache(ADOT_COLLECTOR.image, registry),
        awsApiCidrs: awsApiEgress('trace-collector', network).cidrs,
      });
      for (const spec of specs) collector.allowClient(services[spec.name]);
      this.traceCollector = collector;
    }

    // The ALB sends traffic from its nodes in the public subnets straight to pod IPs (IP targets); pods
    // themselves have VPC addresses, so the whole VPC CIDR would let any pod of the cluster in.
    const publicSubnets = ipBlocks(this, 'PublicSubnet', props.outputs.regional.publicSubnetCidrs);
    // Databases and Redis live in the region's isolated data subnets.
    const dataSubnets = ipBlocks(this, 'DataSubnet', props.outputs.regional.dataSubnetCidrs);
    for (const subnet of publicSubnets) services.ui.allowFrom(subnet, PORTS.container);
    for (const spec of specs) {
      for (const callee of spec.calls) services[spec.name].allowTo(services[callee]);
      if (spec.backend === 'aws-apis') {
        // Its AWS calls (config/network.ts SHOP_AWS_CALLS): the endpoint subnets, or anywhere on 443 where
        // a gateway endpoint or the public endpoints need it (charts/aws-api-egress.ts says why).
        if (!isShopApiCaller(spec.name)) throw new Error(`service "${spec.name}" calls AWS APIs but SHOP_AWS_CALLS has no entry for it: add it in config/network.ts`);
        for (const peer of ipBlocks(this, `${spec.name}-aws-apis`, awsApiEgress(spec.name, network).cidrs)) services[spec.name].allowEgress(peer, [BACKEND_PORTS['aws-apis']]);
      } else if (spec.backend !== 'none') {
        for (const subnet of dataSubnets) services[spec.name].allowEgress(subnet, [BACKEND_PORTS[spec.backend]]);
      }
      // Partners' PrivateLink endpoints (network.partners), for the services that call them only.
      for (const p of partnerEgress(spec.name, config.network.partners, network)) {
        for (const peer of ipBlocks(this, `${spec.name}-partner-${p.partner}`, p.cidrs)) services[spec.name].allowEgress(peer, p.ports);
      }
    }
  }
}
