/**
 * The ARC Region switch plan (cluster/region-switch, config/region-switch.ts): its workflows and their
 * steps in order, each execution block's configuration, the execution role (trust, and exactly the
 * actions the ARC guide documents per block, on the narrowest resources), the EKS access entries in both
 * clusters, the config that drives it, and the plan ARN in the outputs contract.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ClusterSynth } from '../cluster/synth';
import { HEALTH_STACK_REGION, HealthStack } from '../cluster/health-stack';
import { EXECUTION_POLICIES, REGION_SWITCH_ACCESS_POLICY, REGION_SWITCH_STACK_REGION, RegionSwitchStack } from '../cluster/region-switch';
import { globalDatabaseIdentifier, PROXIED_DATABASES, regionalClusterIdentifier } from '../config/data-access';
import { originHostname, publicHostname } from '../config/hostnames';
import { ConfigError, loadConfig, parseConfig } from '../config/load';
import { loadOutputs, REGION_SWITCH_OUTPUT_KEYS, regionalStackName, regionSwitchStackName } from '../config/outputs';
import { flattenSteps, REGION_SWITCH_STEPS, regionSwitchRegions, regionSwitchRoleArn, regionSwitchWorkflows } from '../config/region-switch';
import { PlatformConfig, SERVICE_NAMES } from '../config/schema';
import { defaultConfigData, tmpDir } from './helpers';
import { resourcesOf, synthTemplates } from './support/cluster-templates';
import { cfnText, evaluate } from './support/iam';

const config = loadConfig();
const [primary, secondary] = config.regions.map((r) => r.name);
const ACCOUNT = config.accountId;
const GUIDE = 'https://docs.aws.amazon.com/r53recovery/latest/dg';

/**
 * What the execution role may do, per execution block, as the ARC guide's sample policy for the block
 * lists it. The manual approval block needs nothing of the execution role (ARC does not assume it for
 * that block; the approver's role carries ApprovePlanExecutionStep), nor does a parallel block.
 */
const DOCUMENTED: Record<string, { readonly doc: string; readonly actions: string[] }> = {
  [EXECUTION_POLICIES.baseline]: {
    doc: `${GUIDE}/security_iam_region_switch_complete_policy.html`,
    actions: ['arc-region-switch:GetPlan', 'arc-region-switch:GetPlanExecution', 'arc-region-switch:ListPlanExecutions', 'iam:SimulatePrincipalPolicy'],
  },
  [EXECUTION_POLICIES.eksScaling]: { doc: `${GUIDE}/security_iam_region_switch_eks.html`, actions: ['eks:DescribeCluster', 'eks:ListAssociatedAccessPolicies'] },
  [EXECUTION_POLICIES.globalAurora]: {
    doc: `${GUIDE}/security_iam_region_switch_aurora.html`,
    actions: ['rds:DescribeDBClusters', 'rds:DescribeGlobalClusters', 'rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'],
  },
  [EXECUTION_POLICIES.route53HealthCheck]: { doc: `${GUIDE}/security_iam_region_switch_route53.html`, actions: ['route53:ListResourceRecordSets'] },
};

