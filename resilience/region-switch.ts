/**
 * The Region switch plan (cluster/region-switch) as a model: its blocks in order, what each waits for,
 * how long each takes from the published figures, and the plan's modeled duration for a planned
 * switchover (graceful) and an unplanned failover (ungraceful). The approval is a person's decision and
 * is not in the duration; the report says so next to the figure. Pure functions; the cases in
 * test/region-switch-model.test.ts were computed by hand.
 *
 * Block behaviour, from the ARC Region switch guide (https://docs.aws.amazon.com/r53recovery/latest/dg/):
 * - manual approval: "pauses execution and sets the plan's execution status to pending approval"
 *   (manual-approval-block.html); it has no ungraceful behaviour.
 * - EKS resource scaling: scales the activating region's Deployments to targetPercent of the other
 *   region's highest replica count sampled over 24 hours and "waits for the replicas to become ready,
 *   leveraging your node auto-scaler" (eks-resource-scaling-block.html).
 * - Aurora global database: a switchover when graceful; "Ungraceful settings perform an Aurora Global
 *   Database failover, which might cause data loss" (aurora-global-database-block.html).
 * - Route 53 health check: flips the health checks the plan vends, "the primary Region's health check
 *   starts healthy; the passive Region starts unhealthy ... these states flip" (route53-health-check-block.html).
 */
import { ALB_ALIAS_TTL_SECONDS } from '../charts/constants';
import { RegionSwitchStep, RegionSwitchWorkflow, regionSwitchWorkflows } from '../config/region-switch';
import { PlatformConfig } from '../config/schema';
import { FIGURES } from './figures';

export type SwitchMode = 'graceful' | 'ungraceful';

/** How the model and the report name each kind of step the plan runs. */
export type SwitchBlock = 'approval' | 'eksScaling' | 'globalAurora' | 'route53HealthCheck';

/**
 * Assumption: how long Route 53 takes to see a vended health check change state. ARC does not publish
 * the interval and threshold of the checks it vends; Route 53's defaults for a health check are a 30 s
 * interval and a failure threshold of 3 (Route 53 API reference, HealthCheckConfig), so 90 s.
 */
export const VENDED_CHECK_SECONDS = 90;

export interface SwitchStepModel {
  /** The step's name in the plan (config/region-switch.ts REGION_SWITCH_STEPS). */
  readonly name: string;
  readonly block: SwitchBlock;
  /** What the step does, in words an operator recognises in the console. */
  readonly does: string;
  /** What the step waits for (its own verification) before the next one starts. */
  readonly waitsFor: string;
  /** Modeled seconds; null for the approval (a person's decision, not modeled). */
  readonly seconds: number | null;
  /** How the seconds add up, with the figures' sources named. */
  readonly how: string;
  /** The step's timeout (config.regionSwitch.timeouts): past it the execution pauses and pages. */
  readonly timeoutMinutes: number;
}

export interface SwitchModel {
  readonly mode: SwitchMode;
  readonly target: string;
  readonly from: string;
  readonly steps: SwitchStepModel[];
  /** Sum of the modeled steps, approval excluded. */
  readonly seconds: number;
  /** Seconds from the approval until order writes work in the target region (the databases' step done). */
  readonly writesBackSeconds: number;
}

/**
 * The workflow that moves the shop to `target`: in active-passive its activate workflow; in
 * active-active the workflow that deactivates the other region (the one that moves the writers).
 */
function workflowTo(config: PlatformConfig, target: string): RegionSwitchWorkflow {
  const workflows = regionSwitchWorkflows(config);
  return workflows.find((w) => w.action === 'activate' && w.targetRegion === target) ?? workflows.find((w) => w.action === 'deactivate')!;
}

/**
 * The plan moving the shop to `target` in `mode`: the steps the plan itself runs (config/region-switch.ts
 * regionSwitchWorkflows, what the cluster app builds), each with its modeled time. Steps run one after the
 * other; the databases switch in one parallel block, so that step lasts as long as the slower of them (the
 * same figure for both), and its timeout is the longest of theirs.
 */
