import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ShopPath } from '../../config/shop-paths';
import { ALB_PREFIX, EXTERNAL_DNS_PREFIX, LABELS } from '../constants';
import { applyLabels } from '../labels';

/** How the public name is answered across regions. */
export type PublicRouting =
  /** Route 53 failover: PRIMARY while its health check passes, SECONDARY otherwise. */
  | { readonly policy: 'failover'; readonly role: 'PRIMARY' | 'SECONDARY' }
  /** Route 53 latency routing over the healthy regions. */
  | { readonly policy: 'latency' };

export interface FailoverIngressProps {
  /** This region: the set identifier of its public record, and its latency region. */
  readonly region: string;
  /** Hostname only this region answers (the target of its Route 53 health check). */
  readonly regionalHostname: string;
  /**
   * The name every region answers and the front door sends customers to: the public name (route53,
   * globalAccelerator) or CloudFront's origin name (cloudfront).
   */
  readonly sharedHostname: string;
  /**
   * The Route 53 record set external-dns publishes for `sharedHostname`, this region's member of it.
   * @default none: external-dns publishes nothing for the shared name (another owner aliases it, e.g. to
   * the accelerator)
   */
  readonly sharedRecord?: {
    readonly routing: PublicRouting;
    /** Route 53 health check of this region's own hostname; what DNS routing decides on. */
    readonly healthCheckId: string;
  };
  /**
   * Security groups the ALB gets instead of the one the controller would open to the internet (e.g.
   * only CloudFront's origin-facing addresses); the controller still opens the pods to the ALB.
   * @default the controller's own, open on the listen ports to 0.0.0.0/0
   */
  readonly securityGroupIds?: readonly string[];
  /** Service and port the ALB sends traffic to (IP targets: straight to its pods). */
  readonly backend: { readonly service: string; readonly port: number };
  /** Path the ALB's target group checks on every pod. */
  readonly targetHealthPath: string;
  readonly certificateArn: string;
  readonly webAclArn: string;
  readonly sslPolicy: string;
  /** IngressGroup: every Ingress of the group shares one ALB. */
  readonly groupName: string;
  /** Seconds the ALB drains a deregistered target (the pods' preStop outlasts it). */
  readonly deregistrationDelaySeconds: number;
  /**
   * Seconds a new target ramps up its share of requests (a JVM warming up).
   * @default 30
   */
  readonly slowStartSeconds?: number;
  /**
   * The only paths the ALB forwards to the backend; it answers every other path with 404 itself.
   */
  readonly allowedPaths: readonly ShopPath[];
  /**
   * S3 bucket for access logs.
   * @default no access logs
   */
  readonly accessLogsBucket?: string;
  /** AWS tags of the ALB and its target groups. @default none */
  readonly tags?: Record<string, string>;
}

const BLOCK_ACTION = 'block';

/**
 * A region's way in: one internet-facing ALB (an IngressGroup of two Ingresses) with HTTPS only (HTTP
 * redirects), a modern TLS policy, the region's certificate and WAF web ACL, IP targets checked on the
 * ui's readiness path and drained gracefully. external-dns publishes the regional hostname as a simple
 * record and, when the front door asks for it, the shared hostname (public or CloudFront's origin name)
 * as this region's member of a Route 53 failover (or latency) set, tied to the region's own health check
 * rather than to the ALB's target health.
 *
 * Low-level `k8s` Ingress: cdk8s-plus' Ingress needs a Service object for every backend and cannot
 * express the load balancer controller's `use-annotation` action backends (the 404 catch-all).
 */
export class FailoverIngress extends Construct {
  readonly regional: kplus.k8s.KubeIngress;
  readonly public: kplus.k8s.KubeIngress;

