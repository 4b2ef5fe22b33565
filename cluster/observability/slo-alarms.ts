import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { errorBudget, Journey, JOURNEYS, ObservabilityConfig } from '../../config/observability';
import { SHOPPER_METRICS } from '../synthetic-shopper';
import { BURN_RATE_WINDOWS, burnRateThreshold, BurnRateWindow, Severity } from './burn-rate';

/** The two indicators of each journey's objective. */
export const INDICATORS = ['availability', 'latency'] as const;
export type Indicator = (typeof INDICATORS)[number];

/** Where operators read what an SLO alert means and what to do. */
export const SLO_RUNBOOK = 'docs/operations.md#slo-burn';

export interface SloAlarmsProps {
  /** The shopper whose journeys are measured (the Shopper dimension of its metrics). */
  readonly shopperName: string;
  /** Where the shopper shops, for the alarms' names and descriptions, e.g. "us-east-1" or "public". */
  readonly scope: string;
  /** Prefix of every alarm name, e.g. "securecart-prod". */
  readonly namePrefix: string;
  readonly slos: ObservabilityConfig['slos'];
  /** Fast burns: someone is woken. */
  readonly pageTopic: sns.ITopic;
  /** Slow burns: a ticket for working hours. */
  readonly ticketTopic: sns.ITopic;
}

/**
 * Multi-window, multi-burn-rate alarms on one shopper's journeys (burn-rate.ts): for each journey and
 * indicator, a metric alarm per window (no actions of their own) and two composite alarms that carry
 * the actions: page when the 1 h and 5 min windows, or the 6 h and 30 min windows, both burn; ticket
 * when the 3 d and 6 h windows both burn.
 *
 * The indicators come from the synthetic shopper's own metrics (cluster/synthetic-shopper/canary.js),
 * whose dimensions are known at synth: the ALBs are created at run time by the load balancer
 * controller, so their metrics can only be selected with Metrics Insights, whose alarms evaluate the
 * latest 3 hours only (CloudWatch User Guide, "Limits that apply to alarms based on Metrics Insights
 * queries"), too short for the 6 h and 3 d windows; and every path goes to the same ui target group, so
 * the ALB cannot tell browsing from checkout.
 */
export class SloAlarms extends Construct {
  /** The composite alarms that page or open a ticket, by journey, indicator and severity. */
  readonly composites: Array<{ journey: Journey; indicator: Indicator; severity: Severity; alarm: cloudwatch.CompositeAlarm }> = [];
  /** Every window's metric alarm, with what it measures. */
  readonly windowAlarms: Array<{ journey: Journey; indicator: Indicator; minutes: number; threshold: number; alarm: cloudwatch.Alarm }> = [];

  constructor(scope: Construct, id: string, private readonly props: SloAlarmsProps) {
    super(scope, id);
    for (const journey of JOURNEYS) {
      for (const indicator of INDICATORS) {
        const windowAlarm = (window: BurnRateWindow, minutes: number) => {
          const threshold = burnRateThreshold(window, props.slos.windowDays);
          const alarm = new cloudwatch.Alarm(this, windowAlarmId(journey, indicator, window, minutes), {
            alarmName: `${props.namePrefix}-${props.scope}-${journey}-${indicator}-burn-${minutes}m-${window.severity}`,
            alarmDescription: `${this.objective(journey, indicator)}: burn rate above ${threshold} over ${describe(minutes)}. Part of the ${window.severity} composite alarm; on its own it notifies no one. Runbook: ${SLO_RUNBOOK}`,
            metric: this.burnRate(journey, indicator, Duration.minutes(minutes)),
            threshold,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            // No run, no verdict: a shopper that stops is the shopper alarm's and the health checks' to report.
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          });
          this.windowAlarms.push({ journey, indicator, minutes, threshold, alarm });
          return alarm;
        };
        const pairs = BURN_RATE_WINDOWS.map((window) => ({ window, long: windowAlarm(window, window.longMinutes), short: windowAlarm(window, window.shortMinutes) }));
        for (const severity of ['page', 'ticket'] as const) {
          const mine = pairs.filter((p) => p.window.severity === severity);
          const rule = cloudwatch.AlarmRule.anyOf(...mine.map((p) => cloudwatch.AlarmRule.allOf(cloudwatch.AlarmRule.fromAlarm(p.long, cloudwatch.AlarmState.ALARM), cloudwatch.AlarmRule.fromAlarm(p.short, cloudwatch.AlarmState.ALARM))));
          const burns = mine
            .map((p) => `${burnRateThreshold(p.window, props.slos.windowDays)}x over ${describe(p.window.longMinutes)} and ${describe(p.window.shortMinutes)} (${Math.round(p.window.budgetSpent * 100)} % of the ${props.slos.windowDays}-day budget)`)
            .join(' or ');
          const composite = new cloudwatch.CompositeAlarm(this, `${journey}-${indicator}-${severity}`, {
            compositeAlarmName: `${props.namePrefix}-${props.scope}-${journey}-${indicator}-${severity}`,
            alarmDescription: `${severity === 'page' ? 'PAGE' : 'TICKET'}: ${this.objective(journey, indicator)}, burning its error budget at ${burns}. Runbook: ${SLO_RUNBOOK}`,
            alarmRule: rule,
          });
          const topic = severity === 'page' ? props.pageTopic : props.ticketTopic;
          composite.addAlarmAction(new actions.SnsAction(topic));
          composite.addOkAction(new actions.SnsAction(topic));
          this.composites.push({ journey, indicator, severity, alarm: composite });
        }
      }
    }
  }

