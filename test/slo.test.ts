/**
 * SLO burn-rate alarms (cluster/observability/slo-alarms.ts): thresholds derived from the config's
 * objectives by the Google SRE Workbook's multi-window, multi-burn-rate recipe ("Alerting on SLOs",
 * table 5-8: 2 % of a 30-day budget in 1 h → 14.4, 5 % in 6 h → 6, 10 % in 3 d → 1), computed here by
 * hand, and the alarms' wiring.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { loadConfig } from '../config/load';
import { errorBudget } from '../config/observability';
import { platformConfigSchema } from '../config/schema';
import { BURN_RATE_WINDOWS, burnRateThreshold, errorRatioThreshold, minutesToAlertOnOutage } from '../cluster/observability/burn-rate';
import { SloAlarms } from '../cluster/observability/slo-alarms';
import { defaultConfigData } from './helpers';

describe('burn-rate arithmetic', () => {
  test('over 30 days: the workbook figures', () => {
    expect(BURN_RATE_WINDOWS.map((w) => [w.severity, w.longMinutes, w.shortMinutes, burnRateThreshold(w, 30)])).toEqual([
      ['page', 60, 5, 14.4],
      ['page', 360, 30, 6],
      ['ticket', 4320, 360, 1],
    ]);
  });

  test('a different window keeps the share of budget each alert stands for', () => {
    // 28 days = 40320 min: 2 % of it in 60 min is 13.44; 5 % in 360 min is 5.6; 10 % in 4320 min is 0.9333…
    expect(BURN_RATE_WINDOWS.map((w) => burnRateThreshold(w, 28))).toEqual([13.44, 5.6, 0.933333333]);
  });

  test('error ratios: burn rate times the budget', () => {
    expect(errorBudget(99.5)).toBe(0.005);
    expect(errorBudget(99.9)).toBe(0.001);
    // 99.5 %: 14.4 × 0.005 = 0.072, 6 × 0.005 = 0.03, 1 × 0.005 = 0.005.
    expect(BURN_RATE_WINDOWS.map((w) => errorRatioThreshold(w, 30, 99.5))).toEqual([0.072, 0.03, 0.005]);
  });

  test('a total outage pages within minutes of the fast window', () => {
    // Every run failing: the 1 h window passes 7.2 % after 4.32 min → 5 min; the 5 min window at once.
    expect(minutesToAlertOnOutage(BURN_RATE_WINDOWS[0], 30, 99.5)).toBe(5);
    expect(minutesToAlertOnOutage(BURN_RATE_WINDOWS[1], 30, 99.5)).toBe(11);
  });
});

function synth(slos = loadConfig().observability.slos) {
  const stack = new Stack(new App(), 'Slo', { env: { account: '111122223333', region: 'us-east-1' } });
  const page = new sns.Topic(stack, 'Page');
  const ticket = new sns.Topic(stack, 'Ticket');
  const slo = new SloAlarms(stack, 'Slo', { shopperName: 'securecart-prod-shopper', scope: 'us-east-1', namePrefix: 'securecart-prod', slos, pageTopic: page, ticketTopic: ticket });
  return { stack, slo, template: Template.fromStack(stack) };
}

type Cfn = { Properties: Record<string, any> };

describe('the alarms of one shopper', () => {
  const { template, stack } = synth();
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Cfn[];
  const composites = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm')) as Cfn[];
  const byName = (n: string) => alarms.find((a) => a.Properties.AlarmName === n)!.Properties;

  test('per journey and indicator: one alarm per window (two per pair) and a page and a ticket composite', () => {
    // 2 journeys × 2 indicators × 3 windows × (long + short) = 24; 2 × 2 × 2 composites = 8.
    expect(alarms).toHaveLength(24);
    expect(composites).toHaveLength(8);
  });

  test.each([
    ['browse-availability-burn-60m-page', 3600, 14.4],
    ['browse-availability-burn-5m-page', 300, 14.4],
    ['checkout-latency-burn-360m-page', 21600, 6],
    ['checkout-latency-burn-30m-page', 1800, 6],
    ['checkout-availability-burn-4320m-ticket', 259200, 1],
    ['checkout-availability-burn-360m-ticket', 21600, 1],
  ])('%s: one evaluation of a period as long as its window, above its burn rate', (suffix, period, threshold) => {
    const alarm = byName(`securecart-prod-us-east-1-${suffix}`);
    expect(alarm.Threshold).toBe(threshold);
    expect(alarm.EvaluationPeriods).toBe(1);
    expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
    expect(alarm.TreatMissingData).toBe('notBreaching');
    const stat = alarm.Metrics.find((m: any) => m.MetricStat);
    expect(stat.MetricStat.Period).toBe(period);
    // CloudWatch: a period under an hour may evaluate at most a day; any other at most 7 days (PutMetricAlarm).
    expect(period < 3600 ? period <= 86400 : period <= 604800).toBe(true);
    // Window alarms only feed the composites: none notifies on its own.
    expect(alarm.AlarmActions).toBeUndefined();
  });

  test('availability: 1 - Average(JourneySuccess) over the budget of the journey’s objective', () => {
    const alarm = byName('securecart-prod-us-east-1-checkout-availability-burn-60m-page');
    const expression = alarm.Metrics.find((m: any) => m.Expression).Expression;
    expect(expression).toBe('(1 - runs) / 0.005');
    const runs = alarm.Metrics.find((m: any) => m.Id === 'runs').MetricStat;
    expect(runs.Stat).toBe('Average');
    expect(runs.Metric).toEqual({
      Namespace: 'SecureCart/Shopper',
      MetricName: 'JourneySuccess',
      Dimensions: [
        { Name: 'Journey', Value: 'checkout' },
        { Name: 'Shopper', Value: 'securecart-prod-shopper' },
      ],
    });
  });

  test('latency: the share of requests slower than the objective (percentile rank) over its budget', () => {
    const browse = byName('securecart-prod-us-east-1-browse-latency-burn-60m-page');
    expect(browse.Metrics.find((m: any) => m.Expression).Expression).toBe('(100 - fast) / 100 / 0.01');
    expect(browse.Metrics.find((m: any) => m.Id === 'fast').MetricStat.Stat).toBe('PR(:1000)');
    const checkout = byName('securecart-prod-us-east-1-checkout-latency-burn-60m-page');
    expect(checkout.Metrics.find((m: any) => m.Id === 'fast').MetricStat.Stat).toBe('PR(:2000)');
  });

  test('page: (1 h and 5 min) or (6 h and 30 min); ticket: 3 d and 6 h; each to its own topic, alarm and recovery', () => {
    const resolved = (c: Cfn) => JSON.stringify(stack.resolve(c.Properties.AlarmRule));
    const page = composites.find((c) => c.Properties.AlarmName === 'securecart-prod-us-east-1-checkout-availability-page')!;
    const rule = resolved(page);
    for (const w of ['60mpage', '5mpage', '360mpage', '30mpage']) expect(rule).toContain(`checkoutavailability${w}`);
    expect(rule).not.toContain('ticket');
    expect(JSON.stringify(page.Properties.AlarmActions)).toContain('Page');
    expect(JSON.stringify(page.Properties.OKActions)).toContain('Page');
    const ticket = composites.find((c) => c.Properties.AlarmName === 'securecart-prod-us-east-1-checkout-availability-ticket')!;
    expect(resolved(ticket)).toMatch(/checkoutavailability4320mticket.*checkoutavailability360mticket/);
    expect(resolved(ticket)).not.toContain('page');
    expect(JSON.stringify(ticket.Properties.AlarmActions)).toContain('Ticket');
    expect(ticket.Properties.AlarmDescription).toMatch(/^TICKET: .*99\.5 % of checkout journeys succeed.*1x over 3 d and 6 h \(10 % of the 30-day budget\).*Runbook: docs\/operations\.md#slo-burn$/);
  });

  test('every alarm says where its runbook is', () => {
    for (const a of [...alarms, ...composites]) expect(a.Properties.AlarmDescription).toContain('Runbook: docs/operations.md#slo-burn');
  });
});

test('the thresholds follow the config: a 99.9 % objective over 28 days', () => {
  const data = defaultConfigData();
  data.observability.slos = { windowDays: 28, browse: { availabilityPercent: 99.9, latencyMs: 500, latencyPercent: 95 } };
  const slos = platformConfigSchema.parse(data).observability.slos;
  const { template } = synth(slos);
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Cfn[];
  const browse = alarms.find((a) => a.Properties.AlarmName === 'securecart-prod-us-east-1-browse-availability-burn-60m-page')!.Properties;
  expect(browse.Threshold).toBe(13.44);
  expect(browse.Metrics.find((m: any) => m.Expression).Expression).toBe('(1 - runs) / 0.001');
  const latency = alarms.find((a) => a.Properties.AlarmName === 'securecart-prod-us-east-1-browse-latency-burn-60m-page')!.Properties;
  expect(latency.Metrics.find((m: any) => m.Id === 'fast').MetricStat.Stat).toBe('PR(:500)');
  expect(latency.Metrics.find((m: any) => m.Expression).Expression).toBe('(100 - fast) / 100 / 0.05');
});

test('an objective of 100 % is refused: it leaves no budget to burn', () => {
  const data = defaultConfigData();
  data.observability.slos = { checkout: { availabilityPercent: 100 } };
  expect(() => platformConfigSchema.parse(data)).toThrow(/a 100 % objective leaves no error budget/);
});

describe('the tickets topic (AlertTopic without SMS)', () => {
  const stack = new Stack(new App(), 'Tickets', { env: { account: '111122223333', region: 'us-east-1' } });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AlertTopic } = require('../cluster/observability/alert-topic') as typeof import('../cluster/observability/alert-topic');
  new AlertTopic(stack, 'Tickets', { displayName: 'tickets', accountId: '111122223333', alerts: { emails: ['a@example.com', 'b@example.com'], smsNumbers: ['+15555550100'] } });
  const t = Template.fromStack(stack);

  test('e-mails every address of the config and texts no one: a ticket never wakes anyone', () => {
    const subs = Object.values(t.findResources('AWS::SNS::Subscription')).map((s: any) => [s.Properties.Protocol, s.Properties.Endpoint]);
    expect(subs.sort()).toEqual([
      ['email', 'a@example.com'],
      ['email', 'b@example.com'],
    ]);
  });

  test('admits this account’s CloudWatch alarms (enforceSSL replaces SNS’s default policy) and is encrypted with its own key', () => {
    const policy = JSON.stringify(Object.values(t.findResources('AWS::SNS::TopicPolicy'))[0]);
    expect(policy).toContain('cloudwatch.amazonaws.com');
    expect(policy).toContain('111122223333');
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TicketsKey'), 'Arn'] } });
  });
});

test('the shopper may publish its journey metrics in its own namespace only', () => {
  // cloudwatch:PutMetricData has no resource type; the cloudwatch:namespace condition key scopes it
  // (Service Authorization Reference, Amazon CloudWatch). The namespace is the script's own (canary.js METRICS).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SyntheticShopper, SHOPPER_METRICS } = require('../cluster/synthetic-shopper') as typeof import('../cluster/synthetic-shopper');
  const stack = new Stack(new App(), 'Shopper', { env: { account: '111122223333', region: 'us-east-1' } });
  new SyntheticShopper(stack, 'S', { name: 's', hostname: 'shop.example.com', alarmName: 'a', placeOrders: true, email: 'x@example.com', failedRuns: 2, topic: new sns.Topic(stack, 'T') });
  const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  const publish = statements.filter((s: any) => [s.Action].flat().includes('cloudwatch:PutMetricData'));
  expect(publish).toEqual([{ Action: 'cloudwatch:PutMetricData', Effect: 'Allow', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': SHOPPER_METRICS.namespace } } }]);
  expect(SHOPPER_METRICS.namespace).toBe('SecureCart/Shopper');
});
