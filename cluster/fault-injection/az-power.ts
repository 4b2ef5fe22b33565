/**
 * The AZ power interruption drill of one zone: AWS's "AZ Availability: Power Interruption" scenario
 * (https://docs.aws.amazon.com/fis/latest/userguide/az-availability-scenario.html) narrowed to the
 * shop's own resources, each target chosen by the tags or ARNs only this stack's resources carry, and
 * each permission of the experiment role limited to those resources and that zone.
 *
 * Action ids, target keys, parameters and permissions: FIS actions reference
 * (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html); resource types and
 * condition keys: Service Authorization Reference (Amazon EC2, Amazon RDS, Amazon ElastiCache).
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DrillExperimentProps } from './drill-experiment';

/** The FIS actions of the drill. */
export const AZ_POWER_ACTIONS = {
  stopInstances: 'aws:ec2:stop-instances',
  apiInsufficientCapacity: 'aws:ec2:api-insufficient-instance-capacity-error',
  asgInsufficientCapacity: 'aws:ec2:asg-insufficient-instance-capacity-error',
  disruptConnectivity: 'aws:network:disrupt-connectivity',
  failoverDbCluster: 'aws:rds:failover-db-cluster',
  interruptRedisAzPower: 'aws:elasticache:replicationgroup-interrupt-az-power',
} as const;

/**
 * Tags that Karpenter v1.14.1 itself puts on every instance it launches (aws/karpenter-provider-aws
 * v1.14.1 pkg/utils/utils.go GetTags: kubernetes.io/cluster/<cluster>, karpenter.sh/nodepool,
 * eks:eks-cluster-name and karpenter.k8s.aws/ec2nodeclass, merged over the EC2NodeClass's own tags).
 * The cluster and node class pair selects this cluster's Karpenter nodes of every NodePool; the
 * NodePool tag cannot, as FIS tag values are exact (an empty value is no wildcard).
 */
export const KARPENTER_TAGS = { cluster: 'eks:eks-cluster-name', nodeClass: 'karpenter.k8s.aws/ec2nodeclass' } as const;

/**
 * Tags EKS puts on a managed node group's Auto Scaling group and instances: the EKS node group
 * service-linked role may create exactly these tag keys on them (AWS managed policy
 * AWSServiceRoleForAmazonEKSNodegroup v11, statements AllowASGCreationByEKS and
 * AllowTaggingEC2ResourcesOnlyDuringInstanceCreation). Their values (cluster and node group names) are
 * not spelled out there: if EKS ever wrote others, the targets would select nothing and be skipped.
 */
export const NODEGROUP_TAGS = { cluster: 'eks:cluster-name', nodegroup: 'eks:nodegroup-name' } as const;

/** FIS only adds its deny-all network ACLs with this tag (FIS actions reference, aws:network:disrupt-connectivity). */
const FIS_NACL_TAG = 'managedByFIS';

export interface AzPowerProps {
  /** The zone whose power is cut, e.g. us-east-1a. */
  readonly zone: string;
  /** The EKS cluster's name. */
  readonly clusterName: string;
  /** The EC2NodeClass every NodePool launches with (its name is on every Karpenter instance). */
  readonly nodeClassName: string;
  /** The system managed node group's name (EKS tags its instances and Auto Scaling group with it). */
  readonly systemNodegroupName: string;
  /** Tags every node of the environment carries (the EC2NodeClass's and the system launch template's). */
  readonly nodeTags: Record<string, string>;
  /** Tags every data store of the environment carries (the ACK resources of charts/data-chart.ts). */
  readonly dataStoreTags: Record<string, string>;
  /** Name prefix of every data store of the environment (cluster/ack-policies.ts). */
  readonly dataStorePrefix: string;
  /** The role Karpenter's controller calls EC2 with (its IRSA role): launches are refused to it. */
  readonly karpenterControllerRole: iam.IRole;
  /** The region's VPC. */
  readonly vpc: ec2.IVpc;
  /** Every subnet of the VPC in this zone (public, private, data and endpoints). */
  readonly subnets: ec2.ISubnet[];
  /** How long nodes stay stopped, launches refused and Redis powered off, in minutes. */
  readonly durationMinutes: number;
  /** How long the zone's subnets are cut off, in minutes (1 to 720). */
  readonly networkDisruptionMinutes: number;
  /** Alarms that stop the experiment. */
  readonly stopAlarms: DrillExperimentProps['stopAlarms'];
  /** Where the experiment logs. */
  readonly logGroup: DrillExperimentProps['logGroup'];
}

