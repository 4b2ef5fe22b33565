/**
 * The edge of every region: the ALB Ingresses, the Route 53 records external-dns derives from them
 * under each front door (edge.frontDoor), the outputs the front door needs, and the modeled time for
 * customers to reach the secondary region.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, parseConfig } from '../config/load';
import { albRecordHostname, originHostname, publicHostname, regionalHostname } from '../config/hostnames';
import { defaultOutputsFile, FRONT_DOOR_OUTPUT_KEYS, loadOutputs, regionalStackName } from '../config/outputs';
import { FRONT_DOORS, FrontDoor, PlatformConfig } from '../config/schema';
import { SHOP_PATHS } from '../config/shop-paths';
import { ALB_PREFIX, EXTERNAL_DNS_PREFIX, SHUTDOWN } from '../charts/constants';
import { RenderInput } from '../charts/render';
import { failoverModel } from '../resilience/failover';
import { VERSIONS } from '../cluster/regional-stack';
import { frontDoorViolations } from '../resilience/front-door';
import { buildReport } from '../resilience/report';
import { defaultConfigData, defaultInput, K8sObject, renderRegion, tmpDir } from './helpers';

const input = defaultInput();
const { config } = input;
const publicHost = publicHostname(config);
const ingresses = (inp = input) => Object.fromEntries(inp.config.regions.map((r) => [r.name, renderRegion(inp, r.name).edge.filter((o) => o.kind === 'Ingress')]));
const dns = (o: K8sObject, key: string) => o.metadata.annotations?.[`${EXTERNAL_DNS_PREFIX}${key}`];
const alb = (o: K8sObject, key: string) => o.metadata.annotations?.[`${ALB_PREFIX}${key}`];
const byHost = (objects: K8sObject[], host: string) => objects.filter((o) => o.spec.rules.some((r: any) => r.host === host));
const named = (objects: K8sObject[], name: 'shop-regional' | 'shop-public') => {
  const found = objects.filter((o) => o.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};
const hostsOf = (o: K8sObject): string[] => o.spec.rules.map((r: any) => r.host);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The host of the shared Ingress (shop-public): the name external-dns publishes for the ALB or, with none, the public name. */
const sharedHost = (c: PlatformConfig) => albRecordHostname(c) ?? publicHostname(c);

/** Input with the config changed by `mutate` (outputs as for the default environment). */
function variant(mutate: (c: any) => void): RenderInput {
  const data = defaultConfigData();
  mutate(data);
  return { ...input, config: parseConfig(data) };
}

/**
 * Input with another front door. The outputs stay the default environment's, AlbSecurityGroupIds
 * included: the charts must choose by the front door, not by which outputs happen to be present.
 */
const withFrontDoor = (frontDoor: FrontDoor, mutate: (c: any) => void = () => undefined) =>
  variant((c) => {
    c.edge = { ...c.edge, frontDoor };
    mutate(c);
  });

/**
 * The names external-dns v0.21.0 publishes for an Ingress (source/ingress.go:262-308): the rules' hosts
 * (:262-272) and its TLS hosts (:274-284) plus the hostname annotation (:286-292, split on commas,
 * spaces removed: source/annotations/processors.go:132-143); with ingress-hostname-source set, only the
 * rules' and TLS hosts (defined-hosts-only) or only the annotation's (annotation-only), and nothing for
 * any other value (:294-308).
 */
function publishedNames(o: K8sObject): string[] {
  const defined = [...hostsOf(o), ...((o.spec.tls ?? []) as any[]).flatMap((t) => t.hosts ?? [])].filter((h) => h);
  const raw = dns(o, 'hostname');
  const annotated = raw === undefined ? [] : raw.replace(/ /g, '').trim().split(',');
  const source = dns(o, 'ingress-hostname-source');
  if (source === undefined) return [...defined, ...annotated];
  if (source.toLowerCase() === 'defined-hosts-only') return defined;
  if (source.toLowerCase() === 'annotation-only') return annotated;
  return [];
}

/** external-dns annotations that make a record a member of a Route 53 failover or latency set. */
const ROUTING_ANNOTATIONS = ['set-identifier', 'aws-failover', 'aws-region', 'aws-health-check-id', 'aws-evaluate-target-health'];
/** The load balancer controller's annotations for a frontend security group of one's own. */
const SECURITY_GROUP_ANNOTATIONS = ['security-groups', 'manage-backend-security-group-rules'];

