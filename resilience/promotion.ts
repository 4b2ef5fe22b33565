/**
 * `npm run data:promote` explains a Region switch: what the plan (cluster/region-switch) will do when it
 * activates a region, in order, with what each step waits for and how to check it yourself; how to run,
 * approve, watch and roll it back; and, if the plan itself cannot run, the same switch by hand. Nothing
 * in git changes for a switch: the manifests are the same whichever region is active
 * (docs/architecture.md, "Region switch").
 */
import { publicHostname, regionalHostname } from '../config/hostnames';
import { PlatformOutputs } from '../config/outputs';
import { PlatformConfig } from '../config/schema';
import { DATA_ENDPOINTS, DATA_PROXY_ENDPOINT_SOURCES, DATA_PROXY_ENDPOINTS } from '../charts/constants';
import { globalDatabaseIdentifier, regionalClusterIdentifier } from '../config/data-access';
import { planHealthCheckId } from '../config/region-switch';
import { regionSwitchModel, SwitchMode } from './region-switch';

export type PromotionMode = 'switchover' | 'failover';

/** The plan's execution mode for each kind of switch: graceful switches over, ungraceful fails over. */
export const EXECUTION_MODE: Record<PromotionMode, SwitchMode> = { switchover: 'graceful', failover: 'ungraceful' };

/** A check an operator runs; the next step waits until it shows `expect`. */
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
  return (['orders', 'catalog'] as const).map((name) => ({ name, id: globalDatabaseIdentifier(config.name, name) }));
}

/** Children of a region's calculated health check: reachable and can sell, plus the plan's check in the home region once vended. */
export function regionHealthChildren(config: PlatformConfig, region: string): number {
  return 2 + (planHealthCheckId(config, region) ? 1 : 0);
}

/** The plan's ARN from the region-switch stack's outputs, or a placeholder naming where to find it. */
export function planArn(config: PlatformConfig, outputs: PlatformOutputs): string {
  return outputs.regionSwitchPlanArn ?? `<plan ARN: output RegionSwitchPlanArn of securecart-${config.name}-region-switch>`;
}

