import { spawnSync } from 'child_process';
import * as path from 'path';
import { loadConfig } from '../config/load';
import { promotionPlan } from '../scripts/promotion-plan';
import { ROOT } from './helpers';

const config = loadConfig();

describe('data tier promotion plan', () => {
  test('switchover: checks lag, switches both global databases over to the target, then moves the config', () => {
    const plan = promotionPlan(config, 'us-west-2', 'switchover');
    const commands = plan.filter((l) => l.startsWith('aws rds switchover-global-cluster'));
    expect(commands).toEqual([
      'aws rds switchover-global-cluster --region us-west-2 --global-cluster-identifier securecart-prod-orders --target-db-cluster-identifier arn:aws:rds:us-west-2:111122223333:cluster:securecart-prod-orders-us-west-2',
      'aws rds switchover-global-cluster --region us-west-2 --global-cluster-identifier securecart-prod-catalog --target-db-cluster-identifier arn:aws:rds:us-west-2:111122223333:cluster:securecart-prod-catalog-us-west-2',
    ]);
    expect(plan.some((l) => l.includes('AuroraGlobalDBReplicationLag'))).toBe(true);
    expect(plan.join('\n')).not.toContain('--allow-data-loss');
    const check = plan.findIndex((l) => l.includes('AuroraGlobalDBReplicationLag'));
    const promote = plan.findIndex((l) => l.startsWith('aws rds switchover-global-cluster'));
    const render = plan.indexOf('npm run synth -- --config config/environments/prod.yaml');
    expect(check).toBeLessThan(promote);
    expect(promote).toBeLessThan(render);
  });

  test('failover: allows data loss explicitly and says how to come back', () => {
    const plan = promotionPlan(config, 'us-west-2', 'failover');
    expect(plan.filter((l) => l.startsWith('aws rds failover-global-cluster')).every((l) => l.endsWith('--allow-data-loss'))).toBe(true);
    expect(plan.filter((l) => l.startsWith('aws rds failover-global-cluster'))).toHaveLength(2);
    expect(plan.join('\n')).toMatch(/--mode switchover --target us-east-1/);
  });

  test('refuses a target that is not a secondary region', () => {
    expect(() => promotionPlan(config, 'us-east-1', 'switchover')).toThrow(/us-east-1 is already the primary region of prod/);
    expect(() => promotionPlan(config, 'eu-west-1', 'failover')).toThrow(/--target eu-west-1 is not a region of prod: use one of us-east-1, us-west-2/);
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
});
