import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as blueprints from '@aws-quickstart/eks-blueprints';
import { Construct } from 'constructs';
import { DRILL_TIMINGS, FIS_KUBERNETES } from '../../config/drills';
import { NODE_CLASS_NAME } from '../../config/karpenter';
import { PlatformConfig, RegionConfig, SERVICE_NAMES } from '../../config/schema';
import { dataResourcePrefix } from '../ack-policies';
import { commonTags } from '../naming';
import { azPowerExperiment } from './az-power';
import { azPowerConstructId, DRILLS_CONSTRUCT_ID, POD_CPU_STRESS_CONSTRUCT_ID, POD_DELETE_CONSTRUCT_ID } from './construct-ids';
import { DrillExperiment } from './drill-experiment';
import { DrillLogs } from './drill-logs';
import { podCpuStressExperiment, podDeleteExperiment } from './pod-faults';

export { AZ_POWER_ACTIONS, KARPENTER_TAGS, NODEGROUP_TAGS } from './az-power';
export * from './construct-ids';
export { DrillExperiment, MAX_STOP_CONDITIONS } from './drill-experiment';
export { DrillLogs } from './drill-logs';
export { POD_ACTIONS } from './pod-faults';

export interface RegionalDrillsProps {
  readonly config: PlatformConfig;
  readonly region: RegionConfig;
  /** The region's EKS cluster name. */
  readonly clusterName: string;
  /** Alarms that stop every experiment of the region when they fire (at most 5: FIS quota). */
  readonly stopAlarms: cloudwatch.IAlarm[];
}

/** The experiment templates of a region, by construct. */
export interface RegionalDrills {
  readonly azPower: Record<string, DrillExperiment>;
  readonly podDelete: DrillExperiment;
  readonly podCpuStress: DrillExperiment;
  readonly logs: DrillLogs;
}

/** Construct id of the Karpenter controller's IRSA service account (eks-blueprints 1.19.0 karpenter-v1.js: `${RELEASE}-sa`). */
const KARPENTER_SERVICE_ACCOUNT = 'blueprints-addon-karpenter-sa';

/**
 * AWS Fault Injection Service experiment templates of a region, under the construct `Drills`: an AZ
 * power interruption per Availability Zone, one pod delete and one pod CPU stress drill, each with a
 * least-privilege role of its own, stopped by the region's customer-facing alarms, logging to one
 * encrypted log group. The pod drills' roles are mapped to the Kubernetes user the charts' RoleBinding
 * names (charts/constructs/fault-injection-access.ts).
 */
export function addRegionalDrills(stack: blueprints.EksBlueprint, props: RegionalDrillsProps): RegionalDrills {
  const { config, region, clusterName } = props;
  const info = stack.getClusterInfo();
  const cluster = info.cluster;
  if (!(cluster instanceof eks.Cluster)) throw new Error('the drills map their roles in aws-auth, which needs an aws-eks Cluster; review addRegionalDrills');
  const karpenter = cluster.node.tryFindChild(KARPENTER_SERVICE_ACCOUNT);
  if (!(karpenter instanceof eks.ServiceAccount)) throw new Error(`the Karpenter add-on no longer creates the IRSA service account "${KARPENTER_SERVICE_ACCOUNT}": review the AZ power drill's launch refusal`);
  const nodegroups = info.nodeGroups ?? [];
  if (nodegroups.length !== 1) throw new Error(`the AZ power drill expects one managed node group (the system nodes), found ${nodegroups.length}`);
  const systemNodegroupName = (nodegroups[0].node.defaultChild as eks.CfnNodegroup).nodegroupName;
  if (!systemNodegroupName) throw new Error('the system node group has no explicit name: the AZ power drill selects its instances by it');

  const drills = new Construct(stack, DRILLS_CONSTRUCT_ID);
  const logs = new DrillLogs(drills, 'Logs', { description: `FIS experiment logs of ${clusterName}` });
  const common = { stopAlarms: props.stopAlarms, logGroup: logs.logGroup };
  const vpc = cluster.vpc;

  const azPower: Record<string, DrillExperiment> = {};
  for (const zone of region.availabilityZones) {
    azPower[zone] = new DrillExperiment(
      drills,
      azPowerConstructId(zone),
      azPowerExperiment(stack, {
        zone,
        clusterName,
        nodeClassName: NODE_CLASS_NAME,
        systemNodegroupName,
        nodeTags: commonTags(config),
        // The tags charts/data-chart.ts gives every ACK-managed store (test/fault-injection.test.ts checks both).
        dataStoreTags: { ...commonTags(config), 'managed-by': 'ack' },
        dataStorePrefix: dataResourcePrefix(config),
        karpenterControllerRole: karpenter.role,
        vpc,
        // All three tiers (public, private, data: cluster/vpc-provider.ts) of the zone.
        subnets: uniqueSubnets([...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets].filter((s) => s.availabilityZone === zone)),
        durationMinutes: config.drills.azPowerMinutes,
        networkDisruptionMinutes: DRILL_TIMINGS.azPowerNetworkMinutes,
        ...common,
      }),
    );
  }

  const pods = { clusterName, namespace: config.namespace, deployments: SERVICE_NAMES, ...common };
  const podDelete = new DrillExperiment(drills, POD_DELETE_CONSTRUCT_ID, podDeleteExperiment(stack, pods));
  const podCpuStress = new DrillExperiment(drills, POD_CPU_STRESS_CONSTRUCT_ID, podCpuStressExperiment(stack, pods));
  // The FIS pod actions call the Kubernetes API as the experiment role: aws-auth maps it to the user the
  // charts' RoleBinding names (eks-blueprints 1.19.0 maps the Karpenter node role the same way, in
  // dist/addons/karpenter/karpenter-v1.js setUpNodeRole). No groups: the namespaced Role is all it gets.
  for (const e of [podDelete, podCpuStress]) cluster.awsAuth.addRoleMapping(e.role, { username: FIS_KUBERNETES.username, groups: [] });

  return { azPower, podDelete, podCpuStress, logs };
}

function uniqueSubnets(subnets: ec2.ISubnet[]): ec2.ISubnet[] {
  return [...new Map(subnets.map((s) => [s.node.path, s])).values()];
}