/** Checks an operator can run at each point of a switch. */
function checks(config: PlatformConfig, outputs: PlatformOutputs) {
  const ns = config.namespace;
  const zone = config.dns.hostedZoneId;
  const publicName = publicHostname(config);
  const kubectl = (region: string, args: string) => `kubectl --context <${region} cluster> ${args}`;
  const since = (minutes: number) => `--start-time "$(date -u -d '-${minutes} min' +%FT%TZ)" --end-time "$(date -u +%FT%TZ)"`;
  const clusterArn = (db: string, region: string) => `arn:aws:rds:${region}:${config.accountId}:cluster:${regionalClusterIdentifier(config.name, db as 'orders' | 'catalog', region)}`;
  return {
    /** Route 53's health of a region (HealthCheckStatus is published for calculated checks too, in us-east-1). */
    health: (region: string, healthy: boolean): PromotionCheck => ({
      command: `aws cloudwatch get-metric-statistics --region us-east-1 --namespace AWS/Route53 --metric-name HealthCheckStatus --dimensions Name=HealthCheckId,Value=${outputs.regions[region].healthCheckId} --statistics Minimum --period 60 ${since(3)} --query 'Datapoints[].Minimum'`,
      expect: healthy ? `only 1.0 (${region} healthy)` : `0.0 in the latest minute (${region} unhealthy)`,
    }),
    /** What Route 53 answers for the public name right now, against the region's own ALB. */
    dnsAnswers: (region: string): PromotionCheck => ({
      command: `aws route53 test-dns-answer --hosted-zone-id ${zone} --record-name ${publicName} --record-type A --query RecordData && dig +short ${regionalHostname(config, region)}`,
      expect: `the same addresses twice: ${publicName} is answered with ${region}'s ALB`,
    }),
    writer: (db: { name: string; id: string }, region: string): PromotionCheck => ({
      command: `aws rds describe-global-clusters --region ${region} --global-cluster-identifier ${db.id} --query 'GlobalClusters[0].[Status, GlobalClusterMembers[?IsWriter].DBClusterArn | [0]]'`,
      expect: `["available", "${clusterArn(db.name, region)}"]`,
    }),
    lag: (db: { name: string }, region: string): PromotionCheck => ({
      command: `aws cloudwatch get-metric-statistics --region ${region} --namespace AWS/RDS --metric-name ${db.name === 'orders' ? 'AuroraGlobalDBRPOLag' : 'AuroraGlobalDBReplicationLag'} --dimensions Name=DBClusterIdentifier,Value=${regionalClusterIdentifier(config.name, db.name as 'orders' | 'catalog', region)} --statistics Maximum --period 60 ${since(10)} --query 'Datapoints[].Maximum'`,
      expect: `every value below ${config.data.replicationLagAlarmSeconds * 1000} (ms)`,
    }),
    /** The host the region's pods connect to: the same before and after a switch (no restart). */
    endpoint: (db: { name: 'orders' | 'catalog' }, region: string): PromotionCheck => {
      const proxies = config.data.rdsProxy ? outputs.regions[region].proxyEndpoints : undefined;
      if (proxies) {
        const { key, output } = DATA_PROXY_ENDPOINT_SOURCES[db.name][region === config.primaryRegion ? 'readWrite' : 'readOnly'];
        return {
          command: kubectl(region, `-n ${ns} get configmap ${DATA_PROXY_ENDPOINTS.configMap} -o jsonpath='{.data.${key}}'`),
          expect: `${proxies[output]}: with data.rdsProxy on, ${db.name} in ${region} uses this proxy endpoint, which does not follow a switch (docs/operations.md, "RDS Proxy")`,
        };
      }
      const key = db.name === 'orders' ? DATA_ENDPOINTS.ordersDbHost : DATA_ENDPOINTS.catalogDbHost;
      return {
        command: `${kubectl(region, `-n ${ns} get configmap ${DATA_ENDPOINTS.configMap} -o jsonpath='{.data.${key}}'`)}; aws rds describe-db-clusters --region ${region} --db-cluster-identifier ${regionalClusterIdentifier(config.name, db.name, region)} --query 'DBClusters[0].Endpoint'`,
        expect: `the same host twice: ${db.name} in ${region} uses its cluster endpoint, which reaches the writer while ${region} is active and forwards writes while it is not`,
      };
    },
    scaled: (region: string): PromotionCheck => ({
      command: kubectl(region, `-n ${ns} get deployments ui catalog carts orders checkout -o custom-columns=NAME:.metadata.name,WANT:.spec.replicas,READY:.status.readyReplicas`),
      expect: 'READY equal to WANT for every service, WANT at least what the other region ran at its peak today',
    }),
    rpoBound: (region: string): PromotionCheck => ({
      command: `aws rds describe-db-cluster-parameters --region ${region} --db-cluster-parameter-group-name ${globalDatabaseIdentifier(config.name, 'orders')}-tls --query "Parameters[?ParameterName=='rds.global_db_rpo'].ParameterValue"`,
      expect: `["${config.data.ordersRpoBoundSeconds}"] in ${config.primaryRegion} only (the home keeps the bound; docs/operations.md, "Region switch")`,
    }),
    clusterArn,
  };
}

/** The plan's steps as it will run them to activate `target`, each with the check an operator can run. */
export function planSteps(config: PlatformConfig, outputs: PlatformOutputs, target: string, mode: PromotionMode): PromotionStep[] {
  validateTarget(config, target);
  const c = checks(config, outputs);
  const dbs = globalDatabases(config);
  const model = regionSwitchModel(config, target, EXECUTION_MODE[mode]);
  const verifyOf = {
    approval: [] as PromotionCheck[],
    eksScaling: [c.scaled(target)],
    globalAurora: [...dbs.map((db) => c.writer(db, target)), ...dbs.map((db) => c.endpoint(db, target))],
    route53HealthCheck: [c.health(model.from, target === config.primaryRegion), c.dnsAnswers(target)],
  };
  return model.steps.map((s) => ({
    title: `${s.block}: ${s.does}`,
    why: `waits for ${s.waitsFor}; ${s.seconds === null ? 'not modeled' : `about ${s.seconds} s (${s.how})`}; timeout ${s.timeoutMinutes} min, after which the execution pauses for you to retry, skip or cancel`,
    run: [],
    verify: verifyOf[s.block],
  }));
}

