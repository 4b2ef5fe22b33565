/**
 * The region failover procedure of the data tier and the public DNS, as exact commands for an
 * environment. The ACK RDS controller has no global-cluster switchover or failover, and each
 * region's external-dns owns only its own record, so the promotion itself goes through the AWS API;
 * the config and git then follow what AWS did.
 */
import { publicHostname } from '../config/hostnames';
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
  // Route 53 lists names fully qualified, with the trailing dot.
  const publicName = `${publicHostname(config)}.`;
  const zone = config.dns.hostedZoneId;
  const secondaryInstances = config.data.orders.secondaryInstances;
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
    `# 4. Swap PRIMARY and SECONDARY of ${publicName} in one Route 53 change. Route 53 allows one PRIMARY`,
    '#    per name, and each region\'s external-dns owns only its own record, so neither can flip alone.',
    '#    The TXT ownership records carry the same routing policy and are swapped with them.',
    `aws route53 list-resource-record-sets --hosted-zone-id ${zone} --query "ResourceRecordSets[?Name=='${publicName}' && Failover]" > records.json`,
    `jq '{Comment: "promote ${target}", Changes: [.[] | {Action: "UPSERT", ResourceRecordSet: (.Failover |= (if . == "PRIMARY" then "SECONDARY" else "PRIMARY" end))}]}' records.json > swap.json`,
    'jq -r \'.Changes[].ResourceRecordSet | [.Type, .SetIdentifier, .Failover] | @tsv\' swap.json   # check: every record flips',
    `aws route53 change-resource-record-sets --hosted-zone-id ${zone} --change-batch file://swap.json`,
    '',
    '# 5. Make the config and git follow: set the new primary region, render, review, commit.',
    `#    In config/environments/${config.name}.yaml, set "primaryRegion: ${target}", and give ${target} the`,
    `#    services' primary floors (minReplicas) and ${current} the standby ones; the HPAs will already have scaled.`,
    `npm run synth -- --config config/environments/${config.name}.yaml`,
    `git diff --stat manifests/ argocd/   # GlobalClusters and master credentials move to manifests/${target}/data.yaml; PRIMARY to ${target}`,
    `git commit -am "Promote ${target} to primary for ${config.name}" && git push`,
    '#    Argo CD syncs both regions (external-dns then finds the records as rendered); ACK adopts what exists.',
    '',
    '# 6. Restart the database clients in both regions: the endpoint exports swap (writer in the new primary,',
    '#    local reader with write forwarding in the new secondary) and pods read them at start.',
    ...config.regions.map((r) => `kubectl --context <${r.name} cluster> -n ${config.namespace} rollout restart deployment/orders deployment/catalog`),
    '',
    `# 7. In the ${current} cluster, remove the objects the new layout no longer renders. Argo CD never prunes`,
    '#    data objects (Prune=false) and ACK retains the AWS resources, so this only stops two controllers',
    '#    managing one global cluster; delete surplus instances in AWS afterwards, deliberately.',
    `kubectl --context <${current} cluster> -n ${config.namespace} delete globalclusters.rds.services.k8s.aws orders catalog`,
    ...(config.data.orders.primaryInstances > secondaryInstances
      ? [`kubectl --context <${current} cluster> -n ${config.namespace} delete dbinstances.rds.services.k8s.aws ${Array.from({ length: config.data.orders.primaryInstances - secondaryInstances }, (_, i) => `orders-${secondaryInstances + i + 1} catalog-${secondaryInstances + i + 1}`).join(' ')}`]
      : []),
    '',
    '# 8. Redis is regional: checkout sessions held in the old primary region are not in the new one.',
    '#    Customers mid-checkout start checkout again; carts are safe (DynamoDB global table).',
  ];
  if (mode === 'failover') {
    lines.push(
      '',
      `# 9. Until step 4 is done, keep ${current} out of DNS when it comes back, so its old PRIMARY record cannot`,
      `#    send customers to a demoted database: aws route53 update-health-check --inverted --health-check-id <${current}'s id>`,
      `#    When ${current} is back, its clusters rejoin as secondaries only after Aurora resynchronises them;`,
      `#    check with describe-global-clusters, then switch back with --mode switchover --target ${current} if wanted.`,
    );
  }
  return lines;
}
