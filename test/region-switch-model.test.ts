/**
 * The Region switch plan's modeled duration, by hand: each step's figure, their sum after the approval,
 * and the report's budget check.
 */
import { parseConfig } from '../config/load';
import { FIGURES } from '../resilience/figures';
import { buildReport, readRendered } from '../resilience/report';
import { regionSwitchModel, regionSwitchRuns, VENDED_CHECK_SECONDS } from '../resilience/region-switch';
import { defaultConfigData, defaultInput, ROOT } from './helpers';
import * as path from 'path';

const { config } = defaultInput();
/** The default config with other step timeouts. */
const withTimeouts = (timeouts: Record<string, number>) => {
  const data = defaultConfigData();
  data.regionSwitch = { timeouts };
  return parseConfig(data, 'timeouts');
};

test('the figures the model starts from (changing one changes the cases below)', () => {
  expect([FIGURES.karpenterNode.seconds, FIGURES.podStart.seconds, FIGURES.auroraGlobalLag.seconds, FIGURES.auroraGlobalFailover.seconds, VENDED_CHECK_SECONDS]).toEqual([60, 60, 1, 180, 90]);
  // The Aurora figure quotes the guide's words, not a number it does not publish.
  expect(FIGURES.auroraGlobalFailover.source).toMatch(/"Typically, the chosen secondary cluster assumes the primary role within a few minutes"/);
});

test('graceful to us-west-2: scaling 60 + 60 = 120 s, switchover 1 + 180 = 181 s, DNS 90 + 60 = 150 s: 451 s after the approval', () => {
  const run = regionSwitchModel(config, 'us-west-2', 'graceful');
  // The plan's own steps (config/region-switch.ts, what the cluster app builds), in its order.
  expect(run.steps.map((s) => s.name)).toEqual(['approve', 'scale', 'databases', 'dns']);
  expect(run.steps.map((s) => s.block)).toEqual(['approval', 'eksScaling', 'globalAurora', 'route53HealthCheck']);
  expect(run.steps.map((s) => s.seconds)).toEqual([null, 120, 181, 150]);
  expect(run.seconds).toBe(451);
  // Order writes work once the databases have switched: 120 + 181.
  expect(run.writesBackSeconds).toBe(301);
  expect(run.from).toBe('us-east-1');
});

test('ungraceful to us-west-2: the failover does not wait for the lag: 120 + 180 + 150 = 450 s, writes back after 300 s', () => {
  const run = regionSwitchModel(config, 'us-west-2', 'ungraceful');
  expect(run.steps.map((s) => s.seconds)).toEqual([null, 120, 180, 150]);
  expect([run.seconds, run.writesBackSeconds]).toEqual([450, 300]);
  expect(run.steps[2].does).toMatch(/fails orders and catalog over to us-west-2/);
});

test('each step carries its own timeout; the approval is never in the sum', () => {
  const run = regionSwitchModel(withTimeouts({ approvalMinutes: 5, scalingMinutes: 6, databaseMinutes: 7, dnsMinutes: 8 }), 'us-east-1', 'graceful');
  expect(run.steps.map((s) => s.timeoutMinutes)).toEqual([5, 6, 7, 8]);
  expect(run.steps[0]).toMatchObject({ block: 'approval', seconds: null });
  expect(run.seconds).toBe(451);
});

test('the slowest run is a graceful one (it waits for the lag too)', () => {
  const slowest = regionSwitchRuns(config).reduce((a, b) => (b.seconds > a.seconds ? b : a));
  expect(slowest).toMatchObject({ mode: 'graceful', seconds: 451 });
});

test('the model follows the plan\'s own workflow: behind Global Accelerator there is no DNS step, so none is counted', () => {
  const data = defaultConfigData();
  data.edge = { ...data.edge, frontDoor: 'globalAccelerator' };
  const run = regionSwitchModel(parseConfig(data, 'accelerator'), 'us-west-2', 'graceful');
  expect(run.steps.map((s) => s.name)).toEqual(['approve', 'scale', 'databases']);
  // 120 + 181: the plan ends with the databases.
  expect([run.seconds, run.writesBackSeconds]).toEqual([301, 301]);
});

test('an unknown target is refused', () => {
  expect(() => regionSwitchModel(config, 'eu-west-1', 'graceful')).toThrow(/target region eu-west-1 is not one of us-east-1, us-west-2/);
});

describe('the report', () => {
  const rendered = readRendered(path.join(ROOT, 'manifests'), config);

  test('models all four runs and holds them to budgets.regionSwitchSeconds', () => {
    const report = buildReport(config, rendered);
    expect(report.regionSwitch.map((r) => [r.target, r.mode, r.seconds])).toEqual([
      ['us-east-1', 'graceful', 451],
      ['us-east-1', 'ungraceful', 450],
      ['us-west-2', 'graceful', 451],
      ['us-west-2', 'ungraceful', 450],
    ]);
    expect(report.violations.filter((v) => v.startsWith('Region switch'))).toEqual([]);
    expect(report.markdown).toMatch(/### Region switch: the modeled RTO/);
    expect(report.markdown).toMatch(/\*\*451 s\*\* ✓/);
  });

  test('a budget below the slowest run is a violation naming the run and its steps', () => {
    const data = defaultConfigData();
    data.budgets.regionSwitchSeconds = 450;
    const report = buildReport(parseConfig(data), rendered);
    expect(report.violations.filter((v) => v.startsWith('Region switch'))).toEqual([
      'Region switch to us-east-1 (graceful): the plan runs 451 s after its approval, above budgets.regionSwitchSeconds 450 s: eksScaling 120 s, globalAurora 181 s, route53HealthCheck 150 s; the slowest step is the one to shorten, or raise the budget',
      'Region switch to us-west-2 (graceful): the plan runs 451 s after its approval, above budgets.regionSwitchSeconds 450 s: eksScaling 120 s, globalAurora 181 s, route53HealthCheck 150 s; the slowest step is the one to shorten, or raise the budget',
    ]);
  });

  test('the data table gives the region-loss RTO of order writes from the plan, not "a human decision"', () => {
    const report = buildReport(config, rendered);
    expect(report.data[0].regionRto).toBe('writes back 300 s after the Region switch plan is approved (a person\'s decision, not modeled): scaling, then the failover (~180 s)');
    expect(report.markdown).not.toMatch(/a human decision/);
  });
});