/** The same switch by hand, for when the plan cannot run (its evaluation fails, or ARC's data plane in the target region is down). */
export function manualSteps(config: PlatformConfig, outputs: PlatformOutputs, target: string, mode: PromotionMode): PromotionStep[] {
  validateTarget(config, target);
  const c = checks(config, outputs);
  const dbs = globalDatabases(config);
  const home = config.primaryRegion;
  const from = config.regions.find((r) => r.name !== target)!.name;
  const ns = config.namespace;
  const kubectl = (region: string, args: string) => `kubectl --context <${region} cluster> ${args}`;
  const homeCheck = outputs.regions[home].healthCheckId;
  const vended = planHealthCheckId(config, home);
  const children = regionHealthChildren(config, home);

  const steps: PromotionStep[] = [
    {
      title: `Scale ${target} to what ${from} runs`,
      why: 'The HPAs keep their floors; this only adds pods before traffic arrives (the KEDA-owned HPAs scale them back with the load afterwards).',
      run: [
        `${kubectl(from, `-n ${ns} get deployments ui catalog carts orders checkout -o custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas`)}   # if ${from} answers; else use its peak from the dashboards`,
        `${kubectl(target, `-n ${ns} scale deployment/<service> --replicas=<${from}'s count>`)}   # each service`,
      ],
      verify: [c.scaled(target)],
    },
    mode === 'switchover'
      ? {
          title: `Switch both global databases over to ${target}`,
          why: 'Aurora waits for the secondary to catch up before it swaps roles: nothing is lost. The pods keep their host: the cluster endpoints follow the roles.',
          run: dbs.map((db) => `aws rds switchover-global-cluster --region ${target} --global-cluster-identifier ${db.id} --target-db-cluster-identifier ${c.clusterArn(db.name, target)}`),
          verify: dbs.map((db) => c.writer(db, target)),
        }
      : {
          title: `Fail both global databases over to ${target}`,
          why: `${from} is down: writes not yet replicated are lost (at most the RPO bound while the home holds the writer).`,
          run: dbs.map((db) => `aws rds failover-global-cluster --region ${target} --global-cluster-identifier ${db.id} --target-db-cluster-identifier ${c.clusterArn(db.name, target)} --allow-data-loss`),
          verify: dbs.map((db) => c.writer(db, target)),
        },
  ];
  if (target !== home) {
    steps.push({
      title: `Fence ${home}'s record out of DNS, whatever its endpoints answer`,
      why: `The plan would turn its vended check unhealthy; by hand, a calculated check with a threshold above its ${children} children is always unhealthy (Route 53 API reference, HealthThreshold), so ${home}'s PRIMARY record steps aside and ${target}'s SECONDARY answers. Do not deploy the health stack while fenced: it resets the threshold.`,
      run: [`aws route53 update-health-check --health-check-id ${homeCheck} --health-threshold ${children + 1}`],
      verify: [c.health(home, false), c.dnsAnswers(target)],
    });
  } else {
    steps.push({
      title: `Let ${home}'s record answer again`,
      why: vended
        ? `If the plan last activated ${from}, its vended check of ${home} (${vended}) is unhealthy and only the plan can turn it back; by hand, take it out of ${home}'s calculated check (the health stack puts it back on its next deploy, once the plan runs again).`
        : `If ${home} was fenced by hand, restore the threshold to its ${children} children.`,
      run: vended
        ? [
            `children=$(aws route53 get-health-check --health-check-id ${homeCheck} --query 'HealthCheck.HealthCheckConfig.ChildHealthChecks' --output text | tr '\\t' '\\n' | grep -v ${vended})`,
            `aws route53 update-health-check --health-check-id ${homeCheck} --child-health-checks $children --health-threshold 2`,
          ]
        : [`aws route53 update-health-check --health-check-id ${homeCheck} --health-threshold ${children}`],
      verify: [c.health(home, true), c.dnsAnswers(target)],
    });
  }
  steps.push({
    title: `Check that ${target}'s pods reach the writer through the host they already have`,
    why: 'No restart and no render: the cluster endpoints keep their names across the switch.',
    run: [],
    verify: dbs.map((db) => c.endpoint(db, target)),
  });
  return steps;
}

function validateTarget(config: PlatformConfig, target: string): void {
  if (!config.regions.some((r) => r.name === target)) {
    throw new Error(`--target ${target} is not a region of ${config.name}: use one of ${config.regions.map((r) => r.name).join(', ')}`);
  }
}