/** Front doors whose ALBs external-dns publishes a Route 53 record set for (albRecordHostname). */
const RECORD_FRONT_DOORS = ['route53', 'cloudfront'] as const;

test('cloudfront is the front door when the config names none, and the default environment renders it', () => {
  const data = defaultConfigData();
  if (data.edge) delete data.edge.frontDoor;
  expect(parseConfig(data).edge.frontDoor).toBe('cloudfront');
  expect(config.edge.frontDoor).toBe('cloudfront');
});

test('the ALB record is the public name (route53), CloudFront’s origin name (cloudfront) or none (globalAccelerator)', () => {
  const records = Object.fromEntries(FRONT_DOORS.map((fd) => [fd, albRecordHostname(withFrontDoor(fd).config)]));
  expect(records).toEqual({ route53: publicHost, cloudfront: originHostname(config), globalAccelerator: undefined });
  expect(originHostname(config)).toBe(`origin.${publicHost}`);
});

describe.each(RECORD_FRONT_DOORS)('Route 53 records (active-passive, front door %s)', (frontDoor) => {
  const inp = withFrontDoor(frontDoor);
  const recordHost = albRecordHostname(inp.config)!;
  const all = ingresses(inp);
  const records = Object.entries(all).flatMap(([region, objects]) => byHost(objects, recordHost).map((o) => ({ region, o })));

  test('the record set is the shared Ingress’s host, and each region has exactly one member', () => {
    expect(recordHost).toBe(frontDoor === 'route53' ? publicHost : originHostname(config));
    expect(records.map(({ region, o }) => [region, o.metadata.name]).sort()).toEqual(config.regions.map((r) => [r.name, 'shop-public']).sort());
    for (const { o } of records) expect(hostsOf(o)).toEqual([recordHost]);
  });

  test('exactly one PRIMARY, in the primary region, and SECONDARY for the others', () => {
    expect(records.map(({ region, o }) => [region, dns(o, 'aws-failover')]).sort()).toEqual(
      config.regions.map((r) => [r.name, r.name === config.primaryRegion ? 'PRIMARY' : 'SECONDARY']).sort(),
    );
    expect(records.filter(({ o }) => dns(o, 'aws-failover') === 'PRIMARY')).toHaveLength(1);
  });

  test('each member has its own region’s health check and set identifier, and ignores alias target health', () => {
    const ids = records.map(({ o }) => dns(o, 'set-identifier'));
    expect(new Set(ids).size).toBe(ids.length);
    for (const { region, o } of records) {
      expect(dns(o, 'set-identifier')).toBe(region);
      expect(dns(o, 'aws-health-check-id')).toBe(inp.outputs.regions[region].healthCheckId);
      expect(dns(o, 'aws-evaluate-target-health')).toBe('false');
      expect(dns(o, 'aws-region')).toBeUndefined();
      // Exactly the failover member's annotations: nothing narrows which names external-dns publishes.
      expect(Object.keys(o.metadata.annotations!).filter((k) => k.startsWith(EXTERNAL_DNS_PREFIX)).sort()).toEqual(
        ['aws-evaluate-target-health', 'aws-failover', 'aws-health-check-id', 'set-identifier'].map((k) => `${EXTERNAL_DNS_PREFIX}${k}`),
      );
      // external-dns v0.21.0 source/ingress.go:294-298: no hostname source annotation, so the rule's host is published.
      expect(publishedNames(o)).toEqual([recordHost]);
    }
  });

  test('each region publishes its own regional hostname as a simple record; no two regions share one', () => {
    const regionalHosts = Object.entries(all).map(([region, objects]) => {
      const regional = objects.filter((o) => !byHost([o], recordHost).length);
      expect(regional).toHaveLength(1);
      expect(regional[0].metadata.name).toBe('shop-regional');
      for (const key of ROUTING_ANNOTATIONS) expect(dns(regional[0], key)).toBeUndefined();
      expect(dns(regional[0], 'ingress-hostname-source')).toBeUndefined();
      const hosts = hostsOf(regional[0]);
      expect(hosts).toEqual([regionalHostname(config, region)]);
      expect(hosts).toEqual([`${region}.${publicHost}`]);
      expect(publishedNames(regional[0])).toEqual(hosts);
      return hosts[0];
    });
    expect(new Set(regionalHosts).size).toBe(config.regions.length);
  });

  test('promoting a region moves PRIMARY with it', () => {
    const promoted = ingresses(withFrontDoor(frontDoor, (c) => (c.primaryRegion = 'us-west-2')));
    expect(dns(byHost(promoted['us-west-2'], recordHost)[0], 'aws-failover')).toBe('PRIMARY');
    expect(dns(byHost(promoted['us-east-1'], recordHost)[0], 'aws-failover')).toBe('SECONDARY');
  });
});

