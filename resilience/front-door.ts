/**
 * What customers see when the primary region fails, per front door and per request type: the time
 * until a request of that type succeeds again, worst case, from the figures and settings named in each
 * step. The budgets (budgets.regionFailoverSeconds, budgets.cannotSellFailoverSeconds) apply to the
 * chosen front door (edge.frontDoor).
 */
import { ORIGIN_CONNECTION } from '../config/front-door';
import { FrontDoor, PlatformConfig } from '../config/schema';
import { failoverModel } from './failover';
import { FIGURES } from './figures';

/** One step of a failover, with where its figure comes from. */
export interface FailoverStep {
  readonly label: string;
  readonly seconds: number;
  readonly from: string;
}

/** How the primary region fails. */
export type RegionFailure =
  /** It stops answering (network, ALB, ui, catalog or carts down): health checks see it. */
  | 'unreachable'
  /** It answers, but checkout cannot complete (checkout, Redis, orders or its database down). */
  | 'cannotSell';

export interface FrontDoorRow {
  readonly frontDoor: FrontDoor;
  readonly request: string;
  readonly failure: RegionFailure;
  readonly steps: readonly FailoverStep[];
  /** Worst case until such a request succeeds again; null: never without a person. */
  readonly worstCaseSeconds: number | null;
  /** What the customer sees meanwhile. */
  readonly customerSees: string;
}

export interface FrontDoorFailover {
  readonly rows: readonly FrontDoorRow[];
  /** The chosen front door's slowest request type when the primary is unreachable. */
  readonly regionFailover: FrontDoorRow;
  /** The chosen front door's slowest request type when the primary cannot sell. */
  readonly cannotSell: FrontDoorRow;
}

const sum = (steps: readonly FailoverStep[]) => steps.reduce((t, s) => t + s.seconds, 0);
const row = (frontDoor: FrontDoor, request: string, failure: RegionFailure, steps: FailoverStep[], customerSees: string, never = false): FrontDoorRow => ({
  frontDoor,
  request,
  failure,
  steps,
  worstCaseSeconds: never ? null : sum(steps),
  customerSees,
});

