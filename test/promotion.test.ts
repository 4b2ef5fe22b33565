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

  test('swaps PRIMARY and SECONDARY of the public name in one Route 53 batch, after the databases and before git', () => {
    const plan = promotionPlan(config, 'us-west-2', 'switchover');
    const swap = plan.findIndex((l) => l.startsWith('aws route53 change-resource-record-sets --hosted-zone-id Z0123456789EXAMPLE0001 --change-batch file://swap.json'));
    const jq = plan.find((l) => l.startsWith("jq '{Comment"))!;
    expect(jq).toContain('if . == "PRIMARY" then "SECONDARY" else "PRIMARY" end');
    expect(plan.some((l) => l.includes("Name=='shop.securecart.example.com.' && Failover"))).toBe(true);
    expect(swap).toBeGreaterThan(plan.findIndex((l) => l.startsWith('aws rds switchover-global-cluster')));
    expect(swap).toBeLessThan(plan.indexOf('npm run synth -- --config config/environments/prod.yaml'));
  });

  test('restarts the database clients in every region and removes what the old primary no longer renders', () => {
    const plan = promotionPlan(config, 'us-west-2', 'switchover');
    expect(plan.filter((l) => l.includes('rollout restart deployment/orders deployment/catalog'))).toHaveLength(2);
    expect(plan).toContain('kubectl --context <us-east-1 cluster> -n securecart delete globalclusters.rds.services.k8s.aws orders catalog');
    expect(plan).toContain('kubectl --context <us-east-1 cluster> -n securecart delete dbinstances.rds.services.k8s.aws orders-2 catalog-2');
    expect(plan.join('\n')).toContain('set "primaryRegion: us-west-2"');
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