test('the annotation prefix is the one the installed external-dns reads (alpha up to v0.21)', () => {
  const [major, minor] = VERSIONS.externalDns.split('.').map(Number);
  // Chart 1.x.y ships external-dns v0.x.
  expect(major).toBe(1);
  expect(EXTERNAL_DNS_PREFIX).toBe(minor <= 21 ? 'external-dns.alpha.kubernetes.io/' : 'external-dns.kubernetes.io/');
});

describe.each(RECORD_FRONT_DOORS)('Route 53 records (active-active, front door %s)', (frontDoor) => {
  const inp = withFrontDoor(frontDoor, (c) => (c.failoverMode = 'active-active'));
  const recordHost = albRecordHostname(inp.config)!;
  const all = ingresses(inp);

  test('latency records per region, each with its health check, and no failover role', () => {
    for (const [region, objects] of Object.entries(all)) {
      const matching = byHost(objects, recordHost);
      expect(matching).toHaveLength(1);
      const [record] = matching;
      expect(dns(record, 'aws-region')).toBe(region);
      expect(dns(record, 'set-identifier')).toBe(region);
      expect(dns(record, 'aws-health-check-id')).toBe(inp.outputs.regions[region].healthCheckId);
      expect(dns(record, 'aws-evaluate-target-health')).toBe('false');
      expect(dns(record, 'aws-failover')).toBeUndefined();
    }
  });
});

describe('front door route53', () => {
  const inp = withFrontDoor('route53');
  const all = ingresses(inp);
  const cloudFront = ingresses(withFrontDoor('cloudfront'));

  test('the public name is the shared Ingress’s host and its failover pair, as before CloudFront existed', () => {
    for (const [region, objects] of Object.entries(all)) {
      const shared = named(objects, 'shop-public');
      expect(hostsOf(shared)).toEqual([publicHost]);
      expect(publishedNames(shared)).toEqual([publicHost]);
      expect(dns(shared, 'set-identifier')).toBe(region);
      expect(dns(shared, 'aws-failover')).toBe(region === config.primaryRegion ? 'PRIMARY' : 'SECONDARY');
      expect(dns(shared, 'aws-health-check-id')).toBe(inp.outputs.regions[region].healthCheckId);
      expect(dns(shared, 'aws-evaluate-target-health')).toBe('false');
      expect(dns(shared, 'ingress-hostname-source')).toBeUndefined();
    }
  });

  test('no frontend security group: the controller keeps its own, even when the outputs hold CloudFront’s', () => {
    for (const [region, objects] of Object.entries(all)) {
      expect(inp.outputs.regions[region].albSecurityGroupIds).toBeDefined();
      for (const o of objects) for (const key of SECURITY_GROUP_ANNOTATIONS) expect(alb(o, key)).toBeUndefined();
    }
  });

  test('the front door changes only the shared host and the security group annotations', () => {
    const withoutSecurityGroups = (o: K8sObject) => Object.fromEntries(Object.entries(o.metadata.annotations!).filter(([k]) => !SECURITY_GROUP_ANNOTATIONS.some((s) => k === `${ALB_PREFIX}${s}`)));
    for (const [region, objects] of Object.entries(all)) {
      for (const name of ['shop-regional', 'shop-public'] as const) {
        const mine = named(objects, name);
        const theirs = named(cloudFront[region], name);
        expect(mine.metadata.annotations).toEqual(withoutSecurityGroups(theirs));
        expect(mine.spec.rules.map((r: any) => r.http)).toEqual(theirs.spec.rules.map((r: any) => r.http));
      }
      expect(hostsOf(named(objects, 'shop-regional'))).toEqual(hostsOf(named(cloudFront[region], 'shop-regional')));
    }
  });
});

