/**
 * Making another region the primary, as exact commands for an environment, in an order that never sends
 * customers to the dead or demoted region, each step followed by the check that must pass before the
 * next one. The ACK RDS controller cannot switch over or fail over a global cluster (rds-controller
 * v1.11.1 has no such call) and each region's external-dns owns only its own record, so the promotion
 * goes through the AWS API; git then follows what AWS did.
 */
import { publicHostname, regionalHostname } from '../config/hostnames';
import { PlatformOutputs } from '../config/outputs';
import { PlatformConfig } from '../config/schema';
import { DATA_PROXY_ENDPOINT_SOURCES, DATA_PROXY_ENDPOINTS } from '../charts/constants';

export type PromotionMode = 'switchover' | 'failover';

/** A check an operator runs after a step; the next step waits until it shows `expect`. */
export interface PromotionCheck {
  readonly command: string;
  readonly expect: string;
}

export interface PromotionStep {
  readonly title: string;
  /** Why this step, here. */
  readonly why: string;
  /** What changes something (may be empty for a pure check). */
  readonly run: string[];
  /** What must be true before the next step. */
  readonly verify: PromotionCheck[];
}

/** The Aurora global databases of an environment. */
export function globalDatabases(config: PlatformConfig): Array<{ name: 'orders' | 'catalog'; id: string }> {
  return (['orders', 'catalog'] as const).map((name) => ({ name, id: `securecart-${config.name}-${name}` }));
}

/** Children of each region's calculated health check (reachable, can sell): a threshold above it fences the region. */
export const REGION_HEALTH_CHILDREN = 2;

