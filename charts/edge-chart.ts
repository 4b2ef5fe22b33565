import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { albGroupName, albRecordHostname, albTags, publicHostname, regionalHostname } from '../config/hostnames';
import { SHOP_PATHS } from '../config/shop-paths';
import { RegionalOutputs } from '../config/outputs';
import { PlatformConfig, RegionConfig } from '../config/schema';
import { LABELS, PORTS, SHUTDOWN, UI_READINESS_PATH } from './constants';
import { FailoverIngress } from './constructs/failover-ingress';
import { applyMissingLabels, regionInstance } from './labels';

export interface EdgeChartProps extends ChartProps {
  readonly config: PlatformConfig;
  readonly region: RegionConfig;
  readonly outputs: RegionalOutputs;
  /** `app.kubernetes.io/version` of the edge objects: the platform repository's version. */
  readonly platformVersion: string;
}

/** Where customers reach the shop in one region: its ALB and its DNS records. */
export class EdgeChart extends Chart {
  readonly ingress: FailoverIngress;

  constructor(scope: Construct, id: string, props: EdgeChartProps) {
    super(scope, id, { ...props, namespace: props.config.namespace });
    const { config, region, outputs } = props;
    const recordHost = albRecordHostname(config);
    this.ingress = new FailoverIngress(this, 'Shop', {
      region: region.name,
      regionalHostname: regionalHostname(config, region.name),
      // The ALB answers the public name under every front door (Global Accelerator passes TLS through,
      // so the customer's SNI and Host reach it); under CloudFront it answers CloudFront's origin name.
      sharedHostname: recordHost ?? publicHostname(config),
      sharedRecord: recordHost
        ? {
            routing:
              config.failoverMode === 'active-active'
                ? { policy: 'latency' }
                : { policy: 'failover', role: region.name === config.primaryRegion ? 'PRIMARY' : 'SECONDARY' },
            healthCheckId: outputs.healthCheckId,
          }
        : undefined,
      // Behind CloudFront the ALB admits only CloudFront's origin-facing addresses and Route 53's health
      // checkers (cluster/front-door/alb-security-groups.ts); the WAF checks CloudFront's secret header.
      securityGroupIds: config.edge.frontDoor === 'cloudfront' ? outputs.albSecurityGroupIds?.split(',') : undefined,
      backend: { service: 'ui', port: PORTS.service },
      // Each pod's own readiness, not the region's: a backend outage must not empty the target group.
      targetHealthPath: UI_READINESS_PATH,
      certificateArn: outputs.certificateArn,
      webAclArn: outputs.webAclArn,
      sslPolicy: config.edge.sslPolicy,
      groupName: albGroupName(config),
      deregistrationDelaySeconds: SHUTDOWN.albDeregistrationDelaySeconds,
      allowedPaths: SHOP_PATHS,
      accessLogsBucket: config.edge.accessLogsBucket?.replace('{region}', region.name),
      tags: albTags(config),
    });
    applyMissingLabels(this, { [LABELS.instance]: regionInstance(config.name, region.name), [LABELS.version]: props.platformVersion });
  }
}