describe('front door cloudfront (the default)', () => {
  const inp = withFrontDoor('cloudfront');
  const all = ingresses(inp);
  const outputsFile = JSON.parse(fs.readFileSync(defaultOutputsFile(config.name), 'utf8'));

  test('the shared Ingress answers the origin name CloudFront uses and carries its failover pair', () => {
    for (const [region, objects] of Object.entries(all)) {
      const shared = named(objects, 'shop-public');
      expect(hostsOf(shared)).toEqual([`origin.${publicHostname(inp.config)}`]);
      expect(hostsOf(shared)).toEqual([sharedHost(inp.config)]);
      expect(publishedNames(shared)).toEqual([originHostname(inp.config)]);
      expect(dns(shared, 'set-identifier')).toBe(region);
      expect(dns(shared, 'aws-failover')).toBe(region === config.primaryRegion ? 'PRIMARY' : 'SECONDARY');
      expect(dns(shared, 'aws-health-check-id')).toBe(inp.outputs.regions[region].healthCheckId);
      expect(dns(shared, 'aws-evaluate-target-health')).toBe('false');
      expect(dns(shared, 'ingress-hostname-source')).toBeUndefined();
    }
  });

  test('both Ingresses of the group carry the region’s AlbSecurityGroupIds, in order, and let the controller open the pods to the ALB', () => {
    for (const [region, objects] of Object.entries(all)) {
      const raw: string = outputsFile[regionalStackName(config.name, region)][FRONT_DOOR_OUTPUT_KEYS.albSecurityGroupIds];
      const ids = raw.split(',');
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect(id).toMatch(/^sg-[0-9a-f]+$/);
      expect(objects.map((o) => o.metadata.name).sort()).toEqual(['shop-public', 'shop-regional']);
      for (const o of objects) {
        // One list for the group, compared in order (aws-load-balancer-controller v3.4.0
        // pkg/ingress/model_build_load_balancer.go:348-352, cmp.Equal on the parsed slices).
        expect(alb(o, 'security-groups')!.split(',')).toEqual(ids);
        // Without it the controller neither attaches its backend group nor opens the pods to the ALB
        // (pkg/ingress/model_build_load_balancer.go:306-331); the flag defaults to false
        // (pkg/config/controller_config.go:49).
        expect(alb(o, 'manage-backend-security-group-rules')).toBe('true');
      }
    }
    // Each region its own groups (VPC-scoped).
    const perRegion = Object.values(all).map((objects) => alb(objects[0], 'security-groups'));
    expect(new Set(perRegion).size).toBe(config.regions.length);
  });

  test('no rendered Ingress has the public hostname as a host, and none publishes it (the distribution owns it)', () => {
    for (const objects of Object.values(all)) {
      for (const o of objects) {
        expect(hostsOf(o)).not.toContain(publicHost);
        expect(publishedNames(o)).not.toContain(publicHost);
      }
    }
  });

  test('the default environment renders exactly this front door', () => {
    const byDefault = ingresses();
    for (const [region, objects] of Object.entries(all)) expect(byDefault[region]).toEqual(objects);
  });
});

describe.each(['active-passive', 'active-active'])('front door globalAccelerator (%s)', (failoverMode) => {
  const inp = withFrontDoor('globalAccelerator', (c) => (c.failoverMode = failoverMode));
  const all = ingresses(inp);

  test('the shared Ingress keeps the public name as its host: the accelerator passes the customer’s Host through', () => {
    for (const objects of Object.values(all)) {
      expect(hostsOf(named(objects, 'shop-public'))).toEqual([publicHostname(inp.config)]);
      expect(hostsOf(named(objects, 'shop-public'))).toEqual([sharedHost(inp.config)]);
    }
  });

  test('external-dns publishes nothing for the shared Ingress: annotation-only, no hostname annotation, no routing', () => {
    for (const objects of Object.values(all)) {
      const shared = named(objects, 'shop-public');
      // external-dns v0.21.0 source/ingress.go:288-308: with annotation-only only the hostname
      // annotation's names count, and there is none.
      expect(dns(shared, 'ingress-hostname-source')).toBe('annotation-only');
      expect(dns(shared, 'hostname')).toBeUndefined();
      for (const key of ROUTING_ANNOTATIONS) expect(dns(shared, key)).toBeUndefined();
      expect(publishedNames(shared)).toEqual([]);
    }
  });

  test('the regional Ingress still publishes its regional hostname', () => {
    for (const [region, objects] of Object.entries(all)) {
      const regional = named(objects, 'shop-regional');
      expect(hostsOf(regional)).toEqual([regionalHostname(inp.config, region)]);
      expect(dns(regional, 'ingress-hostname-source')).toBeUndefined();
      expect(dns(regional, 'hostname')).toBeUndefined();
      for (const key of ROUTING_ANNOTATIONS) expect(dns(regional, key)).toBeUndefined();
      // external-dns v0.21.0 source/ingress.go:262-272, 294-298: no hostname source, so the rule's host.
      expect(publishedNames(regional)).toEqual([regionalHostname(inp.config, region)]);
    }
  });

  test('no frontend security group of CloudFront’s, though the outputs hold one', () => {
    for (const [region, objects] of Object.entries(all)) {
      expect(inp.outputs.regions[region].albSecurityGroupIds).toBeDefined();
      for (const o of objects) for (const key of SECURITY_GROUP_ANNOTATIONS) expect(alb(o, key)).toBeUndefined();
    }
  });
});

