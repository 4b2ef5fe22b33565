/**
 * `npm run data:promote` explains the Region switch: the plan's steps in the plan's order with what each
 * waits for, how to run, approve, watch and roll it back, and the same switch by hand when the plan
 * cannot run, every manual step followed by a check.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { parseConfig } from '../config/load';
import { manualSteps, planSteps, PromotionStep, promotionPlan, regionHealthChildren } from '../resilience/promotion';
import { defaultConfigData, defaultInput, ROOT } from './helpers';

const { config, outputs } = defaultInput();
const [home, other] = ['us-east-1', 'us-west-2'];
const all = (s: PromotionStep[]) => s.flatMap((x) => [...x.run, ...x.verify.map((v) => v.command)]).join('\n');
const stepOf = (s: PromotionStep[], pattern: RegExp) => s.findIndex((x) => x.run.some((c) => pattern.test(c)));

describe.each(['switchover', 'failover'] as const)('%s', (mode) => {
  test.each([home, other])('to %s: the plan\'s steps in the plan\'s order, each with a check an operator can run (but the approval)', (target) => {
    const steps = planSteps(config, outputs, target, mode);
    expect(steps.map((s) => s.title.split(':')[0])).toEqual(['approval', 'eksScaling', 'globalAurora', 'route53HealthCheck']);
    for (const step of steps.slice(1)) {
      expect(step.verify.length).toBeGreaterThan(0);
      for (const check of step.verify) expect(check.expect.length).toBeGreaterThan(0);
    }
    expect(steps[0].verify).toEqual([]);
    // Each step names its timeout from the config.
    expect(steps.map((s) => Number(/timeout (\d+) min/.exec(s.why)![1]))).toEqual([
      config.regionSwitch.timeouts.approvalMinutes,
      config.regionSwitch.timeouts.scalingMinutes,
      config.regionSwitch.timeouts.databaseMinutes,
      config.regionSwitch.timeouts.dnsMinutes,
    ]);
  });

  test('the manual fallback: every step that changes something is followed by a check', () => {
    for (const target of [home, other]) {
      for (const step of manualSteps(config, outputs, target, mode)) {
        expect(step.verify.length).toBeGreaterThan(0);
        for (const check of step.verify) expect(check.expect.length).toBeGreaterThan(0);
      }
    }
  });

  test('by hand, the databases move before the traffic, both global databases, to the target region', () => {
    const steps = manualSteps(config, outputs, other, mode);
    const db = stepOf(steps, /(switchover|failover)-global-cluster/);
    const dns = stepOf(steps, /update-health-check/);
    expect(db).toBeGreaterThan(stepOf(steps, /scale deployment/));
    expect(dns).toBeGreaterThan(db);
    expect(steps[db].run.filter((c) => c.includes('-global-cluster --region us-west-2'))).toHaveLength(2);
    expect(steps[db].run.every((c) => (mode === 'failover' ? c.endsWith('--allow-data-loss') : !c.includes('--allow-data-loss')))).toBe(true);
    expect(steps[db].verify.map((v) => v.expect)).toEqual([
      '["available", "arn:aws:rds:us-west-2:111122223333:cluster:securecart-prod-orders-us-west-2"]',
      '["available", "arn:aws:rds:us-west-2:111122223333:cluster:securecart-prod-catalog-us-west-2"]',
    ]);
  });

  test('by hand, the home is fenced above its children (never by inverting a check), and let back in when it is the target', () => {
    const away = manualSteps(config, outputs, other, mode);
    const fence = away[stepOf(away, /update-health-check/)];
    expect(fence.run).toEqual([`aws route53 update-health-check --health-check-id ${outputs.regions[home].healthCheckId} --health-threshold ${regionHealthChildren(config, home) + 1}`]);
    expect(all(away)).not.toMatch(/--inverted|--disabled/);
    const back = manualSteps(config, outputs, home, mode);
    expect(back[stepOf(back, /update-health-check/)].run.join('\n')).toMatch(new RegExp(`--health-threshold ${regionHealthChildren(config, home)}$`));
  });

  test('nothing restarts and nothing is rendered: no rollout, no commit, no synth', () => {
    const text = promotionPlan(config, outputs, other, mode).join('\n');
    expect(text).not.toMatch(/rollout restart|git commit|npm run synth/);
    expect(text).toMatch(/Git does not change/);
  });
});

test('the explanation names the plan, the execution mode and the commands to start, approve and watch it, in the target region', () => {
  const text = promotionPlan(config, outputs, other, 'failover').join('\n');
  expect(text).toMatch(/start-plan-execution --region us-west-2 .* --target-region us-west-2 --action activate --mode ungraceful/);
  expect(text).toMatch(/approve-plan-execution-step --region us-west-2 .* --step-name approve --approval approve/);
  expect(text).toMatch(/get-plan-execution --region us-west-2/);
  expect(promotionPlan(config, outputs, other, 'switchover').join('\n')).toMatch(/--mode graceful/);
});

// Reset by hand, not by removing it from git alone: ACK only resets a parameter missing from the spec when
// it differs from the engine default, and skips it when the default has no value (rds-controller v1.11.1
// pkg/resource/db_cluster_parameter_group/hooks.go:295-310 getParameters, :331-342 paramDiffersFromDefault).
test('a failover back to the home says how to lift the RPO bound, which would pause order commits', () => {
  const text = promotionPlan(config, outputs, home, 'failover').join('\n');
  expect(text).toMatch(/pauses order commits in us-east-1/);
  expect(text).toMatch(/reset-db-cluster-parameter-group --region us-east-1 .*ParameterName=rds.global_db_rpo/);
  expect(promotionPlan(config, outputs, other, 'failover').join('\n')).not.toMatch(/reset-db-cluster-parameter-group/);
});

test('with the plan\'s vended check configured, the home has three children and the manual way back removes the vended one', () => {
  const data = defaultConfigData();
  data.regionSwitch = { healthCheckIds: { [home]: '11111111-2222-3333-4444-555555555555' } };
  const withCheck = parseConfig(data);
  expect(regionHealthChildren(withCheck, home)).toBe(3);
  expect(regionHealthChildren(withCheck, other)).toBe(2);
  const back = manualSteps(withCheck, outputs, home, 'switchover');
  expect(back[stepOf(back, /update-health-check/)].run.join('\n')).toMatch(/grep -v 11111111-2222-3333-4444-555555555555[\s\S]*--child-health-checks \$children --health-threshold 2/);
});

test('an unknown region is refused with the regions to use', () => {
  expect(() => planSteps(config, outputs, 'eu-west-1', 'failover')).toThrow(/--target eu-west-1 is not a region of prod: use one of us-east-1, us-west-2/);
});

test('npm run data:promote prints the explanation and exits 0; a bad mode or no target fails naming it', () => {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const run = (args: string[]) => spawnSync(tsx, [path.join(ROOT, 'scripts', 'promote.ts'), ...args], { encoding: 'utf8', cwd: ROOT });
  const ok = run(['--target', other]);
  expect(ok.status).toBe(0);
  expect(ok.stdout).toMatch(/^# Region switch for prod: activate us-west-2 \(switchover: execution mode graceful\)/);
  const bad = run(['--target', other, '--mode', 'sideways']);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/--mode "sideways" is not switchover or failover/);
  const missing = run([]);
  expect(missing.status).toBe(2);
  expect(missing.stderr).toMatch(/--target is required/);
});
