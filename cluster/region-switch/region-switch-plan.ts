import * as arc from 'aws-cdk-lib/aws-arcregionswitch';
import { Construct } from 'constructs';
import { ProxiedDatabase } from '../../config/data-access';
import { RegionSwitchStep, RegionSwitchWorkflow } from '../../config/region-switch';

/** The Kubernetes resources the EKS scaling block scales ("apps/v1, Deployment": eks-resource-scaling-block.html). */
export const SCALED_KIND = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;

/**
 * How ARC measures the capacity to match: the only value the API has, "Max running capacity sampled over
 * 24 hours", from the Deployments' replica counts (EksCapacityMonitoringApproach).
 */
export const CAPACITY_MONITORING = 'sampledMaxInLast24Hours';

/** One Aurora global database of the plan. */
export interface PlanGlobalDatabase {
  readonly globalClusterIdentifier: string;
  /** The database's cluster in each of the plan's regions, as region → ARN. */
  readonly clusterArns: Readonly<Record<string, string>>;
}

export interface RegionSwitchPlanProps {
  /** The plan's name (at most 32 characters). */
  readonly planName: string;
  readonly recoveryApproach: 'activePassive' | 'activeActive';
  /** The plan's two regions. */
  readonly regions: readonly [string, string];
  /** Where the application runs before any switch. */
  readonly primaryRegion: string;
  /** The role ARC assumes to evaluate and execute the plan. */
  readonly executionRoleArn: string;
  /** The workflows and their steps, in order (config/region-switch.ts). */
  readonly workflows: readonly RegionSwitchWorkflow[];
  /** The role whose users approve an execution's approval steps. */
  readonly approverRoleArn: string;
  /**
   * The RTO ARC compares each execution's duration with, in minutes (1 to 10080).
   * @default 30
   */
  readonly recoveryTimeObjectiveMinutes?: number;
  /** The EKS cluster of each region, as region → cluster ARN. */
  readonly eksClusterArns: Readonly<Record<string, string>>;
  /** The namespace of the Deployments the scaling block scales. */
  readonly namespace: string;
  /** The Deployments the scaling block scales (the same names in every region). */
  readonly deployments: readonly string[];
  /**
   * Percent of the other region's 24-hour peak replica count each Deployment is scaled to.
   * @default 100
   */
  readonly targetPercent?: number;
  /** The Aurora global databases, by database. */
  readonly globalDatabases: Readonly<Record<ProxiedDatabase, PlanGlobalDatabase>>;
  /** The hosted zone of the record the Route 53 health check block serves. @default none (no DNS step in the workflows) */
  readonly hostedZoneId?: string;
  /** That record's name (fully qualified, without the trailing dot). @default none */
  readonly recordName?: string;
  /** @default none */
  readonly description?: string;
}

/**
 * An ARC Region switch plan (AWS::ARCRegionSwitch::Plan, L1 only in aws-cdk-lib 2.261): each described
 * step becomes its execution block, configured for both regions.
 */
export class RegionSwitchPlan extends Construct {
  readonly plan: arc.CfnPlan;