  /**
   * The burn rate of a journey's indicator over a window: its error ratio divided by the error budget
   * (1 = spending the budget exactly over the SLO window).
   * - availability: 1 - Average(JourneySuccess), each run publishing 1 or 0;
   * - latency: 1 - PR(:latencyMs) / 100, the share of the journey's requests slower than the objective
   *   (CloudWatch's percentile rank statistic, "Statistics definitions" in the CloudWatch User Guide).
   */
  burnRate(journey: Journey, indicator: Indicator, period: Duration): cloudwatch.MathExpression {
    const slo = this.props.slos[journey];
    const dimensionsMap = { [SHOPPER_METRICS.dimensions.shopper]: this.props.shopperName, [SHOPPER_METRICS.dimensions.journey]: journey };
    if (indicator === 'availability') {
      const runs = new cloudwatch.Metric({ namespace: SHOPPER_METRICS.namespace, metricName: SHOPPER_METRICS.journeySuccess, dimensionsMap, statistic: cloudwatch.Stats.AVERAGE, period });
      return new cloudwatch.MathExpression({ expression: `(1 - runs) / ${errorBudget(slo.availabilityPercent)}`, usingMetrics: { runs }, period, label: `${journey} availability burn rate` });
    }
    const fast = new cloudwatch.Metric({ namespace: SHOPPER_METRICS.namespace, metricName: SHOPPER_METRICS.requestLatency, dimensionsMap, statistic: cloudwatch.Stats.percentileRank(slo.latencyMs), period });
    return new cloudwatch.MathExpression({ expression: `(100 - fast) / 100 / ${errorBudget(slo.latencyPercent)}`, usingMetrics: { fast }, period, label: `${journey} latency burn rate` });
  }

  private objective(journey: Journey, indicator: Indicator): string {
    const slo = this.props.slos[journey];
    const what =
      indicator === 'availability'
        ? `${slo.availabilityPercent} % of ${journey} journeys succeed`
        : `${slo.latencyPercent} % of ${journey} requests answer within ${slo.latencyMs} ms`;
    return `SecureCart SLO (${this.props.scope} shopper): ${what}`;
  }
}

/**
 * The construct id of a window's alarm: independent of the config's thresholds, so that changing an
 * objective updates the alarms in place. The same window length can serve a page (as the long window)
 * and a ticket (as the short one): the severity tells them apart.
 */
export function windowAlarmId(journey: Journey, indicator: Indicator, window: BurnRateWindow, minutes: number): string {
  return `${journey}-${indicator}-${minutes}m-${window.severity}`;
}

/** Construct ids of every window alarm a SloAlarms creates (the guard acknowledgements list them). */
export function windowAlarmIds(): string[] {
  return JOURNEYS.flatMap((j) => INDICATORS.flatMap((i) => BURN_RATE_WINDOWS.flatMap((w) => [w.longMinutes, w.shortMinutes].map((m) => windowAlarmId(j, i, w, m)))));
}

function describe(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}
