/**
 * The observability part of the platform config: tracing, SLOs, who is alerted and how long telemetry
 * is kept. One schema both apps read (the charts render the tracing, the cluster app the rest).
 */
import { z } from 'zod';

/** Retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** The customer journeys the SLOs cover (the synthetic shopper measures both; cluster/synthetic-shopper). */
export const JOURNEYS = ['browse', 'checkout'] as const;
export type Journey = (typeof JOURNEYS)[number];

const logRetention = (what: string, fallback: number) =>
  z
    .number()
    .refine((d) => LOG_RETENTION_DAYS.includes(d), (d) => ({ message: `${d} is not a CloudWatch Logs retention period for ${what}: use one of ${LOG_RETENTION_DAYS.join(', ')}` }))
    .default(fallback);

const percent = (what: string) =>
  z
    .number()
    .gt(50, `must be a percentage above 50 for ${what}, such as 99.5`)
    .lt(100, `must be below 100 for ${what}: a 100 % objective leaves no error budget, so every burn-rate alarm would fire on the first failure; use e.g. 99.9`);

const objective = (defaults: { availabilityPercent: number; latencyMs: number; latencyPercent: number }) =>
  z
    .object({
      /**
       * Share of the journeys that must succeed (every step answers as ui does when the shop works),
       * over the SLO window.
       */
      availabilityPercent: percent('availability').default(defaults.availabilityPercent),
      /** A request of the journey is fast when ui answers it within this many milliseconds. */
      latencyMs: z.number().int().min(50, 'must be at least 50 ms').max(60000, 'must be at most 60000 ms: the shopper gives up on a step after 10 s').default(defaults.latencyMs),
      /** Share of the journey's requests that must be fast, over the SLO window. */
      latencyPercent: percent('latency').default(defaults.latencyPercent),
    })
    .strict()
    .default({});

/** E.164 phone number, as SNS's SMS protocol takes it. */
const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const observabilitySchema = z
  .object({
    tracing: z
      .object({
        /** Export the five services' traces to AWS X-Ray through a collector in each cluster. @default true */
        enabled: z.boolean().default(true),
        /**
         * Share of new traces recorded (OpenTelemetry parentbased_traceidratio: a request that arrives
         * with a sampling decision keeps it, so a trace is whole or absent). X-Ray bills per trace
         * recorded and scanned. @default 0.05
         */
        samplingRatio: z.number().min(0, 'must be between 0 and 1 (0.05 records 5 % of requests)').max(1, 'must be between 0 and 1 (0.05 records 5 % of requests)').default(0.05),
      })
      .strict()
      .default({}),
    /**
     * Service level objectives per journey, measured by the synthetic shoppers (one a minute per region
     * and one on the public name), with multi-window, multi-burn-rate alarms: fast burn pages, slow burn
     * opens a ticket (docs/operations.md#slo-burn).
     */
    slos: z
      .object({
        /** The window the objectives hold over, in days (the error budget is spent over it). @default 30 */
        windowDays: z.number().int().min(7, 'must be between 7 and 90 days').max(90, 'must be between 7 and 90 days').default(30),
        browse: objective({ availabilityPercent: 99.5, latencyMs: 1000, latencyPercent: 99 }),
        checkout: objective({ availabilityPercent: 99.5, latencyMs: 2000, latencyPercent: 99 }),
      })
      .strict()
      .default({}),
    /** Who hears the alarms: subscriptions of every alert topic (regional and global). */
    alerts: z
      .object({
        /** E-mail addresses (each confirms its subscription once, from the message SNS sends). @default none */
        emails: z.array(z.string().regex(EMAIL, 'must be an e-mail address such as "oncall@example.com"')).default([]),
        /** Phone numbers for SMS, in E.164 form (e.g. "+15555550100"); the account must be out of the SMS sandbox. @default none */
        smsNumbers: z.array(z.string().regex(E164, 'must be a phone number in E.164 form such as "+15555550100"')).default([]),
      })
      .strict()
      .default({}),
    /** Days the clusters' container, node and performance logs are kept (Container Insights). @default 30 */
    containerLogRetentionDays: logRetention('container logs', 30),
    /** Days the synthetic shoppers' and Lambda functions' logs are kept. @default 30 */
    functionLogRetentionDays: logRetention('function logs', 30),
  })
  .strict();

export type ObservabilityConfig = z.output<typeof observabilitySchema>;

/** The error budget of an objective, as a fraction (99.5 % → 0.005). */
export function errorBudget(percentTarget: number): number {
  return Math.round((100 - percentTarget) * 1e9) / 1e11;
}