/**
 * ALB settings the load balancer controller takes once for the whole IngressGroup; it refuses the
 * group (or a listener) when its Ingresses disagree. aws-load-balancer-controller v3.4.0:
 */
const GROUP_WIDE: Record<string, { readonly upstream: string; readonly cloudfrontOnly?: boolean }> = {
  'security-groups': { upstream: 'pkg/ingress/model_build_load_balancer.go:348-352', cloudfrontOnly: true },
  'manage-backend-security-group-rules': { upstream: 'pkg/ingress/model_builder.go:567-594', cloudfrontOnly: true },
  scheme: { upstream: 'pkg/ingress/model_build_load_balancer.go:138-157' },
  // Ports are merged across the group; a port's protocol and TLS policy must agree (:383-456).
  'listen-ports': { upstream: 'pkg/ingress/model_builder.go:415-422' },
  'ssl-policy': { upstream: 'pkg/ingress/model_builder.go:448-456' },
  'wafv2-acl-arn': { upstream: 'pkg/ingress/model_build_load_balancer_addons.go:55-73' },
  'load-balancer-attributes': { upstream: 'pkg/ingress/model_build_load_balancer_attributes.go:20-43' },
  tags: { upstream: 'pkg/ingress/model_build_tags.go:12-29' },
};

describe.each(FRONT_DOORS.flatMap((fd) => [[fd, 'without access logs'], [fd, 'with access logs']] as const))('IngressGroup settings (front door %s, %s)', (frontDoor, logs) => {
  const inp = withFrontDoor(frontDoor, (c) => {
    if (logs === 'with access logs') c.edge.accessLogsBucket = 'shop-alb-logs-{region}';
  });
  const all = ingresses(inp);

  test.each(Object.entries(GROUP_WIDE).map(([key, { upstream, cloudfrontOnly }]) => [key, upstream, cloudfrontOnly ?? false] as const))('%s is identical on both Ingresses of each region’s group (%s)', (key, _upstream, cloudfrontOnly) => {
    for (const objects of Object.values(all)) {
      const regional = named(objects, 'shop-regional');
      const shared = named(objects, 'shop-public');
      expect(alb(regional, 'group.name')).toBe(alb(shared, 'group.name'));
      const present = !cloudfrontOnly || frontDoor === 'cloudfront';
      if (present) expect(alb(regional, key)).toEqual(expect.any(String));
      else expect(alb(regional, key)).toBeUndefined();
      expect(alb(shared, key)).toBe(alb(regional, key));
    }
  });
});

