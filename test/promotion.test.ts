/**
 * The region promotion plan: steps in an order that never sends customers to a dead or demoted region,
 * each followed by a check that proves its outcome before the next one.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { PromotionStep, promotionPlan, promotionSteps, REGION_HEALTH_CHILDREN } from '../resilience/promotion';
import { defaultInput, ROOT } from './helpers';

const { config, outputs } = defaultInput();
const [current, target] = ['us-east-1', 'us-west-2'];
const steps = (mode: 'switchover' | 'failover') => promotionSteps(config, outputs, target, mode);
const all = (s: PromotionStep[]) => s.flatMap((x) => [...x.run, ...x.verify.map((v) => v.command)]).join('\n');
/** Index of the first step one of whose commands matches. */
const stepOf = (s: PromotionStep[], pattern: RegExp) => s.findIndex((x) => x.run.some((c) => pattern.test(c)));
const checkedIn = (s: PromotionStep[], pattern: RegExp) => s.findIndex((x) => x.verify.some((v) => pattern.test(v.command)));

describe.each(['switchover', 'failover'] as const)('%s', (mode) => {
  const plan = steps(mode);

  test('every step that changes something is followed by a check with its expected outcome', () => {
    for (const step of plan) {
      expect({ step: step.title, checks: step.verify.length }).toEqual({ step: step.title, checks: expect.any(Number) });
      expect(step.verify.length).toBeGreaterThan(0);
      for (const check of step.verify) expect(check.expect.length).toBeGreaterThan(0);
    }
  });

  test('never inverts a health check (an inverted check of a dead endpoint is healthy)', () => {
    expect(all(plan)).not.toMatch(/--inverted|--disabled/);
  });

  test('the databases move first, and both global databases are checked for their new writer', () => {
    const db = stepOf(plan, /(switchover|failover)-global-cluster/);
    expect(plan[db].run.filter((c) => c.includes('-global-cluster --region us-west-2'))).toHaveLength(2);
    expect(plan[db].verify.map((v) => v.expect)).toEqual([
      '["available", "arn:aws:rds:us-west-2:111122223333:cluster:securecart-prod-orders-us-west-2"]',
      '["available", "arn:aws:rds:us-west-2:111122223333:cluster:securecart-prod-catalog-us-west-2"]',
    ]);
    expect(plan[db].run.every((c) => (mode === 'failover' ? c.endsWith('--allow-data-loss') : !c.includes('--allow-data-loss')))).toBe(true);
  });

  test('no client restarts before Argo CD has synced its region and the endpoint exports are checked', () => {
    for (const region of [target, current]) {
      const restart = stepOf(plan, new RegExp(`--context <${region} cluster> -n securecart rollout restart deployment/orders deployment/catalog`));
      const synced = checkedIn(plan, new RegExp(`--context <${region} cluster> -n argocd get applications`));
      // The default outputs have the data-access stacks: the pods read the proxies' endpoints.
      const exported = checkedIn(plan, new RegExp(`--context <${region} cluster> -n securecart get configmap data-proxy-endpoints`));
      expect(restart).toBeGreaterThan(-1);
      expect(synced).toBeGreaterThan(-1);
      expect(synced).toBeLessThan(restart);
      expect(exported).toBeGreaterThan(-1);
      expect(exported).toBeLessThan(restart);
      // The new primary's clients point at the proxies' read/write endpoints, the old one's at the read-only ones.
      const endpointChecks = plan[exported].verify.filter((v) => v.command.includes(`<${region} cluster> -n securecart get configmap data-proxy-endpoints`));
      expect(endpointChecks).toHaveLength(2);
      for (const v of endpointChecks) expect(v.command).toMatch(region === target ? /\.data\.(orders|catalog)-proxy-read-write\}/ : /\.data\.(orders|catalog)-proxy-read-only\}/);
    }
  });

  test('the records swap only after the new primary’s clients use its writer, and the swap is checked', () => {
    const swap = stepOf(plan, /change-resource-record-sets/);
    const restart = stepOf(plan, new RegExp(`--context <${target} cluster> -n securecart rollout restart`));
    expect(restart).toBeLessThan(swap);
    expect(plan[swap].verify[0].expect).toBe('[["us-west-2", "PRIMARY"], [<the other region>, "SECONDARY"]]');
    expect(plan[swap].run.find((c) => c.startsWith("jq '{Comment"))).toContain('if . == "PRIMARY" then "SECONDARY" else "PRIMARY" end');
  });

  test('ends by removing what the old primary no longer renders, checking that AWS kept it', () => {
    const last = plan[plan.length - 1];
    expect(last.run).toEqual([
      'kubectl --context <us-east-1 cluster> -n securecart delete globalclusters.rds.services.k8s.aws orders catalog',
      'kubectl --context <us-east-1 cluster> -n securecart delete dbinstances.rds.services.k8s.aws orders-2 catalog-2',
    ]);
    expect(last.verify.map((v) => v.expect)).toEqual(['No resources found', expect.stringContaining('still listed (retained)')]);
  });
});