const clusterArn = (region: string) => `arn:aws:eks:${region}:${ACCOUNT}:cluster/securecart-${config.name}-${region}`;
const dbClusterArn = (db: string, region: string) => `arn:aws:rds:${region}:${ACCOUNT}:cluster:${regionalClusterIdentifier(config.name, db as never, region)}`;
const globalClusterArn = (db: string) => `arn:aws:rds::${ACCOUNT}:global-cluster:${globalDatabaseIdentifier(config.name, db as never)}`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/securecart-${config.name}-region-switch`;

/** The default config with `edit` applied. */
function configWith(edit: (data: Record<string, any>) => void, name = 'variant'): PlatformConfig {
  const data = defaultConfigData();
  edit(data);
  return parseConfig(data, name);
}

/** The region-switch stack of a config alone (no clusters: fast), as a template. */
function planTemplate(c: PlatformConfig): Template {
  const app = new App();
  return Template.fromStack(new RegionSwitchStack(app, 'RegionSwitch', { config: c, env: { account: c.accountId, region: REGION_SWITCH_STACK_REGION } }));
}

const only = (t: Template, type: string): any => {
  const found = resourcesOf(t, type);
  expect(found).toHaveLength(1);
  return found[0][1].Properties;
};
const planOf = (t: Template) => only(t, 'AWS::ARCRegionSwitch::Plan');
const roleOf = (t: Template) => only(t, 'AWS::IAM::Role');
/** A workflow's steps as names, parallel blocks as [name, [their steps]]. */
const stepNames = (steps: any[]): unknown[] => steps.map((s) => (s.ExecutionBlockType === 'Parallel' ? [s.Name, stepNames(s.ExecutionBlockConfiguration.ParallelConfig.Steps)] : s.Name));
const allSteps = (steps: any[]): any[] => steps.flatMap((s) => [s, ...(s.ExecutionBlockType === 'Parallel' ? allSteps(s.ExecutionBlockConfiguration.ParallelConfig.Steps) : [])]);
const stepOf = (workflow: any, name: string) => allSteps(workflow.Steps).find((s) => s.Name === name);
/** The role's inline policies, by name. */
const policiesOf = (role: any): Record<string, any[]> => Object.fromEntries(role.Policies.map((p: any) => [p.PolicyName, p.PolicyDocument.Statement]));
const actionsOf = (statements: any[]) => [...new Set(statements.flatMap((s) => [].concat(s.Action)))].sort();

let synth: ClusterSynth;
const templates: Record<string, Template> = {};
beforeAll(async () => {
  const result = await synthTemplates(config);
  synth = result.synth;
  Object.assign(templates, result.templates);
}, 180_000);
const defaultTemplate = () => templates[regionSwitchStackName(config.name)];

describe('the region-switch stack', () => {
  test('in us-east-1 (the Region switch control plane), termination-protected, deployed before both regional stacks and naming them by ARN only', () => {
    const stack = synth.assembly.getStackByName(regionSwitchStackName(config.name));
    expect(stack.environment.region).toBe('us-east-1');
    expect(stack.terminationProtection).toBe(true);
    expect(stack.dependencies.map((d) => d.id).filter((id) => !id.endsWith('.assets'))).toEqual([]);
    for (const region of [primary, secondary]) {
      expect(synth.assembly.getStackByName(regionalStackName(config.name, region)).dependencies.map((d) => d.id)).toContain(regionSwitchStackName(config.name));
    }
    expect(JSON.stringify(defaultTemplate().toJSON())).not.toMatch(/Fn::ImportValue/);
  });

  test('outputs the plan ARN under the key the outputs contract reads', () => {
    expect(defaultTemplate().toJSON().Outputs[REGION_SWITCH_OUTPUT_KEYS.planArn].Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Plan[0-9A-F]{8}$/), 'Arn'] });
  });

  test('refuses another region than us-east-1', () => {
    expect(() => new RegionSwitchStack(new App(), 'X', { config, env: { account: ACCOUNT, region: 'us-west-2' } })).toThrow(/the region-switch stack must be deployed in us-east-1 \(the Region switch control plane\), not us-west-2/);
  });
});

describe('the plan (active-passive, the default)', () => {
  const plan = () => planOf(defaultTemplate());
  const workflow = (region: string) => plan().Workflows.find((w: any) => w.WorkflowTargetRegion === region);

  test('spans the two regions, primary first as configured, with the execution role and an RTO', () => {
    expect(plan()).toMatchObject({
      Name: `securecart-${config.name}`,
      RecoveryApproach: 'activePassive',
      Regions: [primary, secondary],
      PrimaryRegion: config.primaryRegion,
      // budgets.regionSwitchSeconds 900 s, the budget the report holds the modeled runs to.
      RecoveryTimeObjectiveMinutes: 15,
      ExecutionRole: { 'Fn::GetAtt': [expect.stringMatching(/^ExecutionRole[0-9A-F]{8}$/), 'Arn'] },
    });
  });

  test('one activate workflow per region: approve, scale, the databases in parallel, then DNS', () => {
    expect(plan().Workflows.map((w: any) => [w.WorkflowTargetAction, w.WorkflowTargetRegion])).toEqual([
      ['activate', primary],
      ['activate', secondary],
    ]);
    for (const region of [primary, secondary]) {
      expect(stepNames(workflow(region).Steps)).toEqual(['approve', 'scale', ['databases', ['orders-database', 'catalog-database']], 'dns']);
      expect(allSteps(workflow(region).Steps).map((s) => s.ExecutionBlockType)).toEqual(['ManualApproval', 'EKSResourceScaling', 'Parallel', 'AuroraGlobalDatabase', 'AuroraGlobalDatabase', 'Route53HealthCheck']);
    }
    // The model and the explainer read the same description the plan is built from.
    expect(regionSwitchWorkflows(config).map((w) => ({ action: w.action, region: w.targetRegion, steps: flattenSteps(w.steps).map((s) => s.name) }))).toEqual(
      [primary, secondary].map((region) => ({ action: 'activate', region, steps: allSteps(workflow(region).Steps).map((s) => s.Name) })),
    );
    expect(Object.values(REGION_SWITCH_STEPS).sort()).toEqual(['approve', 'catalog-database', 'databases', 'dns', 'orders-database', 'scale']);
  });

  test('approval: the approver role (cluster.adminRoleArn by default), its timeout', () => {
    for (const region of [primary, secondary]) {
      expect(stepOf(workflow(region), 'approve').ExecutionBlockConfiguration).toEqual({ ExecutionApprovalConfig: { ApprovalRole: config.cluster.adminRoleArn, TimeoutMinutes: 60 } });
    }
  });

  test('scaling: every shop Deployment in both clusters, to 100 % of the other region’s 24-hour peak, no HPA patch', () => {
    const scaling = stepOf(workflow(secondary), 'scale').ExecutionBlockConfiguration.EksResourceScalingConfig;
    expect(scaling).toEqual({
      KubernetesResourceType: { ApiVersion: 'apps/v1', Kind: 'Deployment' },
      EksClusters: [{ ClusterArn: clusterArn(primary) }, { ClusterArn: clusterArn(secondary) }],
      ScalingResources: SERVICE_NAMES.map((svc) => ({ [svc]: { [primary]: { Namespace: config.namespace, Name: svc }, [secondary]: { Namespace: config.namespace, Name: svc } } })),
      TargetPercent: 100,
      CapacityMonitoringApproach: 'sampledMaxInLast24Hours',
      TimeoutMinutes: config.regionSwitch.timeouts.scalingMinutes,
    });
    // KEDA owns the HPAs: ARC's scale-down patch would be reverted (cluster/region-switch/region-switch-plan.ts).
    expect(JSON.stringify(plan())).not.toMatch(/HpaName/i);
  });

  test('databases: orders and catalog side by side, switchover when graceful, failover when not, both regions’ clusters', () => {
    for (const region of [primary, secondary]) {
      for (const db of PROXIED_DATABASES) {
        expect(stepOf(workflow(region), `${db}-database`).ExecutionBlockConfiguration).toEqual({
          GlobalAuroraConfig: {
            Behavior: 'switchoverOnly',
            Ungraceful: { Ungraceful: 'failover' },
            GlobalClusterIdentifier: globalDatabaseIdentifier(config.name, db),
            DatabaseClusterArns: [dbClusterArn(db, primary), dbClusterArn(db, secondary)],
            TimeoutMinutes: 30,
          },
        });
      }
    }
  });

  test('DNS: the health checks of the ALB record set (CloudFront’s origin name), each region’s set identifier mapped to it', () => {
    expect(stepOf(workflow(primary), 'dns').ExecutionBlockConfiguration).toEqual({
      Route53HealthCheckConfig: {
        HostedZoneId: config.dns.hostedZoneId,
        RecordName: originHostname(config),
        RecordSets: [
          { RecordSetIdentifier: primary, Region: primary },
          { RecordSetIdentifier: secondary, Region: secondary },
        ],
        TimeoutMinutes: 10,
      },
    });
  });
});

describe('the execution role', () => {
  const role = () => roleOf(defaultTemplate());

  test('named for other stacks to build its ARN; only ARC, acting for this account, may assume it', () => {
    expect(role().RoleName).toBe(`securecart-${config.name}-region-switch`);
    expect(regionSwitchRoleArn(config)).toBe(ROLE_ARN);
    expect(role().AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'arc-region-switch.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } },
    ]);
    expect(role().ManagedPolicyArns).toBeUndefined();
  });

  test.each(Object.entries(DOCUMENTED))('policy %s holds exactly the actions the ARC guide documents for the block', (name, { actions }) => {
    expect(actionsOf(policiesOf(role())[name])).toEqual(actions);
  });

  test('one policy per block the plan uses, nothing else', () => {
    expect(Object.keys(policiesOf(role())).sort()).toEqual(Object.keys(DOCUMENTED).sort());
    for (const statement of Object.values(policiesOf(role())).flat()) expect(statement.Effect).toBe('Allow');
  });

  test('each action on the narrowest resources the Service Authorization Reference allows', () => {
    const resources = (action: string) =>
      Object.values(policiesOf(role()))
        .flat()
        .filter((s) => [].concat(s.Action).includes(action as never))
        .flatMap((s) => [].concat(s.Resource))
        .map(cfnText)
        .sort();
    const clusters = PROXIED_DATABASES.flatMap((db) => [dbClusterArn(db, primary), dbClusterArn(db, secondary)]);
    const globals = PROXIED_DATABASES.map(globalClusterArn);
    const plan = `arn:aws:arc-region-switch::${ACCOUNT}:plan/securecart-${config.name}:*`;
    const expected: Record<string, string[]> = {
      'iam:SimulatePrincipalPolicy': [ROLE_ARN],
      'arc-region-switch:GetPlan': [plan],
      'arc-region-switch:GetPlanExecution': [plan],
      'arc-region-switch:ListPlanExecutions': [plan],
      'eks:DescribeCluster': [clusterArn(primary), clusterArn(secondary)],
      'eks:ListAssociatedAccessPolicies': [primary, secondary].map((r) => `arn:aws:eks:${r}:${ACCOUNT}:access-entry/securecart-${config.name}-${r}/role/${ACCOUNT}/securecart-${config.name}-region-switch/*`),
      'rds:SwitchoverGlobalCluster': [...globals, ...clusters],
      'rds:FailoverGlobalCluster': [...globals, ...clusters],
      'rds:DescribeGlobalClusters': globals,
      'rds:DescribeDBClusters': clusters,
      'route53:ListResourceRecordSets': [`arn:aws:route53:::hostedzone/${config.dns.hostedZoneId}`],
    };
    for (const [action, arns] of Object.entries(expected)) expect({ action, resources: resources(action) }).toEqual({ action, resources: [...arns].sort() });
    // And what that means: another database, another principal's access entry, another zone are out of reach.
    const statements = Object.values(policiesOf(role())).flat();
    expect(evaluate(statements, 'rds:FailoverGlobalCluster', `arn:aws:rds::${ACCOUNT}:global-cluster:someone-else`).decision).toBe('ImplicitDeny');
    expect(evaluate(statements, 'eks:ListAssociatedAccessPolicies', `arn:aws:eks:${primary}:${ACCOUNT}:access-entry/securecart-${config.name}-${primary}/role/${ACCOUNT}/admins/0123`).decision).toBe('ImplicitDeny');
    expect(evaluate(statements, 'route53:ListResourceRecordSets', 'arn:aws:route53:::hostedzone/ZOTHER').decision).toBe('ImplicitDeny');
    expect(evaluate(statements, 'arc-region-switch:GetPlan', `arn:aws:arc-region-switch::${ACCOUNT}:plan/securecart-${config.name}:a1b2c3`).decision).toBe('Allow');
    expect(evaluate(statements, 'arc-region-switch:StartPlanExecution', `arn:aws:arc-region-switch::${ACCOUNT}:plan/securecart-${config.name}:a1b2c3`).decision).toBe('ImplicitDeny');
  });
});

describe('EKS access for the plan', () => {
  test.each([[0], [1]])('region %i: the cluster takes access entries, and the role may scale in the shop’s namespace only', (i) => {
    const t = templates[regionalStackName(config.name, config.regions[i].name)];
    expect(Object.values(t.findResources('Custom::AWSCDK-EKS-Cluster'))[0].Properties.Config.accessConfig).toEqual({ authenticationMode: 'API_AND_CONFIG_MAP' });
    const entries = resourcesOf(t, 'AWS::EKS::AccessEntry').filter(([, e]) => e.Properties.PrincipalArn === ROLE_ARN);
    expect(entries).toHaveLength(1);
    const entry = entries[0][1].Properties;
    expect(entry.ClusterName).toEqual({ Ref: expect.stringMatching(/^securecartprod/) });
    expect(entry.AccessPolicies.map((p: any) => ({ scope: p.AccessScope, policy: cfnText(p.PolicyArn) }))).toEqual([
      { scope: { Type: 'namespace', Namespaces: [config.namespace] }, policy: `arn:aws:eks::aws:cluster-access-policy/${REGION_SWITCH_ACCESS_POLICY}` },
    ]);
  });
});

describe('variants', () => {
  test('configured timeouts and approver reach the blocks', () => {
    const c = configWith((d) => (d.regionSwitch = { approverRoleArn: `arn:aws:iam::${ACCOUNT}:role/approvers`, timeouts: { approvalMinutes: 15, scalingMinutes: 7, databaseMinutes: 12, dnsMinutes: 3 } }));
    const [w] = planOf(planTemplate(c)).Workflows;
    expect(stepOf(w, 'approve').ExecutionBlockConfiguration.ExecutionApprovalConfig).toEqual({ ApprovalRole: `arn:aws:iam::${ACCOUNT}:role/approvers`, TimeoutMinutes: 15 });
    expect(stepOf(w, 'scale').ExecutionBlockConfiguration.EksResourceScalingConfig.TimeoutMinutes).toBe(7);
    expect(stepOf(w, 'orders-database').ExecutionBlockConfiguration.GlobalAuroraConfig.TimeoutMinutes).toBe(12);
    expect(stepOf(w, 'catalog-database').ExecutionBlockConfiguration.GlobalAuroraConfig.TimeoutMinutes).toBe(12);
    expect(stepOf(w, 'dns').ExecutionBlockConfiguration.Route53HealthCheckConfig.TimeoutMinutes).toBe(3);
  });

  test('route53 front door: the DNS step serves the public name', () => {
    const c = configWith((d) => (d.edge = { ...d.edge, frontDoor: 'route53' }));
    const [w] = planOf(planTemplate(c)).Workflows;
    expect(stepOf(w, 'dns').ExecutionBlockConfiguration.Route53HealthCheckConfig.RecordName).toBe(publicHostname(c));
  });

  test('Global Accelerator: no ALB record set, so no DNS step and no Route 53 permission', () => {
    const c = configWith((d) => (d.edge = { ...d.edge, frontDoor: 'globalAccelerator' }));
    const t = planTemplate(c);
    for (const w of planOf(t).Workflows) expect(stepNames(w.Steps)).toEqual(['approve', 'scale', ['databases', ['orders-database', 'catalog-database']]]);
    expect(Object.keys(policiesOf(roleOf(t))).sort()).toEqual([EXECUTION_POLICIES.globalAurora, EXECUTION_POLICIES.baseline, EXECUTION_POLICIES.eksScaling].sort());
  });

  test('active-active: one activate and one deactivate workflow for either region; deactivating moves capacity and the writers', () => {
    const c = configWith((d) => (d.failoverMode = 'active-active'));
    const p = planOf(planTemplate(c));
    expect(p.RecoveryApproach).toBe('activeActive');
    expect(p.Workflows.map((w: any) => [w.WorkflowTargetAction, w.WorkflowTargetRegion, stepNames(w.Steps)])).toEqual([
      ['activate', undefined, ['approve', 'dns']],
      ['deactivate', undefined, ['approve', 'scale', ['databases', ['orders-database', 'catalog-database']], 'dns']],
    ]);
  });

  test('a primary region other than the first', () => {
    const c = configWith((d) => (d.primaryRegion = secondary));
    expect(planOf(planTemplate(c))).toMatchObject({ Regions: [primary, secondary], PrimaryRegion: secondary });
  });

  test('three regions are refused: an ARC plan spans exactly two', () => {
    const c = configWith((d) => {
      d.regions.push({ name: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], vpcCidr: '10.30.0.0/16' });
      for (const s of Object.values(d.services) as any[]) s.regions['eu-west-1'] = { minReplicas: 3, maxReplicas: 6 };
      for (const p of d.network.partners) p.serviceNames['eu-west-1'] = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0a1b2c3d4e5f60003';
    });
    const message = /^region switch: an ARC Region switch plan spans exactly 2 regions, the config has 3 \(us-east-1, us-west-2, eu-west-1\): keep two regions, or build one plan per pair of regions$/;
    expect(() => regionSwitchRegions(c)).toThrow(message);
    expect(() => planTemplate(c)).toThrow(message);
  });
});

describe('config', () => {
  /** The problems a config with `edit` applied is refused for. */
  const problemsOf = (edit: (d: Record<string, any>) => void): string[] => {
    try {
      configWith(edit);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).problems;
    }
    throw new Error('config was accepted');
  };

  test('defaults: the admins approve; 60, 20, 30 and 10 minutes; no vended health checks yet', () => {
    expect(config.regionSwitch).toEqual({ timeouts: { approvalMinutes: 60, scalingMinutes: 20, databaseMinutes: 30, dnsMinutes: 10 } });
  });

  test.each<[string, (d: Record<string, any>) => void, RegExp]>([
    ['an approver that is not a role ARN', (d) => (d.regionSwitch = { approverRoleArn: 'approvers' }), /^regionSwitch\.approverRoleArn: must be an IAM role ARN/],
    ['an approver in another account', (d) => (d.regionSwitch = { approverRoleArn: 'arn:aws:iam::444455556666:role/approvers' }), /^regionSwitch\.approverRoleArn: arn:aws:iam::444455556666:role\/approvers is in account 444455556666, not accountId 111122223333: ARC approves a Region switch only with a role of the plan's own account/],
    ['a default approver (the admins) in another account', (d) => (d.cluster.adminRoleArn = 'arn:aws:iam::444455556666:role/admins'), /^cluster\.adminRoleArn: .* not accountId 111122223333: .*set regionSwitch\.approverRoleArn/],
    ['a health check id for a region the config lacks', (d) => (d.regionSwitch = { healthCheckIds: { 'eu-west-1': '0e5a1c7e-0000-4000-8000-000000000009' } }), /^regionSwitch\.healthCheckIds\.eu-west-1: "eu-west-1" is not one of the regions \(us-east-1, us-west-2\)/],
    ['a health check id that is not one', (d) => (d.regionSwitch = { healthCheckIds: { 'us-east-1': 'hc-1' } }), /^regionSwitch\.healthCheckIds\.us-east-1: must be a Route 53 health check id/],
    ['a zero timeout', (d) => (d.regionSwitch = { timeouts: { scalingMinutes: 0 } }), /^regionSwitch\.timeouts\.scalingMinutes: must be at least 1 minute/],
    ['a fractional timeout', (d) => (d.regionSwitch = { timeouts: { dnsMinutes: 2.5 } }), /^regionSwitch\.timeouts\.dnsMinutes: /],
    ['an unknown key', (d) => (d.regionSwitch = { approver: 'x' }), /^regionSwitch/],
  ])('refuses %s', (_, edit, message) => {
    expect(problemsOf(edit)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  test('accepts vended health check ids for the configured regions', () => {
    const ids = { [primary]: '0e5a1c7e-0000-4000-8000-0000000000a1', [secondary]: '0e5a1c7e-0000-4000-8000-0000000000a2' };
    expect(configWith((d) => (d.regionSwitch = { healthCheckIds: ids })).regionSwitch.healthCheckIds).toEqual(ids);
  });
});

describe('the plan ARN in the outputs file', () => {
  const write = (edit: (stacks: Record<string, any>) => void) => {
    const stacks = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'config', 'outputs', `${config.name}.json`), 'utf8'));
    edit(stacks);
    const file = path.join(tmpDir('outputs-'), 'outputs.json');
    fs.writeFileSync(file, JSON.stringify(stacks));
    return file;
  };
  const stack = regionSwitchStackName(config.name);
  const arn = `arn:aws:arc-region-switch::${ACCOUNT}:plan/securecart-${config.name}:a1b2c3`;

  test('read when the stack is in the file, absent before it is deployed', () => {
    expect(loadOutputs(config, write((s) => (s[stack] = { RegionSwitchPlanArn: arn }))).regionSwitchPlanArn).toBe(arn);
    expect(loadOutputs(config, write((s) => delete s[stack])).regionSwitchPlanArn).toBeUndefined();
  });

  test('refused when it names another plan or account, or is missing from the stack', () => {
    expect(() => loadOutputs(config, write((s) => (s[stack] = { RegionSwitchPlanArn: arn.replace(ACCOUNT, '444455556666') })))).toThrow(
      /securecart-prod-region-switch\.RegionSwitchPlanArn: ".*" is not the plan ARN: expected arn:aws:arc-region-switch::111122223333:plan\/securecart-prod:<6 characters>/,
    );
    expect(() => loadOutputs(config, write((s) => (s[stack] = {})))).toThrow(/securecart-prod-region-switch\.RegionSwitchPlanArn: required output is missing/);
  });
});