describe.each(config.regions.map((r) => r.name))('ALB in %s', (region) => {
  const objects = ingresses()[region];
  const out = input.outputs.regions[region];

  test.each(['shop-regional', 'shop-public'])('%s: internet-facing, IP targets, one IngressGroup, HTTPS only with a modern policy', (name) => {
    const o = objects.find((i) => i.metadata.name === name)!;
    expect(o.spec.ingressClassName).toBe('alb');
    expect(alb(o, 'scheme')).toBe('internet-facing');
    expect(alb(o, 'target-type')).toBe('ip');
    expect(alb(o, 'group.name')).toBe(`securecart-${config.name}`);
    expect(JSON.parse(alb(o, 'listen-ports')!)).toEqual([{ HTTP: 80 }, { HTTPS: 443 }]);
    expect(alb(o, 'ssl-redirect')).toBe('443');
    expect(alb(o, 'ssl-policy')).toMatch(/^ELBSecurityPolicy-TLS13-/);
    expect(alb(o, 'certificate-arn')).toBe(out.certificateArn);
    expect(alb(o, 'wafv2-acl-arn')).toBe(out.webAclArn);
    expect(alb(o, 'load-balancer-attributes')).toContain('deletion_protection.enabled=true');
    // Lets `aws arc-zonal-shift start-zonal-shift` move the ALB off an impaired zone (docs/operations.md).
    // Key and value as the ELB API documents them (LoadBalancerAttribute: "zonal_shift.config.enabled ...
    // The default is false"); the controller passes keys through unchecked
    // (aws-load-balancer-controller v3.4.0 pkg/ingress/model_build_load_balancer.go buildLoadBalancerAttributes).
    const attributes = Object.fromEntries(alb(o, 'load-balancer-attributes')!.split(',').map((kv) => kv.split('=')));
    expect(attributes['zonal_shift.config.enabled']).toBe('true');
  });

  test('target groups: checked on each pod’s readiness (not the region’s), drained for less than the pods keep serving, slow start', () => {
    for (const o of objects) {
      expect(alb(o, 'healthcheck-path')).toBe('/actuator/health/readiness');
      const attributes = Object.fromEntries(alb(o, 'target-group-attributes')!.split(',').map((kv) => kv.split('=')));
      expect(Number(attributes['deregistration_delay.timeout_seconds'])).toBe(SHUTDOWN.albDeregistrationDelaySeconds);
      expect(Number(attributes['slow_start.duration_seconds'])).toBeGreaterThan(0);
    }
    const ui = renderRegion(input, region).apps.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ui')!;
    expect(ui.spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds).toBeGreaterThan(SHUTDOWN.albDeregistrationDelaySeconds);
  });

  test('the ALB forwards the shop’s paths only, and answers everything else with its own 404 (test/shop-paths.test.ts)', () => {
    for (const o of objects) {
      const paths = o.spec.rules[0].http.paths;
      expect(paths.slice(0, -1).map((p: any) => [p.path, p.pathType])).toEqual(SHOP_PATHS.map((p) => [p.path, p.match === 'exact' ? 'Exact' : 'Prefix']));
      for (const p of paths.slice(0, -1)) expect(p.backend).toEqual({ service: { name: 'ui', port: { number: 80 } } });
      expect(paths[paths.length - 1]).toEqual({ path: '/', pathType: 'Prefix', backend: { service: { name: 'block', port: { name: 'use-annotation' } } } });
      expect(JSON.parse(alb(o, 'actions.block')!)).toMatchObject({ type: 'fixed-response', fixedResponseConfig: { statusCode: '404' } });
    }
  });

  test('access logs only when configured, into the region’s bucket', () => {
    expect(objects.every((o) => !alb(o, 'load-balancer-attributes')!.includes('access_logs'))).toBe(true);
    const logged = ingresses(variant((c) => (c.edge = { accessLogsBucket: 'shop-alb-logs-{region}' })))[region];
    for (const o of logged) expect(alb(o, 'load-balancer-attributes')).toContain(`access_logs.s3.bucket=shop-alb-logs-${region}`);
  });
});

describe('failover time model', () => {
  test.each([
    [10, 3, undefined, 30, 60, 90],
    [10, 1, undefined, 10, 60, 70],
    [30, 3, undefined, 90, 60, 150],
    [30, 10, undefined, 300, 60, 360],
    [10, 2, 300, 20, 300, 320],
  ])('interval %i s, threshold %i, TTL %p: detection %i s + TTL %i s = %i s', (intervalSeconds, failureThreshold, ttlSeconds, detection, ttl, total) => {
    expect(failoverModel({ intervalSeconds, failureThreshold, ttlSeconds })).toEqual({ detectionSeconds: detection, ttlSeconds: ttl, worstCaseSeconds: total });
  });

  test.each([
    [1, 60, 0, 120, 180],
    [2, 60, 60, 180, 240],
    [5, 60, 240, 360, 420],
  ])('cannot sell, %i failed run(s): first run %i s + more runs %i s + 60 s alarm lag = %i s, + 60 s TTL = %i s', (failedRuns, first, more, detection, total) => {
    const model = failoverModel({ intervalSeconds: 10, failureThreshold: 3, shopper: { failedRuns } }).cannotSell!;
    expect(model).toEqual({ firstFailingRunSeconds: first, moreRunsSeconds: more, alarmLagSeconds: 60, detectionSeconds: detection, worstCaseSeconds: total });
  });

  test('without a shopper, a region that answers but cannot sell is never failed over (no model)', () => {
    expect(failoverModel({ intervalSeconds: 10, failureThreshold: 3 }).cannotSell).toBeUndefined();
  });

  test('the default environment models at most 90 s', () => {
    expect(failoverModel(config.dns.healthCheck).worstCaseSeconds).toBeLessThanOrEqual(90);
  });
});