export function regionSwitchModel(config: PlatformConfig, target: string, mode: SwitchMode): SwitchModel {
  const from = config.regions.find((r) => r.name !== target)?.name;
  if (!config.regions.some((r) => r.name === target) || !from) throw new Error(`target region ${target} is not one of ${config.regions.map((r) => r.name).join(', ')}`);
  const scaling = FIGURES.karpenterNode.seconds + FIGURES.podStart.seconds;
  // A switchover first lets the target catch up (the replication lag), then swaps roles.
  const databases = mode === 'graceful' ? FIGURES.auroraGlobalLag.seconds + FIGURES.auroraGlobalFailover.seconds : FIGURES.auroraGlobalFailover.seconds;
  const dns = VENDED_CHECK_SECONDS + ALB_ALIAS_TTL_SECONDS;
  const timeoutOf = (step: RegionSwitchStep): number => step.timeoutMinutes ?? Math.max(...(step.steps ?? []).map(timeoutOf));
  const model = (step: RegionSwitchStep): Omit<SwitchStepModel, 'name' | 'timeoutMinutes'> => {
    switch (step.block) {
      case 'ManualApproval':
        return {
          block: 'approval',
          does: `waits for a person holding the approver role to approve (or decline) the ${mode === 'graceful' ? 'switchover' : 'failover'} to ${target}`,
          waitsFor: 'an approve or decline',
          seconds: null,
          how: 'a decision, not modeled',
        };
      case 'EKSResourceScaling':
        return {
          block: 'eksScaling',
          does: `scales ui, catalog, carts, orders and checkout in ${target} to 100 % of ${from}'s highest replica count over the last 24 hours (the HPAs keep their floors and scale further with the load)`,
          waitsFor: 'every scaled Deployment ready at that count',
          seconds: scaling,
          how: `a node (${FIGURES.karpenterNode.seconds} s) + pod start (${FIGURES.podStart.seconds} s): the block sets the replicas at once, so the pods start together`,
        };
      case 'Parallel':
      case 'AuroraGlobalDatabase':
        return {
          block: 'globalAurora',
          does:
            mode === 'graceful'
              ? `switches orders and catalog over to ${target} (Aurora waits for ${target} to catch up: nothing is lost)`
              : `fails orders and catalog over to ${target} (writes not yet replicated are lost)`,
          waitsFor: `both global databases with their writer in ${target}`,
          seconds: databases,
          how: mode === 'graceful' ? `the replication lag (${FIGURES.auroraGlobalLag.seconds} s) + the role change (${FIGURES.auroraGlobalFailover.seconds} s)` : `the role change (${FIGURES.auroraGlobalFailover.seconds} s)`,
        };
      case 'Route53HealthCheck':
        return {
          block: 'route53HealthCheck',
          does: `turns the plan's health check of ${from} unhealthy and ${target}'s healthy: the failover record answers with ${target}`,
          waitsFor: 'the vended health checks in their new state',
          seconds: dns,
          how: `Route 53 sees the vended check change (${VENDED_CHECK_SECONDS} s, assumed) + resolvers' TTL (${ALB_ALIAS_TTL_SECONDS} s)`,
        };
    }
  };
  const steps: SwitchStepModel[] = workflowTo(config, target).steps.map((step) => ({ name: step.name, timeoutMinutes: timeoutOf(step), ...model(step) }));
  const seconds = steps.reduce((sum, s) => sum + (s.seconds ?? 0), 0);
  const writesBackSeconds = steps.slice(0, steps.findIndex((s) => s.block === 'globalAurora') + 1).reduce((sum, s) => sum + (s.seconds ?? 0), 0);
  return { mode, target, from, steps, seconds, writesBackSeconds };
}

/** Every run the plan can make: each region as the target, graceful and ungraceful. */
export function regionSwitchRuns(config: PlatformConfig): SwitchModel[] {
  return config.regions.flatMap((r) => (['graceful', 'ungraceful'] as const).map((mode) => regionSwitchModel(config, r.name, mode)));
}