describe('switchover', () => {
  const plan = steps('switchover');

  test('starts by checking the target is healthy and its databases keep up', () => {
    expect(plan[0].run).toEqual([]);
    expect(plan[0].verify.map((v) => v.command).join('\n')).toMatch(/HealthCheckStatus[\s\S]*AuroraGlobalDBRPOLag[\s\S]*AuroraGlobalDBReplicationLag/);
    expect(plan[0].verify[0].command).toContain(outputs.regions[target].healthCheckId);
  });

  test('touches no health check', () => {
    expect(all(plan)).not.toContain('update-health-check');
  });
});

describe('failover', () => {
  const plan = steps('failover');
  const fence = stepOf(plan, /update-health-check .*--health-threshold 3$/);

  test('fences the dead primary first, with a threshold above its children (always unhealthy), and checks Route 53 answers with the target', () => {
    expect(fence).toBe(0);
    expect(plan[0].run).toEqual([`aws route53 update-health-check --health-check-id ${outputs.regions[current].healthCheckId} --health-threshold ${REGION_HEALTH_CHILDREN + 1}`]);
    expect(plan[0].verify.map((v) => v.expect)).toEqual(['0.0 in the latest minute (us-east-1 unhealthy)', expect.stringContaining("answered with us-west-2's ALB")]);
    expect(plan[0].verify[1].command).toContain('aws route53 test-dns-answer');
    expect(fence).toBeLessThan(stepOf(plan, /failover-global-cluster/));
  });

  test('lifts the RPO bound with the promotion (no secondary replicates), and restores it only once one has caught up', () => {
    const push = stepOf(plan, /git commit -am "Promote us-west-2/);
    expect(plan[push].run.join('\n')).toContain('data.ordersRpoBoundSeconds: null');
    const lifted = checkedIn(plan, /describe-db-cluster-parameters --region us-west-2/);
    expect(plan[lifted].verify[0].expect).toMatch(/not set/);
    const caughtUp = checkedIn(plan, /AuroraGlobalDBRPOLag .*securecart-prod-orders-us-east-1/);
    const restored = plan.findIndex((s) => s.verify.some((v) => v.expect === '["20"]'));
    expect(caughtUp).toBeGreaterThan(lifted);
    expect(restored).toBeGreaterThan(caughtUp);
  });

  test('lifts the fence last, after the old primary rejoined as a secondary and its record is the SECONDARY', () => {
    const unfence = stepOf(plan, new RegExp(`--health-threshold ${REGION_HEALTH_CHILDREN}$`));
    expect(unfence).toBeGreaterThan(stepOf(plan, /change-resource-record-sets/));
    expect(unfence).toBeGreaterThan(checkedIn(plan, /AuroraGlobalDBReplicationLag .*securecart-prod-catalog-us-east-1/));
    expect(plan[unfence].verify[0].expect).toBe('only 1.0 (us-east-1 healthy)');
  });
});

test('refuses a target that is not a secondary region', () => {
  expect(() => promotionSteps(config, outputs, 'us-east-1', 'switchover')).toThrow(/us-east-1 is already the primary region of prod/);
  expect(() => promotionSteps(config, outputs, 'eu-west-1', 'failover')).toThrow(/--target eu-west-1 is not a region of prod: use one of us-east-1, us-west-2/);
});

test('the text lists each step with its checks', () => {
  const text = promotionPlan(config, outputs, target, 'failover').join('\n');
  expect(text).toMatch(/^## 1\. Fence us-east-1 out of DNS/m);
  expect(text).toContain('# check: aws rds describe-global-clusters');
  expect(text).toContain('#   expect: ["available"');
});

test('the npm task only prints, and fails clearly without a target', () => {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const ok = spawnSync(tsx, [path.join(ROOT, 'scripts', 'promote.ts'), '--target', 'us-west-2'], { encoding: 'utf8', cwd: ROOT });
  expect(ok.status).toBe(0);
  expect(ok.stdout).toContain('# Promote us-west-2 to primary for environment prod (now: us-east-1), mode: switchover');
  const missing = spawnSync(tsx, [path.join(ROOT, 'scripts', 'promote.ts')], { encoding: 'utf8', cwd: ROOT });
  expect(missing.status).toBe(2);
  expect(missing.stderr).toMatch(/--target is required/);
});