/** The steps that make `target` the primary region, in order. */
export function promotionSteps(config: PlatformConfig, outputs: PlatformOutputs, target: string, mode: PromotionMode): PromotionStep[] {
  const current = config.primaryRegion;
  if (!config.regions.some((r) => r.name === target)) {
    throw new Error(`--target ${target} is not a region of ${config.name}: use one of ${config.regions.map((r) => r.name).join(', ')}`);
  }
  if (target === current) throw new Error(`--target ${target} is already the primary region of ${config.name}: pick a secondary region`);
  const dbs = globalDatabases(config);
  const ns = config.namespace;
  const zone = config.dns.hostedZoneId;
  const publicName = publicHostname(config);
  const envFile = `config/environments/${config.name}.yaml`;
  const healthCheck = (region: string) => outputs.regions[region].healthCheckId;
  const kubectl = (region: string, args: string) => `kubectl --context <${region} cluster> ${args}`;
  const since = (minutes: number) => `--start-time "$(date -u -d '-${minutes} min' +%FT%TZ)" --end-time "$(date -u +%FT%TZ)"`;
  const clusterArn = (db: string, region: string) => `arn:aws:rds:${region}:${config.accountId}:cluster:${db}-${region}`;

  const checks = {
    /** Route 53's health of a region (HealthCheckStatus is published for calculated checks too, in us-east-1). */
    health: (region: string, healthy: boolean): PromotionCheck => ({
      command: `aws cloudwatch get-metric-statistics --region us-east-1 --namespace AWS/Route53 --metric-name HealthCheckStatus --dimensions Name=HealthCheckId,Value=${healthCheck(region)} --statistics Minimum --period 60 ${since(3)} --query 'Datapoints[].Minimum'`,
      expect: healthy ? `only 1.0 (${region} healthy)` : `0.0 in the latest minute (${region} unhealthy)`,
    }),
    /** What Route 53 answers for the public name right now, against the region's own ALB. */
    dnsAnswers: (region: string): PromotionCheck => ({
      command: `aws route53 test-dns-answer --hosted-zone-id ${zone} --record-name ${publicName} --record-type A --query RecordData && dig +short ${regionalHostname(config, region)}`,
      expect: `the same addresses twice: ${publicName} is answered with ${region}'s ALB`,
    }),
    writer: (db: { id: string }, region: string): PromotionCheck => ({
      command: `aws rds describe-global-clusters --region ${region} --global-cluster-identifier ${db.id} --query 'GlobalClusters[0].[Status, GlobalClusterMembers[?IsWriter].DBClusterArn | [0]]'`,
      expect: `["available", "${clusterArn(db.id, region)}"]`,
    }),
    lag: (db: { name: string; id: string }, region: string): PromotionCheck => ({
      command: `aws cloudwatch get-metric-statistics --region ${region} --namespace AWS/RDS --metric-name ${db.name === 'orders' ? 'AuroraGlobalDBRPOLag' : 'AuroraGlobalDBReplicationLag'} --dimensions Name=DBClusterIdentifier,Value=${db.id}-${region} --statistics Maximum --period 60 ${since(10)} --query 'Datapoints[].Maximum'`,
      expect: `every value below ${config.data.replicationLagAlarmSeconds * 1000} (ms)`,
    }),
    argoSynced: (region: string): PromotionCheck => ({
      command: `${kubectl(region, "-n argocd get applications securecart-data securecart-apps securecart-edge -o jsonpath='{range .items[*]}{.metadata.name} {.status.sync.revision} {.status.sync.status} {.status.health.status}{\"\\n\"}{end}'")}; git rev-parse HEAD`,
      expect: 'each Application on the pushed commit (git rev-parse HEAD), Synced and Healthy',
    }),
    endpoint: (db: { name: 'orders' | 'catalog'; id: string }, region: string, role: 'writer' | 'reader'): PromotionCheck => {
      // With RDS Proxy (the region's data-access stack in the outputs) the pods read the proxy's
      // read/write (writer) or read-only (reader) endpoint from data-proxy-endpoints (charts/workloads.ts).
      const proxies = outputs.regions[region].proxyEndpoints;
      if (proxies) {
        const { key, output } = DATA_PROXY_ENDPOINT_SOURCES[db.name][role === 'writer' ? 'readWrite' : 'readOnly'];
        const host = proxies[output];
        return {
          command: `${kubectl(region, `-n ${ns} get deployment ${db.name} -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="${db.name.toUpperCase()}_DB_HOST")].valueFrom.configMapKeyRef.key}'`)}; ${kubectl(region, `-n ${ns} get configmap ${DATA_PROXY_ENDPOINTS.configMap} -o jsonpath='{.data.${key}}'`)}`,
          expect: `${key} then ${host}: ${db.name} in ${region} uses its proxy's ${role === 'writer' ? 'read/write' : 'read-only'} endpoint`,
        };
      }
      return {
        command: `${kubectl(region, `-n ${ns} get configmap data-endpoints -o jsonpath='{.data.${db.name}-db-host}'`)}; aws rds describe-db-clusters --region ${region} --db-cluster-identifier ${db.id}-${region} --query 'DBClusters[0].${role === 'writer' ? 'Endpoint' : 'ReaderEndpoint'}'`,
        expect: `the same host twice: ${db.name} in ${region} uses its ${role} endpoint`,
      };
    },
    rollout: (region: string): PromotionCheck => ({
      command: `${kubectl(region, `-n ${ns} rollout status deployment/orders --timeout=10m`)} && ${kubectl(region, `-n ${ns} rollout status deployment/catalog --timeout=10m`)}`,
      expect: 'both "successfully rolled out"',
    }),
    primaryRecord: (region: string): PromotionCheck => ({
      command: `aws route53 list-resource-record-sets --hosted-zone-id ${zone} --query "ResourceRecordSets[?Name=='${publicName}.' && Type=='A'].[SetIdentifier,Failover]"`,
      expect: `[["${region}", "PRIMARY"], [<the other region>, "SECONDARY"]]`,
    }),
    rpoBound: (region: string, value: string): PromotionCheck => ({
      command: `aws rds describe-db-cluster-parameters --region ${region} --db-cluster-parameter-group-name securecart-${config.name}-orders-tls --query "Parameters[?ParameterName=='rds.global_db_rpo'].ParameterValue"`,
      expect: value,
    }),
  };

  const restartClients = (region: string, why: string): PromotionStep => ({
    title: `Restart the database clients in ${region}`,
    why,
    run: [kubectl(region, `-n ${ns} rollout restart deployment/orders deployment/catalog`)],
    verify: [checks.rollout(region)],
  });

  const swapRecords: PromotionStep = {
    title: `Make ${target}'s record of ${publicName} the PRIMARY`,
    why: `Route 53 allows one PRIMARY per name and each region's external-dns owns only its own record, so neither can flip alone. The TXT ownership records carry the same routing and are swapped with them. After this, external-dns finds the records as git renders them.`,
    run: [
      `aws route53 list-resource-record-sets --hosted-zone-id ${zone} --query "ResourceRecordSets[?Name=='${publicName}.' && Failover]" > records.json`,
      `jq '{Comment: "promote ${target}", Changes: [.[] | {Action: "UPSERT", ResourceRecordSet: (.Failover |= (if . == "PRIMARY" then "SECONDARY" else "PRIMARY" end))}]}' records.json > swap.json`,
      `jq -r '.Changes[].ResourceRecordSet | [.Type, .SetIdentifier, .Failover] | @tsv' swap.json   # every record flips`,
      `aws route53 change-resource-record-sets --hosted-zone-id ${zone} --change-batch file://swap.json`,
    ],
    verify: [checks.primaryRecord(target)],
  };

  const gitPush = (extra: string[]): PromotionStep => ({
    title: `Make git describe ${target} as the primary, and let Argo CD apply it in ${target}`,
    why: `The endpoint exports follow primaryRegion (${target}'s clients get its writer endpoint) and so do the records' roles; the pods only read the exports when they start, so nothing restarts before the new exports are in place.`,
    run: [
      `# In ${envFile}: primaryRegion: ${target}; give ${target} the primary's floors (minReplicas) and ${current} the standby's.`,
      ...extra,
      `npm run synth -- --config ${envFile} && npm run resilience`,
      `git diff --stat manifests/ argocd/   # GlobalClusters, master credentials and the RPO bound move to manifests/${target}/data.yaml; PRIMARY to ${target}`,
      `git commit -am "Promote ${target} to primary for ${config.name}" && git push`,
      `argocd app sync securecart-root --context <${target} cluster>   # or wait for the next poll (3 minutes)`,
    ],
    verify: [checks.argoSynced(target), ...dbs.map((db) => checks.endpoint(db, target, 'writer'))],
  });

  const dbSteps: PromotionStep =
    mode === 'switchover'
      ? {
          title: `Switch both global databases over to ${target}`,
          why: 'Aurora waits for the secondary to catch up before it swaps roles: nothing is lost. Until the clients restart (below), writes in the old primary fail: its clusters are now secondaries.',
          run: dbs.map((db) => `aws rds switchover-global-cluster --region ${target} --global-cluster-identifier ${db.id} --target-db-cluster-identifier ${clusterArn(db.id, target)}`),
          verify: dbs.map((db) => checks.writer(db, target)),
        }
      : {
          title: `Fail both global databases over to ${target}`,
          why: `The primary region is down: writes not yet replicated are lost, at most the RPO bound (${config.data.ordersRpoBoundSeconds ?? 'none'} s for orders; catalog's replication lag).`,
          run: dbs.map((db) => `aws rds failover-global-cluster --region ${target} --global-cluster-identifier ${db.id} --target-db-cluster-identifier ${clusterArn(db.id, target)} --allow-data-loss`),
          verify: dbs.map((db) => checks.writer(db, target)),
        };

  if (mode === 'switchover') {
    return [
      {
        title: `Check that ${target} can take over`,
        why: 'A switchover to a region that cannot serve, or whose databases lag, would only move the outage.',
        run: [],
        verify: [checks.health(target, true), ...dbs.map((db) => checks.lag(db, target))],
      },
      dbSteps,
      gitPush([]),
      restartClients(target, `Its orders and catalog pods read the writer endpoints only at start; the check above proved the new exports are in place.`),
      swapRecords,
      {
        title: `Check that ${current} follows as the secondary`,
        why: `Its Argo CD applies the secondary layout: its exports now hold its reader endpoints (write forwarding to ${target}).`,
        run: [`argocd app sync securecart-root --context <${current} cluster>   # or wait for the next poll`],
        verify: [checks.argoSynced(current), ...dbs.map((db) => checks.endpoint(db, current, 'reader')), checks.dnsAnswers(target)],
      },
      restartClients(current, 'Its orders and catalog pods still hold the endpoints of a writer that is now a secondary; the check above proved the reader exports are in place.'),
      cleanup(config, current),
    ];
  }

  const threshold = REGION_HEALTH_CHILDREN + 1;
  return [
    {
      title: `Fence ${current} out of DNS, whatever its endpoints answer`,
      why: `A calculated health check with a threshold above its number of children (${REGION_HEALTH_CHILDREN}) is always unhealthy (Route 53 API reference, HealthThreshold), so ${current} cannot take traffic back when it returns with demoted databases. (Inverting a check would not do: an inverted check of a dead endpoint is healthy.) While fenced, do not deploy the health stack: it would reset the threshold.`,
      run: [`aws route53 update-health-check --health-check-id ${healthCheck(current)} --health-threshold ${threshold}`],
      verify: [checks.health(current, false), checks.dnsAnswers(target)],
    },
    dbSteps,
    gitPush([
      `# Also data.ordersRpoBoundSeconds: null: no secondary replicates now, and with the bound Aurora would block every order commit in ${target} (rds.global_db_rpo).`,
    ]),
    {
      title: `Check that ${target} takes order writes without a bound`,
      why: 'The bound stays lifted until a secondary replicates again (last step).',
      run: [],
      verify: [checks.rpoBound(target, '[] or [null]: rds.global_db_rpo is not set')],
    },
    restartClients(target, `Its orders and catalog pods read the writer endpoints only at start; the check above proved the new exports are in place.`),
    swapRecords,
    {
      title: `When ${current} is back: check that it has rejoined as a caught-up secondary`,
      why: `Aurora resynchronises ${current}'s clusters as secondaries; its Argo CD applies the secondary layout and reader exports. Until then it stays fenced.`,
      run: [`argocd app sync securecart-root --context <${current} cluster>   # or wait for the next poll`],
      verify: [...dbs.map((db) => checks.lag(db, current)), checks.argoSynced(current), ...dbs.map((db) => checks.endpoint(db, current, 'reader'))],
    },
    restartClients(current, 'Its orders and catalog pods still hold the endpoints of the old writer; the check above proved the reader exports are in place.'),
    {
      title: `Restore the RPO bound in ${target}`,
      why: `A caught-up secondary replicates again, so the bound no longer blocks commits; without it a region loss could cost more than ${config.data.ordersRpoBoundSeconds ?? 20} s of orders.`,
      run: [`# In ${envFile}: data.ordersRpoBoundSeconds back to ${config.data.ordersRpoBoundSeconds ?? 20}; npm run synth; commit; push.`],
      verify: [checks.argoSynced(target), checks.rpoBound(target, `["${config.data.ordersRpoBoundSeconds ?? 20}"]`)],
    },
    {
      title: `Lift the fence: ${current} may take traffic again, as the SECONDARY`,
      why: 'Its record is the SECONDARY since the swap, so customers reach it only if the new primary fails.',
      run: [`aws route53 update-health-check --health-check-id ${healthCheck(current)} --health-threshold ${REGION_HEALTH_CHILDREN}`],
      verify: [checks.health(current, true), checks.dnsAnswers(target)],
    },
    cleanup(config, current),
  ];
}