/** The experiment template (targets, actions, role statements) of an AZ power drill in one zone. */
export function azPowerExperiment(stack: Stack, props: AzPowerProps): DrillExperimentProps {
  const { zone } = props;
  if (!zone.startsWith(stack.region)) throw new Error(`zone "${zone}" is not in the stack's region ${stack.region}`);
  if (props.subnets.length === 0 || props.subnets.some((s) => s.availabilityZone !== zone)) {
    throw new Error(`zone ${zone}: the subnets given must all be in the zone, got ${props.subnets.map((s) => s.availabilityZone).join(', ') || 'none'}`);
  }
  for (const [what, minutes] of [['duration', props.durationMinutes], ['network disruption', props.networkDisruptionMinutes]] as const) {
    // FIS actions last from one minute to 12 hours.
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 720) throw new Error(`zone ${zone}: ${what} of ${minutes} minutes must be a whole number from 1 to 720`);
  }
  const duration = `PT${props.durationMinutes}M`;
  const arn = (service: string, resource: string, resourceName: string, arnFormat = ArnFormat.SLASH_RESOURCE_NAME) => stack.formatArn({ service, resource, resourceName, arnFormat });
  const vpcArn = arn('ec2', 'vpc', props.vpc.vpcId);
  const instances = arn('ec2', 'instance', '*');
  const running = (tags: Record<string, string>): fis.CfnExperimentTemplate.ExperimentTemplateTargetProperty => ({
    resourceType: 'aws:ec2:instance',
    resourceTags: tags,
    // Filters are paths into DescribeInstances output (FIS User Guide, targets: "Placement.AvailabilityZone").
    filters: [
      { path: 'Placement.AvailabilityZone', values: [zone] },
      { path: 'State.Name', values: ['running'] },
    ],
    // Every node of the zone, as a power loss would. FIS limits the instances one stop action may target
    // (Service Quotas, fis L-3F98B425, 5 by default per public quota dumps; not confirmed on an AWS page):
    // ALL rather than PERCENT or COUNT, so that a zone holding more nodes than the quota allows is a
    // visible failure of the drill to raise the quota, never a quietly partial zone loss.
    selectionMode: 'ALL',
  });
  const karpenterNodes = { ...props.nodeTags, [KARPENTER_TAGS.cluster]: props.clusterName, [KARPENTER_TAGS.nodeClass]: props.nodeClassName };
  const nodegroup = { [NODEGROUP_TAGS.cluster]: props.clusterName, [NODEGROUP_TAGS.nodegroup]: props.systemNodegroupName };
  const systemNodes = { ...props.nodeTags, ...nodegroup };
  const systemAsgArns = stack.formatArn({
    service: 'autoscaling',
    resource: 'autoScalingGroup',
    // EKS names a managed node group's ASG eks-<node group>-<uuid> (the prefix eks- is what the EKS
    // node group service-linked role may manage; the rest is the observed pattern).
    resourceName: `*:autoScalingGroupName/eks-${props.systemNodegroupName}-*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const dataStores = (type: string) => arn(type === 'cluster' ? 'rds' : 'elasticache', type, `${props.dataStorePrefix}*`, ArnFormat.COLON_RESOURCE_NAME);
  const dataTagConditions = Object.fromEntries(Object.entries(props.dataStoreTags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));

  const targets: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateTargetProperty> = {
    KarpenterNodes: running(karpenterNodes),
    SystemNodes: running(systemNodes),
    // aws:ec2:api-insufficient-instance-capacity-error "doesn't support defining targets using resource
    // tags, filters, or parameters": the role by ARN.
    KarpenterController: { resourceType: 'aws:iam:role', resourceArns: [props.karpenterControllerRole.roleArn], selectionMode: 'ALL' },
    // The system node group's ASG: its name exists only after deploy, its EKS tags are known now.
    SystemNodeGroup: { resourceType: 'aws:ec2:autoscaling-group', resourceTags: nodegroup, selectionMode: 'ALL' },
    // The zone's subnets of every tier, by ARN: this stack's own, never another VPC's.
    ZoneSubnets: { resourceType: 'aws:ec2:subnet', resourceArns: props.subnets.map((s) => arn('ec2', 'subnet', s.subnetId)), selectionMode: 'ALL' },
    // Only the clusters whose writer is in the zone (target parameter writerAvailabilityZoneIdentifiers).
    AuroraClusters: { resourceType: 'aws:rds:cluster', resourceTags: props.dataStoreTags, parameters: { writerAvailabilityZoneIdentifiers: zone }, selectionMode: 'ALL' },
    // The nodes in the zone of every replication group (target parameter availabilityZoneIdentifier, required).
    RedisReplicationGroups: { resourceType: 'aws:elasticache:replicationgroup', resourceTags: props.dataStoreTags, parameters: { availabilityZoneIdentifier: zone }, selectionMode: 'ALL' },
  };

  const actions: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateActionProperty> = {
    'Stop-Karpenter-Nodes': stopNodes('KarpenterNodes', 'Karpenter', props.durationMinutes),
    'Stop-System-Nodes': stopNodes('SystemNodes', 'system', props.durationMinutes),
    // FIS: "Requests that include capacity asks in multiple Availability Zones are not supported". A
    // CreateFleet of Karpenter's that offers several zones may therefore go through; the one that matters
    // here, a launch pinned to the lost zone by a zone spread (kubernetes-sigs/karpenter v1.14.1
    // pkg/controllers/provisioning/scheduling/topology.go; config/karpenter.ts), asks for that zone alone.
    'Pause-Karpenter-Launches': {
      actionId: AZ_POWER_ACTIONS.apiInsufficientCapacity,
      description: `Karpenter's launches into ${zone} fail with InsufficientInstanceCapacity`,
      targets: { Roles: 'KarpenterController' },
      parameters: { availabilityZoneIdentifiers: zone, duration, percentage: '100' },
    },
    'Pause-System-Node-Launches': {
      actionId: AZ_POWER_ACTIONS.asgInsufficientCapacity,
      description: `The system node group cannot launch into ${zone}`,
      targets: { AutoScalingGroups: 'SystemNodeGroup' },
      parameters: { availabilityZoneIdentifiers: zone, duration, percentage: '100' },
    },
    'Pause-Network-Connectivity': {
      actionId: AZ_POWER_ACTIONS.disruptConnectivity,
      description: `All traffic in and out of the ${zone} subnets is denied`,
      targets: { Subnets: 'ZoneSubnets' },
      parameters: { scope: 'all', duration: `PT${props.networkDisruptionMinutes}M` },
    },
    'Failover-Aurora': {
      actionId: AZ_POWER_ACTIONS.failoverDbCluster,
      description: `Aurora clusters whose writer is in ${zone} fail over`,
      targets: { Clusters: 'AuroraClusters' },
    },
    'Pause-Redis': {
      actionId: AZ_POWER_ACTIONS.interruptRedisAzPower,
      description: `Redis nodes in ${zone} lose power; replicas there are not replaced`,
      targets: { ReplicationGroups: 'RedisReplicationGroups' },
      parameters: { duration },
    },
  };

  const statements = [
    // aws:ec2:stop-instances: StopInstances, StartInstances (restart after the duration), DescribeInstances
    // (completeIfInstancesTerminated). Both mutations only on this cluster's nodes in this zone.
    new iam.PolicyStatement({
      sid: 'StopAndStartKarpenterNodesInZone',
      actions: ['ec2:StopInstances', 'ec2:StartInstances'],
      resources: [instances],
      conditions: { StringEquals: { ...tagConditions(karpenterNodes), 'ec2:AvailabilityZone': zone } },
    }),
    new iam.PolicyStatement({
      sid: 'StopAndStartSystemNodesInZone',
      actions: ['ec2:StopInstances', 'ec2:StartInstances'],
      resources: [instances],
      conditions: { StringEquals: { ...tagConditions(systemNodes), 'ec2:AvailabilityZone': zone } },
    }),
    // Restarting an instance with encrypted volumes makes EC2 create a grant on their key for the
    // caller (FIS actions reference, stop-instances); only through EC2 and only for AWS resources.
    new iam.PolicyStatement({
      sid: 'RestartEncryptedNodes',
      actions: ['kms:CreateGrant'],
      resources: [arn('kms', 'key', '*')],
      conditions: { StringEquals: { 'kms:ViaService': `ec2.${stack.region}.amazonaws.com` }, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
    // ec2:InjectApiError has no resource type, only the condition keys ec2:FisActionId and
    // ec2:FisTargetArns (Service Authorization Reference, Amazon EC2); both in ONE statement, so that
    // neither alone grants it, and FisTargetArns required to be present (ForAllValues is true on none).
    injectApiError('InjectIceIntoKarpenterLaunches', AZ_POWER_ACTIONS.apiInsufficientCapacity, 'ArnEquals', props.karpenterControllerRole.roleArn),
    injectApiError('InjectIceIntoSystemNodeGroup', AZ_POWER_ACTIONS.asgInsufficientCapacity, 'ArnLike', systemAsgArns),
    // aws:network:disrupt-connectivity clones each subnet's network ACL, adds deny entries to the clone
    // (tagged managedByFIS=true), swaps it in, and restores the original at the end.
    new iam.PolicyStatement({
      sid: 'CreateFisNetworkAclInVpc',
      actions: ['ec2:CreateNetworkAcl'],
      resources: [vpcArn],
    }),
    new iam.PolicyStatement({
      sid: 'CreateFisNetworkAcl',
      actions: ['ec2:CreateNetworkAcl'],
      resources: [arn('ec2', 'network-acl', '*')],
      conditions: { StringEquals: { [`aws:RequestTag/${FIS_NACL_TAG}`]: 'true' } },
    }),
    new iam.PolicyStatement({
      sid: 'TagFisNetworkAclOnCreate',
      actions: ['ec2:CreateTags'],
      resources: [arn('ec2', 'network-acl', '*')],
      conditions: { StringEquals: { 'ec2:CreateAction': 'CreateNetworkAcl', [`aws:RequestTag/${FIS_NACL_TAG}`]: 'true' } },
    }),
    new iam.PolicyStatement({
      sid: 'ChangeFisNetworkAclsOnly',
      actions: ['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAcl'],
      resources: [arn('ec2', 'network-acl', '*')],
      conditions: { StringEquals: { [`aws:ResourceTag/${FIS_NACL_TAG}`]: 'true' }, ArnEquals: { 'ec2:Vpc': vpcArn } },
    }),
    new iam.PolicyStatement({
      sid: 'SwapNetworkAclsOfZoneSubnets',
      actions: ['ec2:ReplaceNetworkAclAssociation'],
      // Needs both the subnet and the network ACL (original or FIS's clone), all in this VPC.
      resources: [...props.subnets.map((s) => arn('ec2', 'subnet', s.subnetId)), arn('ec2', 'network-acl', '*')],
      conditions: { ArnEquals: { 'ec2:Vpc': vpcArn } },
    }),
    new iam.PolicyStatement({
      sid: 'FailoverShopAuroraClusters',
      actions: ['rds:FailoverDBCluster'],
      resources: [dataStores('cluster')],
      conditions: { StringEquals: dataTagConditions },
    }),
    new iam.PolicyStatement({
      sid: 'DescribeAuroraClusters',
      actions: ['rds:DescribeDBClusters'],
      resources: [arn('rds', 'cluster', '*', ArnFormat.COLON_RESOURCE_NAME)],
    }),
    new iam.PolicyStatement({
      sid: 'InterruptShopRedis',
      actions: ['elasticache:InterruptClusterAzPower'],
      resources: [dataStores('replicationgroup')],
      conditions: { StringEquals: dataTagConditions },
    }),
    new iam.PolicyStatement({
      sid: 'DescribeRedis',
      actions: ['elasticache:DescribeReplicationGroups'],
      resources: [arn('elasticache', 'replicationgroup', '*', ArnFormat.COLON_RESOURCE_NAME)],
    }),
    // Reads without a resource type in the Service Authorization Reference: '*' is the only resource.
    new iam.PolicyStatement({
      sid: 'DescribeWithoutResourceTypes',
      actions: [
        'ec2:DescribeInstances',
        'ec2:DescribeSubnets',
        'ec2:DescribeVpcs',
        'ec2:DescribeNetworkAcls',
        'ec2:DescribeManagedPrefixLists',
        'autoscaling:DescribeAutoScalingGroups',
        'tag:GetResources',
      ],
      resources: ['*'],
    }),
    // Listed by the FIS actions reference for disrupt-connectivity (used by its prefix-list scopes);
    // read-only, on the region's prefix lists (AWS-managed ones are owned by another account).
    new iam.PolicyStatement({
      sid: 'ReadPrefixLists',
      actions: ['ec2:GetManagedPrefixListEntries'],
      resources: [stack.formatArn({ service: 'ec2', resource: 'prefix-list', resourceName: '*', account: '*' })],
    }),
  ];

  return {
    scenario: 'az-power',
    zone,
    description: `SecureCart AZ power interruption in ${zone} for ${props.durationMinutes} minutes: the shop's nodes stop, launches there fail, its subnets are cut for ${props.networkDisruptionMinutes} minutes, Aurora writers there fail over, Redis nodes there lose power`,
    targets,
    actions,
    statements,
    stopAlarms: props.stopAlarms,
    logGroup: props.logGroup,
  };
}

function stopNodes(target: string, what: string, minutes: number): fis.CfnExperimentTemplate.ExperimentTemplateActionProperty {
  return {
    actionId: AZ_POWER_ACTIONS.stopInstances,
    description: `Stops the ${what} nodes of the zone and starts them again after ${minutes} minutes`,
    targets: { Instances: target },
    // Karpenter and the node group's ASG may terminate a stopped node before FIS restarts it: that must
    // not fail the drill (FIS actions reference, completeIfInstancesTerminated).
    parameters: { startInstancesAfterDuration: `PT${minutes}M`, completeIfInstancesTerminated: 'true' },
  };
}

function tagConditions(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
}

function injectApiError(sid: string, actionId: string, operator: 'ArnEquals' | 'ArnLike', target: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    actions: ['ec2:InjectApiError'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'ec2:FisActionId': actionId },
      [`ForAllValues:${operator}`]: { 'ec2:FisTargetArns': target },
      Null: { 'ec2:FisTargetArns': 'false' },
    },
  });
}
