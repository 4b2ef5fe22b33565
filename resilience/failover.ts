/**
 * How long customers can be sent to a failed primary region before DNS moves them to the secondary,
 * from the Route 53 health checks and record settings. Two ways a region fails: it stops answering
 * (its HTTPS health check sees it), or it answers but cannot sell (its synthetic shopper sees it).
 */
import { ALB_ALIAS_TTL_SECONDS } from '../charts/constants';

/** CloudWatch Synthetics' shortest schedule: the shopper runs once a minute. */
export const SHOPPER_INTERVAL_SECONDS = 60;

/**
 * Assumption: from the end of the failing run to Route 53 acting on it: the run's SuccessPercent
 * datapoint is published, its alarm evaluated (once a minute), and Route 53, which follows the alarm's
 * data for an alarm-based check, updates the calculated check that aggregates it.
 */
export const SHOPPER_ALARM_LAG_SECONDS = 60;

export interface FailoverModelInput {
  /** Route 53 health check request interval (10 or 30 s). */
  readonly intervalSeconds: number;
  /** Consecutive failures before Route 53 calls the region unhealthy. */
  readonly failureThreshold: number;
  /**
   * TTL resolvers may cache the old answer for.
   * @default ALB_ALIAS_TTL_SECONDS (alias records carry the ALB's 60 s TTL)
   */
  readonly ttlSeconds?: number;
  /**
   * The synthetic shopper, when the region's health includes it.
   * @default - no shopper: a region that answers but cannot sell is never failed over
   */
  readonly shopper?: { readonly failedRuns: number };
}

export interface FailoverModel {
  /** Worst case from the failure to Route 53 answering with the secondary: interval x threshold. */
  readonly detectionSeconds: number;
  /** Worst case a resolver keeps serving the old answer afterwards. */
  readonly ttlSeconds: number;
  /** Worst case until every customer resolves the secondary. */
  readonly worstCaseSeconds: number;
  /** When the region answers but cannot sell (a backend down): detected by the shopper. */
  readonly cannotSell?: {
    /** The failure starts just after a passing run: up to one interval until the first failing run. */
    readonly firstFailingRunSeconds: number;
    /** The further failing runs the alarm needs, one interval each. */
    readonly moreRunsSeconds: number;
    readonly alarmLagSeconds: number;
    readonly detectionSeconds: number;
    readonly worstCaseSeconds: number;
  };
}

/**
 * Worst case: the region fails just after a successful check, so `failureThreshold` more checks, one
 * every `intervalSeconds`, must fail before Route 53 flips the answer; a resolver that cached the old
 * answer just before keeps it for one more TTL. The shopper path adds up the same way, in runs.
 */
export function failoverModel(input: FailoverModelInput): FailoverModel {
  const detectionSeconds = input.intervalSeconds * input.failureThreshold;
  const ttlSeconds = input.ttlSeconds ?? ALB_ALIAS_TTL_SECONDS;
  const model = { detectionSeconds, ttlSeconds, worstCaseSeconds: detectionSeconds + ttlSeconds };
  if (!input.shopper) return model;
  const firstFailingRunSeconds = SHOPPER_INTERVAL_SECONDS;
  const moreRunsSeconds = (input.shopper.failedRuns - 1) * SHOPPER_INTERVAL_SECONDS;
  const shopperDetection = firstFailingRunSeconds + moreRunsSeconds + SHOPPER_ALARM_LAG_SECONDS;
  return {
    ...model,
    cannotSell: {
      firstFailingRunSeconds,
      moreRunsSeconds,
      alarmLagSeconds: SHOPPER_ALARM_LAG_SECONDS,
      detectionSeconds: shopperDetection,
      worstCaseSeconds: shopperDetection + ttlSeconds,
    },
  };
}
