/**
 * The front-door failover model (resilience/front-door.ts) by hand-computed cases: each expected
 * figure is worked out here from the settings and published figures, not read back from the model.
 */
import { ORIGIN_CONNECTION } from '../config/front-door';
import { parseConfig } from '../config/load';
import { PlatformConfig } from '../config/schema';
import { FIGURES } from '../resilience/figures';
import { frontDoorFailover, frontDoorViolations, FrontDoorRow } from '../resilience/front-door';
import { defaultConfigData } from './helpers';

function variant(change: (data: Record<string, any>) => void): PlatformConfig {
  const data = defaultConfigData();
  change(data);
  return parseConfig(data, 'variant');
}
const find = (rows: readonly FrontDoorRow[], frontDoor: string, request: RegExp, failure: string) => {
  const r = rows.filter((x) => x.frontDoor === frontDoor && request.test(x.request) && x.failure === failure);
  expect(r).toHaveLength(1);
  return r[0];
};

describe('front door failover, default settings (checks every 10 s, 3 failures; shopper 2 failed runs)', () => {
  const config = variant(() => {});
  const model = frontDoorFailover(config);

  test('route53: detection 10 × 3 = 30 s plus the 60 s alias TTL = 90 s; cannot sell: 60 + 60 + 60 + 60 = 240 s', () => {
    expect(find(model.rows, 'route53', /every request/, 'unreachable').worstCaseSeconds).toBe(90);
    expect(find(model.rows, 'route53', /every request/, 'cannotSell').worstCaseSeconds).toBe(240);
  });

  test('cloudfront: a read waits one 4 s connection attempt, never fails; a write follows the origin name: 30 s + 60 s', () => {
    expect(ORIGIN_CONNECTION).toMatchObject({ attempts: 1, timeoutSeconds: 4 });
    expect(find(model.rows, 'cloudfront', /page reads/, 'unreachable').worstCaseSeconds).toBe(4);
    expect(find(model.rows, 'cloudfront', /cached assets/, 'unreachable').worstCaseSeconds).toBe(4);
    expect(FIGURES.cloudFrontOriginDns.seconds).toBe(60);
    expect(find(model.rows, 'cloudfront', /writes/, 'unreachable').worstCaseSeconds).toBe(30 + 60);
    // Reads do not need checkout; writes wait for the shopper (3 × 60 s) and CloudFront's cached answer.
    expect(find(model.rows, 'cloudfront', /page reads/, 'cannotSell').worstCaseSeconds).toBe(0);
    expect(find(model.rows, 'cloudfront', /writes/, 'cannotSell').worstCaseSeconds).toBe(60 + 60 + 60 + 60);
  });

  test('globalAccelerator: 30 s, no DNS; a region that cannot sell is never moved without a person', () => {
    expect(find(model.rows, 'globalAccelerator', /new connection/, 'unreachable').worstCaseSeconds).toBe(30);
    expect(find(model.rows, 'globalAccelerator', /new connection/, 'cannotSell').worstCaseSeconds).toBeNull();
  });

  test('the budgets apply to the chosen front door’s slowest request type: CloudFront’s writes', () => {
    expect(config.edge.frontDoor).toBe('cloudfront');
    expect(model.regionFailover.request).toMatch(/writes/);
    expect(model.regionFailover.worstCaseSeconds).toBe(90);
    expect(model.cannotSell.worstCaseSeconds).toBe(240);
    expect(frontDoorViolations(config, model)).toEqual([]);
  });

  test('each step names where its figure comes from, and the steps add up to the row', () => {
    for (const r of model.rows) {
      for (const s of r.steps) expect(s.from.length).toBeGreaterThan(10);
      if (r.worstCaseSeconds !== null) expect(r.steps.reduce((t, s) => t + s.seconds, 0)).toBe(r.worstCaseSeconds);
    }
  });
});

describe('front door failover, other settings', () => {
  test('30 s checks with threshold 2 under CloudFront: writes 30 × 2 + 60 = 120 s, over a 90 s budget by 30 s, with the fix', () => {
    const config = variant((d) => (d.dns.healthCheck = { ...d.dns.healthCheck, intervalSeconds: 30, failureThreshold: 2 }));
    const model = frontDoorFailover(config);
    expect(model.regionFailover.worstCaseSeconds).toBe(120);
    expect(frontDoorViolations(config, model)).toEqual([
      'cloudfront front door: writes and / (POST /cart, /checkout*, GET /) reach the secondary after 120 s, over the budget of 90 s (budgets.regionFailoverSeconds) by 30 s: lower dns.healthCheck.intervalSeconds or failureThreshold, choose another edge.frontDoor, or raise the budget',
    ]);
  });

  test('the shopper’s failed runs move the cannot-sell path by a minute each: 4 runs under route53 = 60 + 180 + 60 + 60 = 360 s', () => {
    const config = variant((d) => {
      d.edge = { ...d.edge, frontDoor: 'route53' };
      d.dns.syntheticShopper = { failedRuns: 4 };
    });
    const model = frontDoorFailover(config);
    expect(model.cannotSell.worstCaseSeconds).toBe(360);
    expect(frontDoorViolations(config, model)).toEqual([
      'route53 front door: every request reach the secondary after 360 s, over the budget of 300 s (budgets.cannotSellFailoverSeconds) by 60 s: lower dns.syntheticShopper.failedRuns, or raise the budget',
    ]);
  });

  test('globalAccelerator meets a 60 s region budget DNS could not, and says plainly it never moves a region that cannot sell', () => {
    const config = variant((d) => {
      d.edge = { ...d.edge, frontDoor: 'globalAccelerator' };
      d.budgets.regionFailoverSeconds = 60;
    });
    const model = frontDoorFailover(config);
    expect(model.regionFailover.worstCaseSeconds).toBe(30);
    expect(frontDoorViolations(config, model)).toEqual([
      'globalAccelerator front door: when the primary cannot sell, every new connection never fail over by themselves (budget 300 s, budgets.cannotSellFailoverSeconds): choose edge.frontDoor cloudfront or route53, whose DNS follows the synthetic shopper',
    ]);
  });
});