describe.each(FRONT_DOORS)('resilience report (records and budgets, front door %s)', (frontDoor) => {
  // The front-door failover figures themselves are test/front-door-model.test.ts's; here, what the report
  // reads from the rendered Ingresses and that it holds the chosen front door to the budgets.
  const inp = withFrontDoor(frontDoor);
  const recordHost = albRecordHostname(inp.config);
  const configWith = (mutate: (c: any) => void) => withFrontDoor(frontDoor, mutate).config;
  const rendered = Object.fromEntries(inp.config.regions.map((r) => [r.name, Object.values(renderRegion(inp, r.name)).flat()])) as any;

  test('the default settings hold every budget and the records are well formed', () => {
    const report = buildReport(inp.config, rendered);
    expect(report.violations).toEqual(frontDoorViolations(inp.config));
    expect(report.violations.filter((v) => v.startsWith('DNS failover'))).toEqual([]);
    if (frontDoor !== 'globalAccelerator') expect(report.violations).toEqual([]);
  });

  test('the report reads each region’s member of the ALB record set (none under globalAccelerator)', () => {
    const { records, markdown } = buildReport(inp.config, rendered);
    if (!recordHost) {
      expect(records).toEqual([]);
      return;
    }
    expect([...records].sort((a, b) => a.region.localeCompare(b.region))).toEqual(
      [...inp.config.regions]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((r) => ({
          region: r.name,
          setIdentifier: r.name,
          failover: r.name === inp.config.primaryRegion ? 'PRIMARY' : 'SECONDARY',
          latencyRegion: undefined,
          healthCheckId: inp.outputs.regions[r.name].healthCheckId,
          evaluateTargetHealth: 'false',
        })),
    );
    expect(markdown).toContain(`\`${recordHost}\``);
    for (const r of records) expect(markdown).toContain(`| ${r.region} | ${r.failover} | \`${r.region}\` | \`${r.healthCheckId}\` | off |`);
  });

  test('slower health checks break the region budget by the shortfall, with the fix', () => {
    // 30 s × 3 = 90 s detection: route53 and CloudFront's writes add 60 s of cached answers, 150 s; the
    // accelerator does not depend on DNS (its figure is test/front-door-model.test.ts's).
    const slow = configWith((c) => (c.dns = { ...c.dns, healthCheck: { intervalSeconds: 30, failureThreshold: 3 } }));
    const { violations } = buildReport(slow, rendered);
    expect(violations).toEqual(frontDoorViolations(slow));
    const region = violations.filter((v) => v.includes('budgets.regionFailoverSeconds'));
    if (frontDoor === 'globalAccelerator') expect(region).toEqual([]);
    else expect(region).toEqual([expect.stringMatching(new RegExp(`^${frontDoor} front door: .* after 150 s, over the budget of 90 s \\(budgets\\.regionFailoverSeconds\\) by 60 s: lower dns\\.healthCheck\\.intervalSeconds`))]);
  });

  test('the cannot-sell path is budgeted', () => {
    const slow = configWith((c) => (c.dns = { ...c.dns, syntheticShopper: { failedRuns: 5 } }));
    const { violations } = buildReport(slow, rendered);
    expect(violations).toEqual(frontDoorViolations(slow));
    // 5 failed runs: 60 + 4 × 60 + 60 s alarm lag + 60 s of cached answers = 420 s, over 300 s by 120 s.
    if (frontDoor !== 'globalAccelerator') {
      expect(violations).toEqual([expect.stringMatching(new RegExp(`^${frontDoor} front door: .* after 420 s, over the budget of 300 s \\(budgets\\.cannotSellFailoverSeconds\\) by 120 s: lower dns\\.syntheticShopper\\.failedRuns`))]);
    }
  });

  // Only where the ALBs publish a record set (route53, cloudfront).
  if (recordHost) test('rendered records without a PRIMARY, without a health check, or missing in a region are violations', () => {
    const broken = JSON.parse(JSON.stringify(rendered));
    for (const o of broken[inp.config.primaryRegion]) {
      if (o.metadata.name === 'shop-public') {
        o.metadata.annotations[`${EXTERNAL_DNS_PREFIX}aws-failover`] = 'SECONDARY';
        delete o.metadata.annotations[`${EXTERNAL_DNS_PREFIX}aws-health-check-id`];
      }
    }
    expect(buildReport(inp.config, broken).violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`${escape(recordHost!)} needs exactly one PRIMARY record .* rendered 0 PRIMARY and ${inp.config.regions.length} SECONDARY`)),
        expect.stringMatching(new RegExp(`the ${escape(inp.config.primaryRegion)} record of ${escape(recordHost!)} has no health check id`)),
      ]),
    );
    const missing = JSON.parse(JSON.stringify(rendered));
    const standby = inp.config.regions.find((r) => r.name !== inp.config.primaryRegion)!.name;
    missing[standby] = missing[standby].filter((o: K8sObject) => o.metadata.name !== 'shop-public');
    expect(buildReport(inp.config, missing).violations).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`${escape(recordHost!)} is published by ${inp.config.regions.length - 1} of the ${inp.config.regions.length} regions`))]),
    );
  });
});