  constructor(scope: Construct, id: string, props: FailoverIngressProps) {
    super(scope, id);
    const alb = (key: string) => `${ALB_PREFIX}${key}`;
    const dns = (key: string) => `${EXTERNAL_DNS_PREFIX}${key}`;
    // zonal_shift.config.enabled: an operator (or ARC zonal autoshift) can move the ALB's own traffic off
    // an impaired zone; it is off by default on every ALB (ELB API reference, LoadBalancerAttribute). The
    // controller passes the annotation's keys through as given (aws-load-balancer-controller v3.4.0
    // pkg/ingress/model_build_load_balancer_attributes.go), so the key is checked here, not by it.
    const lbAttributes = ['deletion_protection.enabled=true', 'routing.http.drop_invalid_header_fields.enabled=true', 'idle_timeout.timeout_seconds=60', 'zonal_shift.config.enabled=true'];
    if (props.accessLogsBucket) lbAttributes.push('access_logs.s3.enabled=true', `access_logs.s3.bucket=${props.accessLogsBucket}`, `access_logs.s3.prefix=${props.region}`);
    const shared: Record<string, string> = {
      [alb('group.name')]: props.groupName,
      [alb('scheme')]: 'internet-facing',
      [alb('target-type')]: 'ip',
      [alb('listen-ports')]: '[{"HTTP": 80}, {"HTTPS": 443}]',
      [alb('ssl-redirect')]: '443',
      [alb('certificate-arn')]: props.certificateArn,
      [alb('ssl-policy')]: props.sslPolicy,
      [alb('wafv2-acl-arn')]: props.webAclArn,
      [alb('load-balancer-attributes')]: lbAttributes.join(','),
      [alb('healthcheck-path')]: props.targetHealthPath,
      [alb('healthcheck-interval-seconds')]: '10',
      [alb('healthcheck-timeout-seconds')]: '5',
      [alb('healthy-threshold-count')]: '2',
      [alb('unhealthy-threshold-count')]: '2',
      [alb('success-codes')]: '200',
      // Slow start needs round robin (the ALB refuses it with least outstanding requests).
      [alb('target-group-attributes')]: `deregistration_delay.timeout_seconds=${props.deregistrationDelaySeconds},slow_start.duration_seconds=${props.slowStartSeconds ?? 30}`,
      [alb(`actions.${BLOCK_ACTION}`)]: JSON.stringify({ type: 'fixed-response', fixedResponseConfig: { contentType: 'text/plain', statusCode: '404', messageBody: 'Not Found' } }),
    };
    if (props.tags) shared[alb('tags')] = Object.entries(props.tags).map(([k, v]) => `${k}=${v}`).join(',');
    if (props.securityGroupIds) {
      if (props.securityGroupIds.length === 0) throw new Error(`ingress for ${props.regionalHostname}: securityGroupIds is empty: omit it to keep the controller's own security group`);
      shared[alb('security-groups')] = props.securityGroupIds.join(',');
      // With the frontend group given, the controller attaches its shared backend group and opens the
      // pods to it only when told to (aws-load-balancer-controller v3.4.0
      // pkg/ingress/model_build_load_balancer.go:306-331; the flag defaults to false in
      // pkg/config/controller_config.go:49): without it no target would ever become healthy. Every
      // Ingress of the group carries the same values, or the controller refuses the group (:348-352).
      shared[alb('manage-backend-security-group-rules')] = 'true';
    }

    if (props.allowedPaths.length === 0) throw new Error(`ingress for ${props.regionalHostname}: allowedPaths is empty: the ALB would serve nothing`);
    // A positive list: each allowed path forwards to the backend, and a catch-all answers 404. The load
    // balancer controller orders a rule's paths Exact first, then Prefix longest first
    // (aws-load-balancer-controller v3.4.0 pkg/ingress/model_build_listener_rules.go sortIngressPaths),
    // so the catch-all "/" (ALB pattern /*) is always evaluated last.
    const rules = (host: string): kplus.k8s.IngressRule => ({
      host,
      http: {
        paths: [
          ...props.allowedPaths.map((p) => ({
            path: p.path,
            pathType: p.match === 'exact' ? 'Exact' : 'Prefix',
            backend: { service: { name: props.backend.service, port: { number: props.backend.port } } },
          })),
          { path: '/', pathType: 'Prefix', backend: { service: { name: BLOCK_ACTION, port: { name: 'use-annotation' } } } },
        ],
      },
    });

    // Health is judged by the region's Route 53 health check on the ui path: with alias target health,
    // one target group of a shared ALB without healthy targets would mark the whole region down.
    const record = props.sharedRecord;
    const published: Record<string, string> = record
      ? {
          [dns('set-identifier')]: props.region,
          ...(record.routing.policy === 'failover' ? { [dns('aws-failover')]: record.routing.role } : { [dns('aws-region')]: props.region }),
          [dns('aws-health-check-id')]: record.healthCheckId,
          [dns('aws-evaluate-target-health')]: 'false',
        }
      : // The rule's host stays (the ALB must route the name), but external-dns takes hostnames from
        // annotations only, and there are none (external-dns v0.21.0 source/ingress.go:288-308).
        { [dns('ingress-hostname-source')]: 'annotation-only' };

    this.regional = new kplus.k8s.KubeIngress(this, 'Regional', {
      metadata: { name: 'shop-regional', annotations: { ...shared, [alb('group.order')]: '10' } },
      spec: { ingressClassName: 'alb', rules: [rules(props.regionalHostname)] },
    });
    this.public = new kplus.k8s.KubeIngress(this, 'Public', {
      metadata: {
        name: 'shop-public',
        annotations: {
          ...shared,
          [alb('group.order')]: '20',
          ...published,
        },
      },
      spec: { ingressClassName: 'alb', rules: [rules(props.sharedHostname)] },
    });

    applyLabels(this, { [LABELS.name]: 'shop-ingress', [LABELS.component]: 'edge' });
  }
}