  constructor(scope: Construct, id: string, props: RegionSwitchPlanProps) {
    super(scope, id);
    const rto = props.recoveryTimeObjectiveMinutes ?? 30;
    if (!Number.isInteger(rto) || rto < 1 || rto > 10080) throw new Error(`region switch plan ${props.planName}: recoveryTimeObjectiveMinutes ${rto} must be a whole number from 1 to 10080 (ARC's range)`);
    if (!props.regions.includes(props.primaryRegion)) throw new Error(`region switch plan ${props.planName}: primary region ${props.primaryRegion} is not one of ${props.regions.join(', ')}`);
    for (const region of props.regions) {
      if (!props.eksClusterArns[region]) throw new Error(`region switch plan ${props.planName}: no EKS cluster for ${region}`);
    }
    const needsDns = props.workflows.some((w) => w.steps.some((s) => s.block === 'Route53HealthCheck'));
    if (needsDns && !(props.hostedZoneId && props.recordName)) throw new Error(`region switch plan ${props.planName}: a DNS step needs hostedZoneId and recordName`);

    const block = (step: RegionSwitchStep): arc.CfnPlan.ExecutionBlockConfigurationProperty => {
      switch (step.block) {
        case 'ManualApproval':
          return { executionApprovalConfig: { approvalRole: props.approverRoleArn, timeoutMinutes: step.timeoutMinutes } };
        case 'EKSResourceScaling':
          // No hpaName: each service's HPA belongs to its KEDA ScaledObject, and ARC's only HPA change (a
          // patch that sets spec.behavior.scaleDown.selectPolicy: Disabled, eks-resource-scaling-block.html)
          // would not hold: KEDA owns the HPA, reconciles on any change to its spec and writes the behavior
          // back from the ScaledObject (kedacore/keda v2.20.1 controllers/keda/scaledobject_controller.go
          // L143-150, hpa.go L195-216). The HPA keeps scaling the Deployment after ARC's bump: down only after
          // its scale-down stabilization, never below the ScaledObject's floor; by then the region's own load
          // drives it.
          return {
            eksResourceScalingConfig: {
              kubernetesResourceType: SCALED_KIND,
              eksClusters: props.regions.map((r) => ({ clusterArn: props.eksClusterArns[r] })),
              scalingResources: props.deployments.map((name) => ({ [name]: Object.fromEntries(props.regions.map((r) => [r, { namespace: props.namespace, name }])) })),
              targetPercent: props.targetPercent ?? 100,
              capacityMonitoringApproach: CAPACITY_MONITORING,
              timeoutMinutes: step.timeoutMinutes,
            },
          };
        case 'Parallel':
          return { parallelConfig: { steps: (step.steps ?? []).map(cfnStep) } };
        case 'AuroraGlobalDatabase': {
          if (!step.database) throw new Error(`region switch plan ${props.planName}: step ${step.name} names no database`);
          const db = props.globalDatabases[step.database];
          return {
            globalAuroraConfig: {
              // switchoverOnly: a graceful execution calls SwitchoverGlobalCluster (no data loss); `failover`
              // would call FailoverGlobalCluster with AllowDataLoss "including during graceful execution"
              // (https://docs.aws.amazon.com/arc-region-switch/latest/api/API_GlobalAuroraConfiguration.html).
              // An ungraceful execution fails over: the way out when the other region is down.
              behavior: 'switchoverOnly',
              ungraceful: { ungraceful: 'failover' },
              globalClusterIdentifier: db.globalClusterIdentifier,
              databaseClusterArns: props.regions.map((r) => db.clusterArns[r]),
              timeoutMinutes: step.timeoutMinutes,
            },
          };
        }
        case 'Route53HealthCheck':
          return {
            route53HealthCheckConfig: {
              hostedZoneId: props.hostedZoneId!,
              recordName: props.recordName!,
              // external-dns sets each region's record set identifier to the region's name
              // (charts/constructs/failover-ingress.ts), which ARC could map by itself; named anyway, so
              // that plan evaluation never has to guess.
              recordSets: props.regions.map((r) => ({ recordSetIdentifier: r, region: r })),
              timeoutMinutes: step.timeoutMinutes,
            },
          };
      }
    };
    const cfnStep = (step: RegionSwitchStep): arc.CfnPlan.StepProperty => ({
      name: step.name,
      executionBlockType: step.block,
      executionBlockConfiguration: block(step),
    });

    this.plan = new arc.CfnPlan(this, 'Resource', {
      name: props.planName,
      description: props.description,
      recoveryApproach: props.recoveryApproach,
      regions: [...props.regions],
      primaryRegion: props.primaryRegion,
      executionRole: props.executionRoleArn,
      recoveryTimeObjectiveMinutes: rto,
      workflows: props.workflows.map((w) => ({
        workflowTargetAction: w.action,
        workflowTargetRegion: w.targetRegion,
        steps: w.steps.map(cfnStep),
      })),
    });
  }

  /** The plan's ARN (arn:aws:arc-region-switch::<account>:plan/<name>:<6 characters>). */
  get planArn(): string {
    return this.plan.attrArn;
  }
}