describe('outputs of the front door (AlbSecurityGroupIds)', () => {
  const dir = tmpDir('edge-outputs-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const key = FRONT_DOOR_OUTPUT_KEYS.albSecurityGroupIds;
  const original = JSON.parse(fs.readFileSync(defaultOutputsFile(config.name), 'utf8'));
  const stack = (region: string) => regionalStackName(config.name, region);
  /** The default outputs file with `edit` applied, written to a temp file. */
  const outputsFile = (name: string, edit: (data: any) => void) => {
    const data = JSON.parse(JSON.stringify(original));
    edit(data);
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify(data, null, 2));
    return file;
  };
  const problemsOf = (f: () => unknown): string[] => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
  };
  const [first, second] = config.regions.map((r) => r.name);
  const withoutSecond = outputsFile('without-second', (d) => delete d[stack(second)][key]);
  const withoutAny = outputsFile('without-any', (d) => config.regions.forEach((r) => delete d[stack(r.name)][key]));

  test('the default file has it for every region, and cloudfront passes it to the charts', () => {
    const loaded = loadOutputs(withFrontDoor('cloudfront').config);
    for (const r of config.regions) expect(loaded.regions[r.name].albSecurityGroupIds).toBe(original[stack(r.name)][key]);
  });

  test('cloudfront: a region whose stack lacks it fails, naming that stack and the key only', () => {
    const cf = withFrontDoor('cloudfront').config;
    const problems = problemsOf(() => loadOutputs(cf, withoutSecond));
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${escape(stack(second))}\\.${key}: `))]);
    expect(problems.join('\n')).not.toContain(stack(first));
    expect(() => loadOutputs(cf, withoutSecond)).toThrow(new RegExp(`${escape(stack(second))}\\.${key}`));
    expect(problemsOf(() => loadOutputs(cf, withoutAny)).sort()).toEqual(config.regions.map((r) => expect.stringMatching(new RegExp(`^${escape(stack(r.name))}\\.${key}: `))));
  });

  test.each([
    ['a trailing comma', 'sg-00a1bcf0000000001,'],
    ['a space after the comma', 'sg-00a1bcf0000000001, sg-00a1bcf0000000002'],
    ['a name instead of an id', 'shop-alb'],
  ])('cloudfront: %s is refused', (_why, value) => {
    const file = outputsFile(`malformed-${value.length}`, (d) => (d[stack(second)][key] = value));
    expect(problemsOf(() => loadOutputs(withFrontDoor('cloudfront').config, file))).toEqual([expect.stringMatching(new RegExp(`^${escape(stack(second))}\\.${key}: `))]);
  });

  test.each(['route53', 'globalAccelerator'] as const)('%s accepts the same files and passes no security groups on', (frontDoor) => {
    const other = withFrontDoor(frontDoor).config;
    for (const file of [withoutSecond, withoutAny]) {
      const loaded = loadOutputs(other, file);
      expect(Object.keys(loaded.regions).sort()).toEqual(config.regions.map((r) => r.name).sort());
      for (const r of config.regions) expect(loaded.regions[r.name].albSecurityGroupIds).toBeUndefined();
      const rendered = ingresses({ ...input, config: other, outputs: loaded });
      for (const objects of Object.values(rendered)) for (const o of objects) for (const k of SECURITY_GROUP_ANNOTATIONS) expect(alb(o, k)).toBeUndefined();
    }
  });
});
