/**
 * The edge of every region: the ALB Ingresses, the Route 53 records external-dns derives from them,
 * and the modeled time for customers to reach the secondary region.
 */
import { parseConfig } from '../config/load';
import { SHOP_PATHS } from '../config/shop-paths';
import { ALB_PREFIX, EXTERNAL_DNS_PREFIX, SHUTDOWN } from '../charts/constants';
import { failoverModel } from '../resilience/failover';
import { VERSIONS } from '../cluster/regional-stack';
import { buildReport } from '../resilience/report';
import { defaultConfigData, defaultInput, K8sObject, renderRegion } from './helpers';

const input = defaultInput();
const { config } = input;
const publicHost = `${config.dns.publicHostname}.${config.dns.domain}`;
const ingresses = (inp = input) => Object.fromEntries(inp.config.regions.map((r) => [r.name, renderRegion(inp, r.name).edge.filter((o) => o.kind === 'Ingress')]));
const dns = (o: K8sObject, key: string) => o.metadata.annotations?.[`${EXTERNAL_DNS_PREFIX}${key}`];
const alb = (o: K8sObject, key: string) => o.metadata.annotations?.[`${ALB_PREFIX}${key}`];
const byHost = (objects: K8sObject[], host: string) => objects.filter((o) => o.spec.rules.some((r: any) => r.host === host));

/** Input with the config changed by `mutate` (outputs as for the default environment). */
function variant(mutate: (c: any) => void) {
  const data = defaultConfigData();
  mutate(data);
  return { ...input, config: parseConfig(data) };
}

describe('Route 53 records (active-passive)', () => {
  const all = ingresses();
  const publicRecords = Object.entries(all).flatMap(([region, objects]) => byHost(objects, publicHost).map((o) => ({ region, o })));

  test('exactly one PRIMARY, in the primary region, and one SECONDARY for the public name', () => {
    expect(publicRecords.map(({ region, o }) => [region, dns(o, 'aws-failover')]).sort()).toEqual([
      [config.primaryRegion, 'PRIMARY'],
      ['us-west-2', 'SECONDARY'],
    ]);
  });

  test('each member has its own region’s health check and set identifier, and ignores alias target health', () => {
    const ids = publicRecords.map(({ o }) => dns(o, 'set-identifier'));
    expect(new Set(ids).size).toBe(ids.length);
    for (const { region, o } of publicRecords) {
      expect(dns(o, 'set-identifier')).toBe(region);
      expect(dns(o, 'aws-health-check-id')).toBe(input.outputs.regions[region].healthCheckId);
      expect(dns(o, 'aws-evaluate-target-health')).toBe('false');
    }
  });

  test('each region publishes its own regional hostname as a simple record; no two regions share one', () => {
    const regionalHosts = Object.entries(all).map(([region, objects]) => {
      const regional = objects.filter((o) => !byHost([o], publicHost).length);
      expect(regional).toHaveLength(1);
      expect(dns(regional[0], 'aws-failover')).toBeUndefined();
      expect(dns(regional[0], 'set-identifier')).toBeUndefined();
      const hosts = regional[0].spec.rules.map((r: any) => r.host);
      expect(hosts).toEqual([`${region}.${publicHost}`]);
      return hosts[0];
    });
    expect(new Set(regionalHosts).size).toBe(config.regions.length);
  });

  test('the annotation prefix is the one the installed external-dns reads (alpha up to v0.21)', () => {
    const [major, minor] = VERSIONS.externalDns.split('.').map(Number);
    // Chart 1.x.y ships external-dns v0.x.
    expect(major).toBe(1);
    expect(EXTERNAL_DNS_PREFIX).toBe(minor <= 21 ? 'external-dns.alpha.kubernetes.io/' : 'external-dns.kubernetes.io/');
  });

  test('promoting a region moves PRIMARY with it', () => {
    const promoted = ingresses(variant((c) => (c.primaryRegion = 'us-west-2')));
    expect(dns(byHost(promoted['us-west-2'], publicHost)[0], 'aws-failover')).toBe('PRIMARY');
    expect(dns(byHost(promoted['us-east-1'], publicHost)[0], 'aws-failover')).toBe('SECONDARY');
  });
});

describe('Route 53 records (active-active)', () => {
  const all = ingresses(variant((c) => (c.failoverMode = 'active-active')));

  test('latency records per region, each with its health check, and no failover role', () => {
    for (const [region, objects] of Object.entries(all)) {
      const [record] = byHost(objects, publicHost);
      expect(dns(record, 'aws-region')).toBe(region);
      expect(dns(record, 'set-identifier')).toBe(region);
      expect(dns(record, 'aws-health-check-id')).toBe(input.outputs.regions[region].healthCheckId);
      expect(dns(record, 'aws-failover')).toBeUndefined();
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

describe('resilience report (DNS section)', () => {
  // The default environment's render: the DNS section must hold for it whatever the repository deploys.
  const rendered = Object.fromEntries(config.regions.map((r) => [r.name, Object.values(renderRegion(input, r.name)).flat()])) as any;

  test('the default is within budget and prints the modeled time', () => {
    const report = buildReport(config, rendered);
    expect(report.violations).toEqual([]);
    expect(report.markdown).toContain('| **customers reach the secondary** | **90 s** | budget 90 s: within |');
  });

  test('slower health checks break the budget with the shortfall and the fix', () => {
    const slow = parseConfig({ ...defaultConfigData(), dns: { ...defaultConfigData().dns, healthCheck: { intervalSeconds: 30, failureThreshold: 3 } } });
    expect(buildReport(slow, rendered).violations).toEqual([
      'DNS failover: modeled 150 s exceeds the budget of 90 s by 60 s: lower dns.healthCheck.intervalSeconds or failureThreshold, or raise budgets.dnsFailoverSeconds',
    ]);
  });

  test('the cannot-sell path is reported and budgeted', () => {
    const report = buildReport(config, rendered);
    expect(report.markdown).toContain('| **customers reach the secondary** | **240 s** | budget 300 s: within |');
    const slow = parseConfig({ ...defaultConfigData(), dns: { ...defaultConfigData().dns, syntheticShopper: { failedRuns: 5 } } });
    expect(buildReport(slow, rendered).violations).toEqual([
      'DNS failover when the primary cannot sell: modeled 420 s exceeds the budget of 300 s by 120 s: lower dns.syntheticShopper.failedRuns, or raise budgets.cannotSellFailoverSeconds',
    ]);
  });

  test('rendered records without a PRIMARY, or without a health check, are violations', () => {
    const broken = JSON.parse(JSON.stringify(rendered));
    for (const o of broken[config.primaryRegion]) {
      if (o.metadata.name === 'shop-public') {
        o.metadata.annotations[`${EXTERNAL_DNS_PREFIX}aws-failover`] = 'SECONDARY';
        delete o.metadata.annotations[`${EXTERNAL_DNS_PREFIX}aws-health-check-id`];
      }
    }
    const { violations } = buildReport(config, broken);
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/needs exactly one PRIMARY record .* rendered 0 PRIMARY and 2 SECONDARY/),
        expect.stringMatching(/the us-east-1 record of shop\.securecart\.example\.com has no health check id/),
      ]),
    );
  });
});