/** The explanation as text, for the terminal. */
export function promotionPlan(config: PlatformConfig, outputs: PlatformOutputs, target: string, mode: PromotionMode): string[] {
  validateTarget(config, target);
  const execution = EXECUTION_MODE[mode];
  const model = regionSwitchModel(config, target, execution);
  const from = model.from;
  const arn = planArn(config, outputs);
  const home = config.primaryRegion;
  const c = checks(config, outputs);
  const lines: string[] = [
    `# Region switch for ${config.name}: activate ${target} (${mode}: execution mode ${execution}), from ${from}`,
    mode === 'switchover'
      ? '# switchover: planned, both regions up; Aurora waits for the secondary to catch up, so nothing is lost (RPO 0).'
      : `# failover: ${from} is down; committed writes not yet replicated are lost. Browsing and carts already moved with DNS; this brings order writes back.`,
    `# Git does not change: the manifests are the same whichever region is active. Which region is active is the plan's state in AWS.`,
    '',
    `# What plan securecart-${config.name} does, in order (modeled: ${model.seconds} s after the approval; order writes back after ${model.writesBackSeconds} s):`,
  ];
  planSteps(config, outputs, target, mode).forEach((step, i) => {
    lines.push('', `## ${i + 1}. ${step.title}`, `# ${step.why}`);
    for (const check of step.verify) lines.push(`# check: ${check.command}`, `#   expect: ${check.expect}`);
  });
  lines.push(
    '',
    '## Run it (ARC data plane of the region being activated: it does not need the other region)',
    `aws arc-region-switch get-plan-evaluation-status --region ${target} --plan-arn ${arn}   # expect evaluationState "passed"`,
    `aws arc-region-switch start-plan-execution --region ${target} --plan-arn ${arn} --target-region ${target} --action activate --mode ${execution}`,
    `aws arc-region-switch approve-plan-execution-step --region ${target} --plan-arn ${arn} --execution-id <executionId> --step-name approve --approval approve   # as ${config.regionSwitch.approverRoleArn ?? config.cluster.adminRoleArn}`,
    '',
    '## Watch it',
    `aws arc-region-switch get-plan-execution --region ${target} --plan-arn ${arn} --execution-id <executionId> --query '[executionState, stepStates[].[name, status]]'`,
    `aws arc-region-switch list-plan-execution-events --region ${target} --plan-arn ${arn} --execution-id <executionId>`,
    '# A step past its timeout pauses the execution: fix the cause, then retry or skip the step (aws arc-region-switch update-plan-execution-step), or cancel.',
    '',
    '## Roll back',
    mode === 'switchover'
      ? `# Run the same plan to activate ${from}, in graceful mode: the databases switch back (nothing lost) and ${from}'s record answers again.`
      : `# When ${from} is back, Aurora adds its clusters back to the global databases as secondaries by itself (check below); switch back later with a graceful run activating ${from}.`,
    ...(mode === 'failover' ? globalDatabases(config).flatMap((db) => [`# check: ${c.lag(db, from).command}`, `#   expect: ${c.lag(db, from).expect}`]) : []),
    '',
    '## The RPO bound',
    target === home
      ? mode === 'failover'
        ? `# ${home} keeps rds.global_db_rpo (${config.data.ordersRpoBoundSeconds ?? 'none'} s): with ${from} lost no secondary replicates, so Aurora pauses order commits in ${home}. Lift it: set data.ordersRpoBoundSeconds: null in git first (ACK would reapply a rendered bound), then aws rds reset-db-cluster-parameter-group --region ${home} --db-cluster-parameter-group-name ${globalDatabaseIdentifier(config.name, 'orders')}-tls --parameters ParameterName=rds.global_db_rpo,ApplyMethod=immediate (ACK does not reset a parameter it no longer renders when the engine default has no value: rds-controller v1.11.1 db_cluster_parameter_group/hooks.go:331-342). Restore the bound in git once ${from} replicates again.`
        : `# ${home} keeps the bound (${config.data.ordersRpoBoundSeconds ?? 'none'} s): back in force once it holds the writer again.`
      : `# The bound stays with ${home}'s parameter group (AWS advises no bound on the other region of a two-region global database, so that a failover does not pause commits): while ${target} is active, orders' RPO is the replication lag, alarmed above ${config.data.replicationLagAlarmSeconds} s.`,
    `# check: ${c.rpoBound(home).command}`,
    `#   expect: ${c.rpoBound(home).expect}`,
    '',
    '## If the plan cannot run: the same switch by hand',
  );
  manualSteps(config, outputs, target, mode).forEach((step, i) => {
    lines.push('', `### ${i + 1}. ${step.title}`, `# ${step.why}`, ...step.run);
    for (const check of step.verify) lines.push(`# check: ${check.command}`, `#   expect: ${check.expect}`);
  });
  return lines;
}
