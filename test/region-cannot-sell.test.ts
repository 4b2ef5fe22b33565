/**
 * A region whose backends fail while its ALB still answers: the whole chain from the shopper's run to
 * Route 53 calling the region unhealthy, each link read from what the platform renders, and the time it
 * takes equal to the failover model's (resilience/failover.ts).
 *  1. the canary script's run fails when ui answers 5xx (as ui 1.6.2 does when catalog is down);
 *  2. CloudWatch Synthetics records a failed run as SuccessPercent 0; the shopper's alarm (as
 *     synthesized) goes to ALARM once `failedRuns` datapoints in a row are below its threshold;
 *  3. the region's alarm-based Route 53 check (as synthesized) names that alarm: unhealthy while it is
 *     in ALARM (Route 53 Developer Guide, "Monitoring a CloudWatch alarm"), and the region's calculated
 *     check needs both children healthy.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { loadConfig } from '../config/load';
import { HealthStack } from '../cluster/health-stack';
import { shopperAlarmName } from '../cluster/naming';
import { SyntheticShopper } from '../cluster/synthetic-shopper';
import { failoverModel, SHOPPER_ALARM_LAG_SECONDS, SHOPPER_INTERVAL_SECONDS } from '../resilience/failover';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { run } = require('../cluster/synthetic-shopper/canary.js') as { run: (env: Record<string, string>, o: { load: (m: string) => unknown }) => Promise<void> };

const config = loadConfig();
const region = config.regions[0].name;

/** ui with its catalog backend down: the pages that need catalog answer 500. */
async function uiWithoutCatalog(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/' ? 200 : 500, { 'content-type': 'text/html' });
    res.end(req.url === '/' ? '<h1>SecureCart</h1>' : '<h1>error</h1>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** CloudWatch's verdict on the latest datapoints: ALARM when the last `evaluationPeriods` all breach. */
function alarmState(alarm: { Threshold: number; ComparisonOperator: string; EvaluationPeriods: number }, datapoints: number[]): 'ALARM' | 'OK' {
  const breaching = (v: number) => (alarm.ComparisonOperator === 'LessThanThreshold' ? v < alarm.Threshold : alarm.ComparisonOperator === 'GreaterThanThreshold' ? v > alarm.Threshold : NaN);
  const last = datapoints.slice(-alarm.EvaluationPeriods);
  return last.length === alarm.EvaluationPeriods && last.every(breaching) ? 'ALARM' : 'OK';
}

test('backends down: the canary turns red, its alarm fires, the region turns unhealthy in Route 53, as fast as the model says', async () => {
  // 1. Runs against a region that cannot sell: each one fails (SuccessPercent 0 for Synthetics).
  const ui = await uiWithoutCatalog();
  const noMetrics = { load: () => ({ CloudWatchClient: class { async send() {} }, PutMetricDataCommand: class {} }) };
  const successPercent: number[] = [];
  try {
    for (let i = 0; i < config.dns.syntheticShopper.failedRuns; i++) {
      const ok = await run({ SHOP_URL: ui.url, PLACE_ORDER: 'true', SHOPPER_EMAIL: 'x@example.com', SHOPPER_NAME: 's' }, noMetrics).then(() => true, () => false);
      successPercent.push(ok ? 100 : 0);
    }
  } finally {
    await ui.close();
  }
  expect(successPercent.every((p) => p === 0)).toBe(true);

  // 2. The shopper's alarm as the regional stack synthesizes it.
  const stack = new Stack(new App(), 'Shopper', { env: { account: config.accountId, region } });
  new SyntheticShopper(stack, 'SyntheticShopper', {
    name: 'securecart-prod-shopper',
    hostname: 'shop.example.com',
    alarmName: shopperAlarmName(config, region),
    placeOrders: true,
    email: 'x@example.com',
    failedRuns: config.dns.syntheticShopper.failedRuns,
    topic: new sns.Topic(stack, 'Topic'),
  });
  const [alarm] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties);
  expect(alarm.MetricName).toBe('SuccessPercent');
  expect(alarm.Period).toBe(SHOPPER_INTERVAL_SECONDS);
  expect(alarmState(alarm, successPercent.slice(0, -1))).toBe('OK'); // one run fewer: not yet
  expect(alarmState(alarm, successPercent)).toBe('ALARM');

  // 3. The region's health checks as the health stack synthesizes them.
  const health = Template.fromStack(new HealthStack(new App(), 'Health', { config, env: { account: config.accountId, region: 'us-east-1' } }));
  const checks = health.findResources('AWS::Route53::HealthCheck') as Record<string, any>;
  const byId = (id: string) => checks[id].Properties.HealthCheckConfig;
  const shopperCheckId = Object.keys(checks).find((id) => byId(id).AlarmIdentifier?.Name === alarm.AlarmName)!;
  expect(byId(shopperCheckId).AlarmIdentifier.Region).toBe(region);
  const regionCheck = Object.keys(checks)
    .map(byId)
    .find((c) => c.Type === 'CALCULATED' && c.ChildHealthChecks.some((child: any) => child['Fn::GetAtt']?.[0] === shopperCheckId))!;
  const healthyChildren = regionCheck.ChildHealthChecks.length - 1; // the shopper's check follows its alarm: unhealthy
  expect(healthyChildren).toBeLessThan(regionCheck.HealthThreshold);

  // 4. The model counts exactly those runs, plus the alarm's and Route 53's lag.
  const model = failoverModel({ ...config.dns.healthCheck, shopper: config.dns.syntheticShopper }).cannotSell!;
  expect(model.detectionSeconds).toBe(successPercent.length * SHOPPER_INTERVAL_SECONDS + SHOPPER_ALARM_LAG_SECONDS);
});