/** Every front door's rows, and the chosen one's slowest. */
export function frontDoorFailover(config: PlatformConfig): FrontDoorFailover {
  const hc = config.dns.healthCheck;
  const dns = failoverModel({ ...hc, shopper: { failedRuns: config.dns.syntheticShopper.failedRuns } });
  const shopper = dns.cannotSell!;
  const detection: FailoverStep = { label: 'Route 53 detection', seconds: dns.detectionSeconds, from: `health check interval ${hc.intervalSeconds} s × failure threshold ${hc.failureThreshold}` };
  const shopperSteps: FailoverStep[] = [
    { label: 'first failing shopper run', seconds: shopper.firstFailingRunSeconds, from: 'the shopper runs once a minute; the failure starts just after a passing run' },
    { label: 'further failing runs', seconds: shopper.moreRunsSeconds, from: `dns.syntheticShopper.failedRuns ${config.dns.syntheticShopper.failedRuns}, one a minute` },
    { label: 'alarm and Route 53', seconds: shopper.alarmLagSeconds, from: 'assumption: datapoint published, alarm evaluated, alarm-based and calculated checks updated' },
  ];
  const ttl: FailoverStep = { label: 'cached DNS answers', seconds: dns.ttlSeconds, from: 'alias records to an ALB carry the ALB\'s 60 s TTL' };
  const originDns: FailoverStep = { label: "CloudFront's cached answer for the origin name", seconds: FIGURES.cloudFrontOriginDns.seconds, from: FIGURES.cloudFrontOriginDns.source };
  const retry: FailoverStep = {
    label: 'retry on the secondary origin',
    seconds: ORIGIN_CONNECTION.attempts * ORIGIN_CONNECTION.timeoutSeconds,
    from: `${ORIGIN_CONNECTION.attempts} connection attempt(s) of ${ORIGIN_CONNECTION.timeoutSeconds} s to the primary origin (config/front-door.ts ORIGIN_CONNECTION); a 500, 502, 503 or 504 is retried at once`,
  };
  const ga: FailoverStep = { label: 'Global Accelerator moves new connections', seconds: FIGURES.globalAcceleratorFailover.seconds, from: FIGURES.globalAcceleratorFailover.source };

  const rows: FrontDoorRow[] = [
    row('route53', 'every request', 'unreachable', [detection, ttl], 'errors until their resolver answers with the secondary'),
    row('route53', 'every request', 'cannotSell', [...shopperSteps, ttl], 'browsing works; checkout fails until DNS moves'),
    row('cloudfront', 'cached assets and media', 'unreachable', [retry], 'a cache hit: nothing, the edge serves its copy; a miss waits for the retry like a page read (media: the other region\'s bucket)'),
    row('cloudfront', 'page reads (GET /home, /catalog*)', 'unreachable', [retry], 'each read waits for the retry, none fails; after the origin name moves, no wait'),
    row('cloudfront', 'writes and / (POST /cart, /checkout*, GET /)', 'unreachable', [detection, originDns], 'errors (a POST is never retried on another origin) until the origin name moves; a POST cut off mid-request must be resubmitted'),
    row('cloudfront', 'page reads (GET /home, /catalog*)', 'cannotSell', [], 'nothing: reads do not need checkout'),
    row('cloudfront', 'writes and / (POST /cart, /checkout*, GET /)', 'cannotSell', [...shopperSteps, originDns], 'checkout fails until the origin name moves'),
    row('globalAccelerator', 'every new connection', 'unreachable', [ga], 'errors on connections to the lost region; new connections reach the secondary, with no DNS caching'),
    row(
      'globalAccelerator',
      'every new connection',
      'cannotSell',
      [],
      "checkout fails until a person sets the primary's traffic dial to 0 (docs/operations.md, \"The primary cannot sell\"): Global Accelerator judges an ALB by its targets' health, which a failed backend does not change",
      true,
    ),
  ];
  const slowest = (failure: RegionFailure) => {
    const mine = rows.filter((r) => r.frontDoor === config.edge.frontDoor && r.failure === failure);
    return mine.reduce((a, b) => ((b.worstCaseSeconds ?? Infinity) > (a.worstCaseSeconds ?? Infinity) ? b : a));
  };
  return { rows, regionFailover: slowest('unreachable'), cannotSell: slowest('cannotSell') };
}

/** Budget violations of the chosen front door, each naming the fix. */
export function frontDoorViolations(config: PlatformConfig, model: FrontDoorFailover = frontDoorFailover(config)): string[] {
  const violations: string[] = [];
  const check = (r: FrontDoorRow, budget: number, key: string, fix: string) => {
    if (r.worstCaseSeconds === null) {
      violations.push(`${r.frontDoor} front door: when the primary ${r.failure === 'cannotSell' ? 'cannot sell' : 'is unreachable'}, ${r.request} never fail over by themselves (budget ${budget} s, budgets.${key}): ${fix}`);
    } else if (r.worstCaseSeconds > budget) {
      violations.push(`${r.frontDoor} front door: ${r.request} reach the secondary after ${r.worstCaseSeconds} s, over the budget of ${budget} s (budgets.${key}) by ${r.worstCaseSeconds - budget} s: ${fix}`);
    }
  };
  check(model.regionFailover, config.budgets.regionFailoverSeconds, 'regionFailoverSeconds', 'lower dns.healthCheck.intervalSeconds or failureThreshold, choose another edge.frontDoor, or raise the budget');
  check(
    model.cannotSell,
    config.budgets.cannotSellFailoverSeconds,
    'cannotSellFailoverSeconds',
    config.edge.frontDoor === 'globalAccelerator' ? 'choose edge.frontDoor cloudfront or route53, whose DNS follows the synthetic shopper' : 'lower dns.syntheticShopper.failedRuns, or raise the budget',
  );
  return violations;
}

