/**
 * The ARC Region switch plan as data: its name, its execution role, and its workflows with their steps
 * in order. The cluster app builds the plan from it (cluster/region-switch); the resilience model and
 * `npm run data:promote` explain the same steps. No AWS CDK here, so that both can import it cheaply.
 *
 * ARC Region switch guide: https://docs.aws.amazon.com/r53recovery/latest/dg/region-switch.html
 */
import { PROXIED_DATABASES, ProxiedDatabase } from './data-access';
import { albRecordHostname } from './hostnames';
import { PlatformConfig } from './schema';

/** The step names, stable: operators approve `approve` by name (ApprovePlanExecutionStep's stepName). */
export const REGION_SWITCH_STEPS = {
  /** Manual approval: the execution waits for a person with the approver role. */
  approve: 'approve',
  /** EKS resource scaling: the shop's Deployments in the activated region, to the other region's 24-hour peak. */
  scale: 'scale',
  /** A parallel block holding one Aurora global database step per database. */
  databases: 'databases',
  /** orders' Aurora PostgreSQL global database. */
  orders: 'orders-database',
  /** catalog's Aurora MySQL global database. */
  catalog: 'catalog-database',
  /** Route 53 health checks: the health checks the plan vends for the ALB record flip. */
  dns: 'dns',
} as const;

/** The execution block types the plan uses, as ARC names them (ExecutionBlockType). */
export type RegionSwitchBlock = 'ManualApproval' | 'EKSResourceScaling' | 'Parallel' | 'AuroraGlobalDatabase' | 'Route53HealthCheck';

export interface RegionSwitchStep {
  /** The step's name in the plan (REGION_SWITCH_STEPS). */
  readonly name: string;
  readonly block: RegionSwitchBlock;
  /**
   * Minutes the step may take (config regionSwitch.timeouts). An approval past it pauses the execution
   * (retry, skip or cancel); ARC documents no other outcome. @default none for a parallel block (its steps carry theirs)
   */
  readonly timeoutMinutes?: number;
  /** For an Aurora step: the database. */
  readonly database?: ProxiedDatabase;
  /** For a parallel block: its steps, which run at the same time. */
  readonly steps?: readonly RegionSwitchStep[];
}

export interface RegionSwitchWorkflow {
  /** What the workflow does to its region: activate it, or (active-active only) take it out of service. */
  readonly action: 'activate' | 'deactivate';
  /** The region the workflow activates. @default either region (active-active: one workflow serves both) */
  readonly targetRegion?: string;
  /** The steps, in the order they run. */
  readonly steps: readonly RegionSwitchStep[];
}

/** The plan's name: `securecart-<env>` (ARC allows 32 characters; env names have at most 20). */
export function regionSwitchPlanName(env: string): string {
  return `securecart-${env}`;
}

/**
 * The execution role's name. Explicit, so that the regional stacks can name the role in their EKS access
 * entries without a cross-stack (cross-region) reference.
 */
export function regionSwitchRoleName(env: string): string {
  return `securecart-${env}-region-switch`;
}

export function regionSwitchRoleArn(config: PlatformConfig): string {
  return `arn:aws:iam::${config.accountId}:role/${regionSwitchRoleName(config.name)}`;
}

/** Who may approve an execution: regionSwitch.approverRoleArn, else the cluster admins' role. */
export function regionSwitchApproverRoleArn(config: PlatformConfig): string {
  return config.regionSwitch.approverRoleArn ?? config.cluster.adminRoleArn;
}

/**
 * The health check the plan vends for a region's record, when it joins that region's calculated health:
 * only the home's (the PRIMARY record), once configured (regionSwitch.healthCheckIds). The other region's
 * health stays its own, so DNS still fails over to it when the home cannot serve.
 */
export function planHealthCheckId(config: PlatformConfig, region: string): string | undefined {
  return region === config.primaryRegion ? config.regionSwitch.healthCheckIds?.[region] : undefined;
}

/** ARC's recovery approach for the config's failover mode. */
export function regionSwitchRecoveryApproach(config: PlatformConfig): 'activePassive' | 'activeActive' {
  return config.failoverMode === 'active-active' ? 'activeActive' : 'activePassive';
}

/**
 * The plan's two regions. ARC plans span exactly two ("Specify two Regions": CreatePlan's regions,
 * https://docs.aws.amazon.com/arc-region-switch/latest/api/API_CreatePlan.html, a list of 2 to 2).
 */
export function regionSwitchRegions(config: PlatformConfig): [string, string] {
  const names = config.regions.map((r) => r.name);
  if (names.length !== 2) {
    throw new Error(
      `region switch: an ARC Region switch plan spans exactly 2 regions, the config has ${names.length} (${names.join(', ')}): keep two regions, or build one plan per pair of regions`,
    );
  }
  return [names[0], names[1]];
}

/**
 * The plan's workflows, each with its steps in order.
 *
 * active-passive (the default): one activate workflow per region ("two separate activation workflows,
 * one for each Region", region-switch-plans.html), each: approve → scale the region's Deployments →
 * switch over (or, ungraceful, fail over) both databases to it, in parallel → flip the DNS health checks.
 * Capacity first, so the region can carry the traffic the last step sends it; the databases before DNS, so
 * that customers arrive where the writers are.
 *
 * active-active: "one workflow to activate your Regions and one workflow to deactivate your Regions"
 * (region-switch-plans.html). Deactivate: approve → scale the region that stays (ARC scales "relative to
 * the capacity in the Region that is being deactivated", eks-resource-scaling-block.html) → the databases
 * (their writers leave the deactivated region) → its health check turns unhealthy. Activate: approve →
 * its health check turns healthy again; the writers stay where they are.
 *
 * The DNS step exists only when the regional ALBs carry a Route 53 record set (albRecordHostname): with
 * the Global Accelerator front door there is none, and the plan does not move the accelerator's traffic
 * dials (a separate, documented step).
 */
export function regionSwitchWorkflows(config: PlatformConfig): RegionSwitchWorkflow[] {
  const regions = regionSwitchRegions(config);
  const t = config.regionSwitch.timeouts;
  const approve: RegionSwitchStep = { name: REGION_SWITCH_STEPS.approve, block: 'ManualApproval', timeoutMinutes: t.approvalMinutes };
  const scale: RegionSwitchStep = { name: REGION_SWITCH_STEPS.scale, block: 'EKSResourceScaling', timeoutMinutes: t.scalingMinutes };
  const databases: RegionSwitchStep = {
    name: REGION_SWITCH_STEPS.databases,
    block: 'Parallel',
    steps: PROXIED_DATABASES.map((db) => ({ name: REGION_SWITCH_STEPS[db], block: 'AuroraGlobalDatabase' as const, database: db, timeoutMinutes: t.databaseMinutes })),
  };
  const dns: RegionSwitchStep[] = albRecordHostname(config) === undefined ? [] : [{ name: REGION_SWITCH_STEPS.dns, block: 'Route53HealthCheck', timeoutMinutes: t.dnsMinutes }];
  if (regionSwitchRecoveryApproach(config) === 'activeActive') {
    return [
      { action: 'activate', steps: [approve, ...dns] },
      { action: 'deactivate', steps: [approve, scale, databases, ...dns] },
    ];
  }
  return regions.map((region) => ({ action: 'activate', targetRegion: region, steps: [approve, scale, databases, ...dns] }));
}

/** Every step of a workflow, parallel blocks' steps after their block, in order. */
export function flattenSteps(steps: readonly RegionSwitchStep[]): RegionSwitchStep[] {
  return steps.flatMap((s) => [s, ...flattenSteps(s.steps ?? [])]);
}