describe("the plan's vended health check in the home's region health", () => {
  const VENDED = '11111111-2222-3333-4444-555555555555';
  const calculated = (c: PlatformConfig) => {
    const stack = new HealthStack(new App(), 'Health', { config: c, env: { account: c.accountId, region: HEALTH_STACK_REGION } });
    const checks = resourcesOf(Template.fromStack(stack), 'AWS::Route53::HealthCheck').filter(([, r]) => r.Properties.HealthCheckConfig.Type === 'CALCULATED');
    return Object.fromEntries(c.regions.map((r) => [r.name, checks.find(([id]) => id.startsWith(`RegionHealthCheck${r.name.replace(/-/g, '')}`))![1].Properties.HealthCheckConfig]));
  };

  test('once configured, the home (PRIMARY record) needs it as a third child; the other region keeps its own two', () => {
    const data = defaultConfigData();
    data.regionSwitch = { healthCheckIds: { 'us-east-1': VENDED, 'us-west-2': '66666666-7777-8888-9999-000000000000' } };
    const checks = calculated(parseConfig(data, 'vended'));
    expect(checks['us-east-1'].ChildHealthChecks).toHaveLength(3);
    expect(checks['us-east-1'].ChildHealthChecks[2]).toBe(VENDED);
    expect(checks['us-east-1'].HealthThreshold).toBe(3);
    expect(checks['us-west-2'].ChildHealthChecks).toHaveLength(2);
    expect(checks['us-west-2'].HealthThreshold).toBe(2);
  });

  test('before it is configured, both regions have their own two children', () => {
    const checks = calculated(config);
    expect([checks['us-east-1'].HealthThreshold, checks['us-west-2'].HealthThreshold]).toEqual([2, 2]);
  });
});
