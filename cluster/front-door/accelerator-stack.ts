import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ga from 'aws-cdk-lib/aws-globalaccelerator';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { publicHostname } from '../../config/hostnames';
import { PlatformConfig } from '../../config/schema';
import { lookUpAlbs } from './load-balancer-lookup';
import { ShieldAdvanced } from './shield-advanced';

export interface AcceleratorStackProps extends StackProps {
  readonly config: PlatformConfig;
  /** Route 53 health check ids of each region (the health stack's calculated checks). */
  readonly regionHealthCheckIds: Readonly<Record<string, string>>;
  /** Route 53 health check id of "at least one region can sell". */
  readonly shopHealthCheckId: string;
}

/** The share of new connections each region's endpoint group takes, by failover mode and role. */
export function trafficDial(failoverMode: PlatformConfig['failoverMode'], isPrimary: boolean): number {
  return failoverMode === 'active-active' || isPrimary ? 100 : 0;
}

/** The listeners: HTTPS, and HTTP for the ALB's redirect to it. */
export const ACCELERATOR_PORTS = [443, 80] as const;

/**
 * The Global Accelerator front door. Each cluster only knows its own ALB (the load balancer controller
 * creates it), and an accelerator must list every region's, so neither cluster owns it: the cluster
 * app does, in one stack deployed after both regions' edge applications synced, finding each ALB by
 * the controller's tags (LoadBalancerLookup). The controller's own GlobalAccelerator resource
 * (aga.k8s.aws/v1beta1) would make one cluster the owner of a global object, create one accelerator
 * per cluster that applies it, and could name the other region's ALB only by an ARN it cannot know.
 *
 * Listeners on 443 and 80 (TCP: TLS ends at the ALB, with its certificate, WAF and redirect), one
 * endpoint group per region holding its ALB with client IP preservation (the WAF's per-IP rate limit
 * and the shop's logs see customers, not the accelerator), traffic dials from the failover mode. Global
 * Accelerator judges an ALB endpoint by the ALB's own target health and ignores the endpoint group's
 * health check settings (Global Accelerator Developer Guide, "Health check options"): the settings
 * below document intent and take effect only for other endpoint types. The public name is an alias of
 * the accelerator.
 */
export class AcceleratorStack extends Stack {
  readonly accelerator: ga.Accelerator;

  constructor(scope: Construct, id: string, props: AcceleratorStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.accelerator = new ga.Accelerator(this, 'Accelerator', { acceleratorName: `securecart-${config.name}`, ipAddressType: ga.IpAddressType.DUAL_STACK });
    const albs = lookUpAlbs(this, config);
    for (const port of ACCELERATOR_PORTS) {
      const listener = this.accelerator.addListener(`Listener${port}`, {
        listenerName: `securecart-${config.name}-${port}`,
        protocol: ga.ConnectionProtocol.TCP,
        portRanges: [{ fromPort: port }],
        // Each new connection goes to the healthiest nearby region; a session lives in its cookie and
        // in shared data (carts in DynamoDB), so no affinity is needed.
        clientAffinity: ga.ClientAffinity.NONE,
      });
      for (const region of config.regions) {
        listener.addEndpointGroup(`Region-${region.name}`, {
          region: region.name,
          endpoints: [new ga.RawEndpoint({ endpointId: albs[region.name], preserveClientIp: true, region: region.name })],
          trafficDialPercentage: trafficDial(config.failoverMode, region.name === config.primaryRegion),
          healthCheckProtocol: ga.HealthCheckProtocol.HTTPS,
          healthCheckPort: 443,
          healthCheckPath: config.dns.healthCheck.path,
          healthCheckInterval: Duration.seconds(config.dns.healthCheck.intervalSeconds),
          healthCheckThreshold: config.dns.healthCheck.failureThreshold,
        });
      }
    }

    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: config.dns.hostedZoneId, zoneName: config.dns.domain });
    // The accelerator's DnsName answers its IPv4 addresses only; IPv6 clients need the dual-stack name.
    new route53.ARecord(this, 'PublicA', { zone, recordName: publicHostname(config), target: route53.RecordTarget.fromAlias(new targets.GlobalAcceleratorTarget(this.accelerator)) });
    new route53.AaaaRecord(this, 'PublicAaaa', {
      zone,
      recordName: publicHostname(config),
      target: route53.RecordTarget.fromAlias(new targets.GlobalAcceleratorDomainTarget(this.accelerator.dualStackDnsName!)),
    });

    if (config.edge.shieldAdvanced) {
      ShieldAdvanced.forFrontDoor(this, 'Shield', {
        ...props,
        frontDoor: { name: 'accelerator', resourceArn: this.accelerator.acceleratorArn },
        albs,
        hostedZoneId: config.dns.hostedZoneId,
        env: config.name,
      });
    }
    new CfnOutput(this, 'AcceleratorDnsName', { value: this.accelerator.dnsName });
  }
}