/** Objects the old primary's cluster still holds but no longer renders (ACK retains the AWS resources). */
function cleanup(config: PlatformConfig, old: string): PromotionStep {
  const secondaryInstances = config.data.orders.secondaryInstances;
  const surplus = config.data.orders.primaryInstances - secondaryInstances;
  const kubectl = (args: string) => `kubectl --context <${old} cluster> -n ${config.namespace} ${args}`;
  return {
    title: `Remove from ${old}'s cluster what its new layout no longer renders`,
    why: 'Argo CD never prunes data objects (Prune=false) and ACK retains the AWS resources, so this only stops two controllers managing one global cluster; surplus instances are deleted in AWS afterwards, deliberately. Redis is regional: checkout sessions held in the old region are not in the new one (carts are, in DynamoDB).',
    run: [
      kubectl('delete globalclusters.rds.services.k8s.aws orders catalog'),
      ...(surplus > 0 ? [kubectl(`delete dbinstances.rds.services.k8s.aws ${Array.from({ length: surplus }, (_, i) => `orders-${secondaryInstances + i + 1} catalog-${secondaryInstances + i + 1}`).join(' ')}`)] : []),
    ],
    verify: [
      { command: kubectl('get globalclusters.rds.services.k8s.aws'), expect: 'No resources found' },
      { command: `aws rds describe-global-clusters --query 'GlobalClusters[].GlobalClusterIdentifier'`, expect: `both securecart-${config.name}-orders and securecart-${config.name}-catalog still listed (retained)` },
    ],
  };
}

/** The steps as text, for the terminal. */
export function promotionPlan(config: PlatformConfig, outputs: PlatformOutputs, target: string, mode: PromotionMode): string[] {
  const steps = promotionSteps(config, outputs, target, mode);
  const lines = [
    `# Promote ${target} to primary for environment ${config.name} (now: ${config.primaryRegion}), mode: ${mode}`,
    mode === 'switchover'
      ? '# switchover: planned, both regions up; Aurora waits for the secondary to catch up, so nothing is lost (RPO 0).'
      : '# failover: the primary region is down; committed writes not yet replicated are lost (at most the RPO bound).',
    '# Run each step, then its checks; go on only when every check shows what it expects.',
  ];
  steps.forEach((step, i) => {
    lines.push('', `## ${i + 1}. ${step.title}`, `# ${step.why}`, ...step.run);
    for (const check of step.verify) lines.push(`# check: ${check.command}`, `#   expect: ${check.expect}`);
  });
  return lines;
}
