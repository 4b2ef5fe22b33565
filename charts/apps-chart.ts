import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DRILLS_VERSION } from '../config/drills';
import { GlobalOutputs, RegionalOutputs } from '../config/outputs';
import { PlatformConfig, RegionConfig, ServiceName } from '../config/schema';
import { PORTS } from './constants';
import { FaultInjectionAccess } from './constructs/fault-injection-access';
import { HighlyAvailableService } from './constructs/highly-available-service';
import { TraceCollector } from './constructs/trace-collector';
import { BACKEND_PORTS, imageVersion, workloadSpecs } from './workloads';

export interface AppsChartProps extends ChartProps {
  readonly config: PlatformConfig;
  readonly region: RegionConfig;
  readonly outputs: { readonly global: GlobalOutputs; readonly regional: RegionalOutputs };
}

/**
 * The shop's five services in one region, sized for that region (a warm standby runs its own, smaller
 * floors), with NetworkPolicies that open exactly the call graph:
 * ALB -> ui -> catalog / carts / orders / checkout, checkout -> orders, each backend to its store;
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

    const services = {} as Record<ServiceName, HighlyAvailableService>;
    for (const spec of specs) {
      const svc = config.services[spec.name];
      const sizing = svc.regions[region.name];
      services[spec.name] = new HighlyAvailableService(this, spec.name, {
        name: spec.name,
        instance: `${spec.name}-${config.name}`,
        component: spec.component,
        image: svc.image,
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
      });
      for (const spec of specs) collector.allowClient(services[spec.name]);
      this.traceCollector = collector;
    }

    // The ALB sends traffic from its nodes in the public subnets straight to pod IPs (IP targets); pods
    // themselves have VPC addresses, so the whole VPC CIDR would let any pod of the cluster in.
    const publicSubnets = cidrPeers(this, 'PublicSubnet', props.outputs.regional.publicSubnetCidrs);
    // Databases and Redis live in the region's isolated data subnets.
    const dataSubnets = cidrPeers(this, 'DataSubnet', props.outputs.regional.dataSubnetCidrs);
    for (const subnet of publicSubnets) services.ui.allowFrom(subnet, PORTS.container);
    for (const spec of specs) {
      for (const callee of spec.calls) services[spec.name].allowTo(services[callee]);
      if (spec.backend === 'aws-apis') {
        // DynamoDB and STS (IRSA) are public AWS endpoints: a NetworkPolicy cannot name AWS prefix lists.
        services[spec.name].allowEgress(kplus.NetworkPolicyIpBlock.anyIpv4(this, `${spec.name}-aws-apis`), [BACKEND_PORTS['aws-apis']]);
      } else if (spec.backend !== 'none') {
        for (const subnet of dataSubnets) services[spec.name].allowEgress(subnet, [BACKEND_PORTS[spec.backend]]);
      }
    }
  }
}

/** One NetworkPolicy peer per CIDR of a comma-separated list. */
function cidrPeers(scope: Construct, id: string, cidrs: string): kplus.NetworkPolicyIpBlock[] {
  return cidrs.split(',').map((cidr, i) => kplus.NetworkPolicyIpBlock.ipv4(scope, `${id}${i}`, cidr));
}
