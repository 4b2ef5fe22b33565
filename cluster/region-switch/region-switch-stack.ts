import { CfnOutput, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { globalDatabaseIdentifier, PROXIED_DATABASES, ProxiedDatabase, regionalClusterIdentifier } from '../../config/data-access';
import { albRecordHostname } from '../../config/hostnames';
import { REGION_SWITCH_OUTPUT_KEYS } from '../../config/outputs';
import {
  flattenSteps,
  regionSwitchApproverRoleArn,
  regionSwitchPlanName,
  regionSwitchRecoveryApproach,
  regionSwitchRegions,
  regionSwitchRoleName,
  regionSwitchWorkflows,
} from '../../config/region-switch';
import { PlatformConfig, SERVICE_NAMES } from '../../config/schema';
import { clusterName, commonTags } from '../naming';
import { RegionSwitchExecutionRole } from './execution-role';
import { PlanGlobalDatabase, RegionSwitchPlan } from './region-switch-plan';

/**
 * Where the stack is deployed: "The control plane for Region switch is located in US East (N. Virginia)
 * Region (us-east-1)" (https://docs.aws.amazon.com/r53recovery/latest/dg/data-and-control-planes-rs.html),
 * where plans are created and updated. Executions use the data plane of the region being activated.
 */
export const REGION_SWITCH_STACK_REGION = 'us-east-1';

export interface RegionSwitchStackProps extends StackProps {
  readonly config: PlatformConfig;
  /**
   * The RTO ARC reports each execution against, in minutes.
   * @default 30
   */
  readonly recoveryTimeObjectiveMinutes?: number;
}

/**
 * The ARC Region switch plan that activates a region (`securecart-<env>-region-switch`) and the role it
 * runs as. It names the clusters and databases by ARN strings built from the config, never by reference:
 * it deploys before the regional stacks, whose EKS access entries need its role to exist.
 */
export class RegionSwitchStack extends Stack {
  readonly executionRole: RegionSwitchExecutionRole;
  readonly plan: RegionSwitchPlan;

  constructor(scope: Construct, id: string, props: RegionSwitchStackProps) {
    super(scope, id, props);
    const { config } = props;
    if (this.region !== REGION_SWITCH_STACK_REGION) throw new Error(`the region-switch stack must be deployed in ${REGION_SWITCH_STACK_REGION} (the Region switch control plane), not ${this.region}`);
    const regions = regionSwitchRegions(config);
    const workflows = regionSwitchWorkflows(config);
    const blocks = new Set(workflows.flatMap((w) => flattenSteps(w.steps)).map((s) => s.block));
    const account = config.accountId;
    const planName = regionSwitchPlanName(config.name);

    const eksClusters = Object.fromEntries(regions.map((r) => [r, clusterName(config, r)]));
    const globalDatabases = Object.fromEntries(
      PROXIED_DATABASES.map((db) => [
        db,
        {
          globalClusterIdentifier: globalDatabaseIdentifier(config.name, db),
          clusterArns: Object.fromEntries(regions.map((r) => [r, `arn:aws:rds:${r}:${account}:cluster:${regionalClusterIdentifier(config.name, db, r)}`])),
        },
      ]),
    ) as Record<ProxiedDatabase, PlanGlobalDatabase>;
    const recordName = albRecordHostname(config);

    this.executionRole = new RegionSwitchExecutionRole(this, 'ExecutionRole', {
      roleName: regionSwitchRoleName(config.name),
      accountId: account,
      planName,
      eksClusters: blocks.has('EKSResourceScaling') ? eksClusters : undefined,
      globalClusterIdentifiers: blocks.has('AuroraGlobalDatabase') ? PROXIED_DATABASES.map((db) => globalDatabases[db].globalClusterIdentifier) : undefined,
      databaseClusterArns: blocks.has('AuroraGlobalDatabase') ? PROXIED_DATABASES.flatMap((db) => regions.map((r) => globalDatabases[db].clusterArns[r])) : undefined,
      hostedZoneId: blocks.has('Route53HealthCheck') ? config.dns.hostedZoneId : undefined,
    });

    this.plan = new RegionSwitchPlan(this, 'Plan', {
      planName,
      description: `SecureCart ${config.name}: activate a region (${regions.join(', ')})`,
      recoveryApproach: regionSwitchRecoveryApproach(config),
      regions,
      primaryRegion: config.primaryRegion,
      executionRoleArn: this.executionRole.role.roleArn,
      workflows,
      approverRoleArn: regionSwitchApproverRoleArn(config),
      recoveryTimeObjectiveMinutes: props.recoveryTimeObjectiveMinutes,
      eksClusterArns: Object.fromEntries(regions.map((r) => [r, `arn:aws:eks:${r}:${account}:cluster/${eksClusters[r]}`])),
      namespace: config.namespace,
      deployments: SERVICE_NAMES,
      globalDatabases,
      hostedZoneId: recordName === undefined ? undefined : config.dns.hostedZoneId,
      recordName,
    });

    new CfnOutput(this, REGION_SWITCH_OUTPUT_KEYS.planArn, { value: this.plan.planArn, description: 'ARC Region switch plan (aws arc-region-switch start-plan-execution --plan-arn)' });
    for (const [k, v] of Object.entries(commonTags(config))) Tags.of(this).add(k, v);
  }
}
