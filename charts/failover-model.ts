/**
 * How long customers can be sent to a failed primary region before DNS moves them to the secondary,
 * from the Route 53 health check and record settings.
 */
import { ALB_ALIAS_TTL_SECONDS } from './constants';

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
}

export interface FailoverModel {
  /** Worst case from the failure to Route 53 answering with the secondary: interval x threshold. */
  readonly detectionSeconds: number;
  /** Worst case a resolver keeps serving the old answer afterwards. */
  readonly ttlSeconds: number;
  /** Worst case until every customer resolves the secondary. */
  readonly worstCaseSeconds: number;
}

/**
 * Worst case: the region fails just after a successful check, so `failureThreshold` more checks, one
 * every `intervalSeconds`, must fail before Route 53 flips the answer; a resolver that cached the old
 * answer just before keeps it for one more TTL.
 */
export function failoverModel(input: FailoverModelInput): FailoverModel {
  const detectionSeconds = input.intervalSeconds * input.failureThreshold;
  const ttlSeconds = input.ttlSeconds ?? ALB_ALIAS_TTL_SECONDS;
  return { detectionSeconds, ttlSeconds, worstCaseSeconds: detectionSeconds + ttlSeconds };
}
