/**
 * Multi-window, multi-burn-rate alerting on an SLO: pure functions, no CDK (the alarms are in
 * slo-alarms.ts). The windows are the Google SRE Workbook's recommendation ("Alerting on SLOs",
 * table 5-8, https://sre.google/workbook/alerting-on-slos/): page when 2 % of a 30-day budget burns in
 * an hour or 5 % in six hours, open a ticket when 10 % burns in three days; each long window is paired
 * with a short one (1/12 of it) so an alert stops soon after the burn does.
 */
import { errorBudget } from '../../config/observability';

export type Severity = 'page' | 'ticket';

export interface BurnRateWindow {
  readonly severity: Severity;
  /** The window the budget spend is measured over, in minutes. */
  readonly longMinutes: number;
  /** The window that must still be burning, so the alert resets soon after the burn stops. */
  readonly shortMinutes: number;
  /** Share of the whole SLO window's error budget that burning over `longMinutes` spends. */
  readonly budgetSpent: number;
}

export const BURN_RATE_WINDOWS: readonly BurnRateWindow[] = [
  { severity: 'page', longMinutes: 60, shortMinutes: 5, budgetSpent: 0.02 },
  { severity: 'page', longMinutes: 360, shortMinutes: 30, budgetSpent: 0.05 },
  { severity: 'ticket', longMinutes: 4320, shortMinutes: 360, budgetSpent: 0.1 },
];

/**
 * The burn rate at which a window alerts: the rate that spends `budgetSpent` of the budget in the long
 * window. Over a 30-day SLO: 14.4, 6 and 1 (the workbook's figures).
 */
export function burnRateThreshold(window: BurnRateWindow, sloWindowDays: number): number {
  return round((window.budgetSpent * sloWindowDays * 24 * 60) / window.longMinutes);
}

/** The error ratio (bad events / all events) at which a window alerts, for an objective in percent. */
export function errorRatioThreshold(window: BurnRateWindow, sloWindowDays: number, objectivePercent: number): number {
  return round(burnRateThreshold(window, sloWindowDays) * errorBudget(objectivePercent));
}

/**
 * How long a total outage (every event bad) takes to raise the alert of a window: the long window must
 * see its threshold error ratio, the short one too (it fills first: it is shorter).
 */
export function minutesToAlertOnOutage(window: BurnRateWindow, sloWindowDays: number, objectivePercent: number): number {
  return Math.ceil(window.longMinutes * Math.min(1, errorRatioThreshold(window, sloWindowDays, objectivePercent)));
}

function round(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}
