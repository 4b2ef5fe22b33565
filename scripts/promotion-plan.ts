/**
 * The region failover procedure of the data tier, as exact commands for an environment. The ACK RDS
 * controller has no global-cluster switchover or failover, so promotion goes through the AWS API; the
 * config and git then follow what AWS did.
 */
import { PlatformConfig } from '../config/schema';

export type PromotionMode = 'switchover' | 'failover';

/** The Aurora global databases of an environment. */
export function globalDatabases(config: PlatformConfig): Array<{ name: 'orders' | 'catalog'; id: string }> {
  return (['orders', 'catalog'] as const).map((name) => ({ name, id: `securecart-${config.name}-${name}` }));
}

/** Commands and steps that make `target` the primary region, in order. */
export function promotionPlan(config: PlatformConfig, target: string, mode: PromotionMode): string[] {
  const current = config.primaryRegion;
  if (!config.regions.some((r) => r.name === target)) {
    throw new Error(`--target ${target} is not a region of ${config.name}: use one of ${config.regions.map((r) => r.name).join(', ')}`);
  }
  if (target === current) throw new Error(`--target ${target} is already the primary region of ${config.name}: pick a secondary region`);
  const arn = (db: string) => `arn:aws:rds:${target}:${config.accountId}:cluster:${db}-${target}`;
  const dbs = globalDatabases(config);
  const lines = [
    `# Promote ${target} to primary for environment ${config.name} (now: ${current}), mode: ${mode}`,
    mode === 'switchover'
      ? '# switchover: planned, the primary is healthy; Aurora waits for the secondary to catch up, so nothing is lost (RPO 0).'
      : '# failover: the primary region is down; committed writes not yet replicated are lost (RPO = the replication lag, typically < 1 s).',
    '',
    '# 1. Check the global databases and the replication lag of the target.',
    ...dbs.map((d) => `aws rds describe-global-clusters --region ${target} --global-cluster-identifier ${d.id}`),
    ...dbs.map(
      (d) =>
        `aws cloudwatch get-metric-statistics --region ${target} --namespace AWS/RDS --metric-name AuroraGlobalDBReplicationLag --dimensions Name=DBClusterIdentifier,Value=${d.id}-${target} --statistics Maximum --period 60 --start-time "$(date -u -d '-10 min' +%FT%TZ)" --end-time "$(date -u +%FT%TZ)"`,
    ),
    '',
    `# 2. Promote the ${target} cluster of every global database.`,
    ...dbs.map((d) =>
      mode === 'switchover'
        ? `aws rds switchover-global-cluster --region ${target} --global-cluster-identifier ${d.id} --target-db-cluster-identifier ${arn(d.id)}`
        : `aws rds failover-global-cluster --region ${target} --global-cluster-identifier ${d.id} --target-db-cluster-identifier ${arn(d.id)} --allow-data-loss`,
    ),
    '',
    `# 3. Wait until each global cluster shows ${target} as its writer (IsWriter=true) and Status=available.`,
    ...dbs.map((d) => `aws rds describe-global-clusters --region ${target} --global-cluster-identifier ${d.id} --query 'GlobalClusters[0].[Status,GlobalClusterMembers[].[DBClusterArn,IsWriter]]'`),
    '',
    '# 4. Make the config and git follow: set the new primary region, render, review, commit.',
    `#    In config/environments/${config.name}.yaml, set "primaryRegion: ${target}", and give ${target} the`,
    `#    services' primary floors (minReplicas) and ${current} the standby ones; the HPAs will already have scaled.`,
    `npm run synth -- --config config/environments/${config.name}.yaml`,
    `git diff --stat manifests/   # the GlobalClusters and master credentials move to manifests/${target}/data.yaml`,
    `git commit -am "Promote ${target} to primary for ${config.name}" && git push`,
    '#    Argo CD syncs both regions; ACK adopts the existing AWS resources (adoption-policy adopt-or-create).',
    '',
    '# 5. Redis is regional: checkout sessions held in the old primary region are not in the new one.',
    '#    Customers mid-checkout start checkout again; carts are safe (DynamoDB global table).',
  ];
  if (mode === 'failover') {
    lines.push(
      '',
      `# 6. When ${current} is back, its old clusters rejoin as secondaries only after Aurora resynchronises them;`,
      `#    check with describe-global-clusters, then switch back with --mode switchover --target ${current} if wanted.`,
    );
  }
  return lines;
}
