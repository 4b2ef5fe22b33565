/**
 * What of the ui the internet reaches: the rendered ALB rules (as the load balancer controller builds
 * them) and the WAF rules each refuse ui 1.6.2's debug handlers and let the shop's own pages through.
 * Paths and handlers: aws-containers/retail-store-sample-app v1.6.2 src/ui (config/shop-paths.ts).
 */
import { albRecordHostname, publicHostname, regionalHostname } from '../config/hostnames';
import { FRONT_DOORS, PlatformConfig } from '../config/schema';
import { SHOP_PATHS } from '../config/shop-paths';
import { shopPathRules } from '../cluster/waf-rules';
import { committedInput, renderRegion } from './helpers';
import { albRoute, albRules } from './support/alb';
import { wafBlockingRule } from './support/waf';

const input = committedInput();
const { config } = input;
const waf = shopPathRules(1);

/**
 * The name each ALB answers besides its regional one: the public name (route53, and globalAccelerator,
 * which passes the customer's Host through) or CloudFront's origin name (cloudfront).
 */
const sharedHost = (c: PlatformConfig) => albRecordHostname(c) ?? publicHostname(c);

/** Handlers ui 1.6.2 serves without authentication that must never be reachable (UtilityController, ProxyController, actuator, TopologyController, MetadataController, ChatController). */
const DEBUG_PATHS = [
  '/utility/panic', // SpringApplication.exit then System.exit(255)
  '/utility/store', // writes the request body to /tmp
  '/utility/store/123',
  '/utility/stress/100000000', // CPU on the request thread
  '/utility/health/down', // makes /actuator/health answer 503
  '/utility/headers',
  '/utility/echo',
  '/utility/status/500',
  '/proxy/orders', // every order: names, e-mails, addresses
  '/proxy/orders/orders',
  '/proxy/catalog/catalog/products',
  '/proxy/carts/carts/x',
  '/proxy/checkout/checkout/x',
  '/actuator/metrics',
  '/actuator/metrics/jvm.memory.used',
  '/actuator/prometheus',
  '/actuator/health',
  '/actuator/info',
  '/topology', // backend connection strings, checkout's Redis token included
  '/info', // pod and cloud metadata
  '/chat/submit',
];

/** The same handlers in the forms ui's server still routes to them, or that try to ride an allowed prefix. */
const EVASIONS = [
  '/utility;x=1/panic', // WebFlux ignores ;params
  '/ut%69lity/panic', // segments are decoded before matching
  '/Utility/panic',
  '//utility/panic',
  '/utility/panic/',
  '/catalog/../utility/panic',
  '/catalog/..;/utility/panic',
  '/catalog/%2e%2e/utility/panic',
  '/catalog/.%2E/proxy/orders',
  '/assets/../actuator/prometheus',
  '/assets/%2E%2E/%2E%2E/utility/panic',
  '/home/../proxy/orders',
];

/** What a shopper's browser requests (the templates' links and forms; static files under /assets). */
const SHOPPER_PATHS = [
  '/',
  '/home',
  '/catalog',
  '/catalog/d27cf49f-b689-4a75-a249-d373e0330bb5',
  '/catalog/search',
  '/cart',
  '/cart/remove',
  '/checkout',
  '/checkout/delivery',
  '/checkout/payment',
  '/assets/css/styles.css',
  '/assets/css/theme-default.css',
  '/assets/js/chat.js',
  '/assets/img/hero.jpg',
  '/assets/img/products/d27cf49f-b689-4a75-a249-d373e0330bb5.jpg',
];

describe.each(config.regions.map((r) => r.name))('%s', (region) => {
  const rules = albRules(renderRegion(input, region).edge.filter((o) => o.kind === 'Ingress'));
  const hosts = [regionalHostname(config, region), sharedHost(config)];

  test('the ALB has rules for its regional name and the front door’s shared name only', () => {
    expect([...new Set(rules.map((r) => r.host))].sort()).toEqual([...hosts].sort());
    // Behind CloudFront the public name is the distribution's: a request for it at the ALB reaches nothing.
    if (sharedHost(config) !== publicHostname(config)) {
      for (const path of SHOPPER_PATHS) expect(albRoute(rules, publicHostname(config), path)).toBe('default-404');
    }
  });

  test.each(hosts.flatMap((host) => DEBUG_PATHS.map((path) => [host, path] as const)))('%s%s is refused by the ALB and by the WAF', (host, path) => {
    expect(albRoute(rules, host, path)).not.toBe('ui');
    expect(wafBlockingRule(waf, path)).toBeDefined();
  });

  test.each(hosts.flatMap((host) => EVASIONS.map((path) => [host, path] as const)))('%s%s is refused by at least the WAF', (_host, path) => {
    expect(wafBlockingRule(waf, path)).toBeDefined();
  });

  test.each(hosts.flatMap((host) => SHOPPER_PATHS.map((path) => [host, path] as const)))('%s%s reaches ui through both', (host, path) => {
    expect(albRoute(rules, host, path)).toBe('ui');
    expect(wafBlockingRule(waf, path)).toBeUndefined();
  });

  test('the Route 53 health check path is a shop path both layers let through', () => {
    expect(albRoute(rules, regionalHostname(config, region), config.dns.healthCheck.path)).toBe('ui');
    expect(wafBlockingRule(waf, config.dns.healthCheck.path)).toBeUndefined();
  });

  test('anything else gets the ALB’s own 404 (the explicit catch-all, last for each host)', () => {
    for (const host of hosts) {
      const forHost = rules.filter((r) => r.host === host);
      expect(forHost[forHost.length - 1]).toEqual({ host, patterns: ['/*'], target: 'block' });
      expect(albRoute(rules, host, '/no/such/page')).toBe('block');
    }
  });
});

describe.each(FRONT_DOORS)('front door %s', (frontDoor) => {
  // The committed environment with another front door (its outputs: the charts choose by the front door).
  const variant = { ...input, config: { ...config, edge: { ...config.edge, frontDoor } } };
  const host = sharedHost(variant.config);

  test.each(config.regions.map((r) => r.name))('%s: the shared name serves the shop’s pages, refuses the debug handlers, and nothing else answers', (region) => {
    const rules = albRules(renderRegion(variant, region).edge.filter((o) => o.kind === 'Ingress'));
    expect([...new Set(rules.map((r) => r.host))].sort()).toEqual([regionalHostname(config, region), host].sort());
    for (const path of SHOPPER_PATHS) expect(albRoute(rules, host, path)).toBe('ui');
    for (const path of DEBUG_PATHS) expect(albRoute(rules, host, path)).not.toBe('ui');
    expect(albRoute(rules, host, '/no/such/page')).toBe('block');
  });
});

test('every allowed path serves something the ui source has (no stale entries)', () => {
  for (const p of SHOP_PATHS) expect(SHOPPER_PATHS.some((s) => s === p.path || s.startsWith(`${p.path}/`))).toBe(true);
});
