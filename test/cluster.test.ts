/**
 * The cluster app, synthesized once offline for the default environment and asserted per stack with
 * aws-cdk-lib/assertions. No test needs AWS credentials or network.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { NODE_CLASS_NAME } from '../config/karpenter';
import { loadConfig, parseConfig } from '../config/load';
import { KUBERNETES_VERSIONS } from '../config/schema';
import { REGIONAL_OUTPUT_KEYS } from '../config/outputs';
import { CREDENTIALS, secretName, secretPrefix } from '../cluster/naming';
import { healthCheckOutputKey } from '../config/outputs';
import { ClusterSynth } from '../cluster/synth';
import { resourcesOf, synthTemplates } from './support/cluster-templates';
import { rootApplication } from '../charts/gitops';
import { ARGOCD_INSTALL_TIMEOUT, LOAD_BALANCER_CONTROLLER_IMAGE, VERSIONS } from '../cluster/regional-stack';
import { CHART_VALUE_KEYS } from '../cluster/upstream/chart-values';
import CHART_VALUE_PATHS from '../cluster/upstream/chart-value-paths.json';
import { cacheRegistry } from '../config/network';
import { ackValues, argoCdValues, coreDnsConfiguration, deschedulerValues, externalSecretsValues, karpenterValues, kedaValues, loadBalancerControllerValues, metricsServerValues } from '../cluster/addons/high-availability';
import { PLATFORM_COMPONENTS, PLATFORM_EVICTION_SECONDS, platformComponent } from '../config/platform-components';
import { HPA_HEALTH } from '../cluster/addons/gitops-bootstrap/health-checks';
import { CONTROL_TOWER_RULES, GuardFinding, runGuard } from '../cluster/guard';
import { GUARD_ACKNOWLEDGEMENTS, guardTemplateKind } from '../cluster/guard-acknowledgements';
import { defaultConfigData, defaultInput, renderRegion, tmpDir } from './helpers';
import { shopPathPattern } from '../config/shop-paths';
import { shopPathRules } from '../cluster/waf-rules';
import { ACK_ELASTICACHE_CALLS, ACK_ELASTICACHE_NEVER, ACK_RDS_CALLS, ACK_RDS_NEVER } from './support/ack-calls';
import { allowedActions, evaluate, policyStatements } from './support/iam';

const config = loadConfig();
const [primary, secondary] = config.regions;
let synth: ClusterSynth;
const templates: Record<string, Template> = {};
const regional = (region: string) => templates[`securecart-prod-${region}`];

/** Kubernetes manifests applied by CDK in a template, parsed (tokens become placeholders). */
function manifests(t: Template): any[] {
  return resourcesOf(t, 'Custom::AWSCDK-EKS-KubernetesResource').flatMap(([, r]) => JSON.parse(untokenised(r.Properties.Manifest)));
}

/** Dotted paths of an object's keys, not descending into lists (what a values.yaml key check needs). */
function leafPaths(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => {
    const p = `${prefix}${k}`;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? [p, ...leafPaths(v as Record<string, unknown>, `${p}.`)] : [p];
  });
}

/** A CloudFormation string that may be an Fn::Join of tokens, with the tokens as placeholders. */
const untokenised = (v: any): string => (typeof v === 'string' ? v : v['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'TOKEN')).join(''));

/** Helm charts installed by CDK in a template, by chart name. */
function helmCharts(t: Template): Record<string, any> {
  return Object.fromEntries(resourcesOf(t, 'Custom::AWSCDK-EKS-HelmChart').map(([, r]) => [r.Properties.Chart, r.Properties]));
}

/** Global Accelerator with Shield Advanced: the resources the default does not render. */
let variantSynth: ClusterSynth;

beforeAll(async () => {
  let synthesized: Record<string, Template>;
  ({ synth, templates: synthesized } = await synthTemplates(config));
  Object.assign(templates, synthesized);
  const data = defaultConfigData();
  data.edge = { ...data.edge, frontDoor: 'globalAccelerator', shieldAdvanced: true };
  ({ synth: variantSynth } = await synthTemplates(parseConfig(data, 'accelerator-with-shield')));
}, 180_000);

describe('the cluster app', () => {
  test('synthesizes two stacks per region (cluster, RDS Proxies) plus the global data, health and front door (CloudFront) stacks, with no lookups', () => {
    expect(Object.keys(templates).sort()).toEqual([
      'securecart-prod-edge',
      'securecart-prod-global',
      'securecart-prod-health',
      'securecart-prod-region-switch',
      'securecart-prod-us-east-1',
      'securecart-prod-us-east-1-transit',
      'securecart-prod-us-west-2',
      'securecart-prod-us-west-2-transit',
    ]);
    expect(synth.assembly.manifest.missing ?? []).toEqual([]);
    const env = Object.fromEntries(synth.assembly.stacks.map((s) => [s.stackName, s.environment.region]));
    expect(env).toEqual({
      'securecart-prod-edge': 'us-east-1',
      'securecart-prod-global': 'us-east-1',
      'securecart-prod-health': 'us-east-1',
      'securecart-prod-region-switch': 'us-east-1',
      'securecart-prod-us-east-1': 'us-east-1',
      'securecart-prod-us-east-1-transit': 'us-east-1',
      'securecart-prod-us-west-2': 'us-west-2',
      'securecart-prod-us-west-2-transit': 'us-west-2',
    });
    for (const s of synth.assembly.stacks) expect(s.environment.account).toBe(config.accountId);
  });

  test('termination protection on every stack (recreating health checks would change their ids)', () => {
    for (const s of synth.assembly.stacks) expect(s.terminationProtection).toBe(true);
  });
});

describe.each(config.regions.map((r) => r.name))('regional stack %s', (regionName) => {
  const region = config.regions.find((r) => r.name === regionName)!;
  const t = () => regional(regionName);

  test('VPC: public, private and isolated subnets in every configured AZ, a NAT gateway per AZ, flow logs', () => {
    const subnets = resourcesOf(t(), 'AWS::EC2::Subnet').map(([, r]) => r.Properties);
    const tier = (name: string) => subnets.filter((s) => s.Tags.some((tag: any) => tag.Key === 'aws-cdk:subnet-name' && tag.Value === name));
    for (const name of ['public', 'private', 'data']) {
      expect(tier(name).map((s) => s.AvailabilityZone).sort()).toEqual(region.availabilityZones);
    }
    t().resourceCountIs('AWS::EC2::NatGateway', region.availabilityZones.length);
    t().hasResourceProperties('AWS::EC2::VPC', { CidrBlock: region.vpcCidr });
    t().hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', ResourceType: 'VPC' });
    // PCI DSS 10.5.1 (a year of audit trail) by default, with a key of their own, kept after the stack.
    const [[, group]] = resourcesOf(t(), 'AWS::Logs::LogGroup').filter(([id]) => id.startsWith('VpcFlowLogs'));
    expect(group.Properties.RetentionInDays).toBe(config.cluster.flowLogRetentionDays);
    expect(config.cluster.flowLogRetentionDays).toBe(365);
    expect(group.DeletionPolicy).toBe('Retain');
    const keyId = group.Properties.KmsKeyId['Fn::GetAtt'][0];
    const key = t().toJSON().Resources[keyId];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    const logsStatement = key.Properties.KeyPolicy.Statement.find((st: any) => st.Principal?.Service === `logs.${regionName}.amazonaws.com`);
    expect(logsStatement.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:${regionName}:${config.accountId}:log-group:*`]] });
    const tagged = (s: any, key: string, value?: string) => s.Tags.some((tag: any) => tag.Key === key && (value === undefined || tag.Value === value));
    for (const s of tier('public')) expect(tagged(s, 'kubernetes.io/role/elb', '1')).toBe(true);
    for (const s of tier('private')) {
      expect(tagged(s, 'kubernetes.io/role/internal-elb', '1')).toBe(true);
      expect(tagged(s, 'karpenter.sh/discovery', `securecart-prod-${regionName}`)).toBe(true);
    }
    for (const s of tier('data')) expect(tagged(s, 'karpenter.sh/discovery')).toBe(false);
  });

  test('EKS cluster: pinned version, restricted public endpoint, all control-plane logs, KMS-encrypted secrets', () => {
    const cluster = resourcesOf(t(), 'Custom::AWSCDK-EKS-Cluster')[0][1].Properties.Config;
    expect(cluster.version).toBe(config.kubernetesVersion);
    expect(cluster.resourcesVpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: config.cluster.publicEndpointCidrs });
    expect(cluster.logging.clusterLogging[0]).toEqual({ enabled: true, types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] });
    expect(cluster.encryptionConfig[0].resources).toEqual(['secrets']);
    const keyId = cluster.encryptionConfig[0].provider.keyArn['Fn::GetAtt'][0];
    expect(t().toJSON().Resources[keyId]).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
    for (const [, key] of resourcesOf(t(), 'AWS::KMS::Key')) expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  test('cluster-admin is assumable by the configured operators role only; no role trusts the whole account', () => {
    const roles = resourcesOf(t(), 'AWS::IAM::Role');
    const [, admin] = roles.find(([id]) => id.startsWith('ClusterAdminRole'))!;
    expect(admin.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: config.cluster.adminRoleArn } }]);
    for (const [, role] of roles) expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).not.toMatch(/:root"/);
    // The cluster takes access entries beside aws-auth (ARC Region switch needs one, cluster/region-switch);
    // exactly that role is cluster-admin, through an access entry, and aws-auth maps nobody to system:masters.
    expect(Object.values(t().findResources('Custom::AWSCDK-EKS-Cluster'))[0].Properties.Config.accessConfig).toEqual({ authenticationMode: 'API_AND_CONFIG_MAP' });
    const admins = resourcesOf(t(), 'AWS::EKS::AccessEntry').filter(([, e]) => JSON.stringify(e.Properties.AccessPolicies).includes('AmazonEKSClusterAdminPolicy'));
    expect(admins).toHaveLength(1);
    expect(admins[0][1].Properties.PrincipalArn['Fn::GetAtt'][0]).toMatch(/^ClusterAdminRole[0-9A-F]{8}$/);
    expect(admins[0][1].Properties.AccessPolicies).toEqual([{ AccessScope: { Type: 'cluster' }, PolicyArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy']] } }]);
    expect(resourcesOf(t(), 'Custom::AWSCDK-EKS-KubernetesResource').filter(([, r]) => JSON.stringify(r.Properties.Manifest).includes('system:masters'))).toEqual([]);
  });

  test('system node group: spread over the private subnets of every AZ, IMDSv2 only, encrypted volumes', () => {
    t().hasResourceProperties('AWS::EKS::Nodegroup', {
      ScalingConfig: { MinSize: config.cluster.systemNodes.minSize, MaxSize: config.cluster.systemNodes.maxSize },
      AmiType: 'AL2023_x86_64_STANDARD',
    });
    const nodegroup = resourcesOf(t(), 'AWS::EKS::Nodegroup')[0][1].Properties;
    expect(nodegroup.Subnets).toHaveLength(region.availabilityZones.length);
    for (const s of nodegroup.Subnets) expect(s.Ref).toMatch(/^VpcprivateSubnet/);
    t().hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true, VolumeType: 'gp3' }) })],
      }),
    });
  });

  test('core EKS add-ons at pinned versions, with network policy enforcement in the VPC CNI', () => {
    const addons = Object.fromEntries(resourcesOf(t(), 'AWS::EKS::Addon').map(([, r]) => [r.Properties.AddonName, r.Properties]));
    expect(Object.keys(addons).sort()).toEqual(['amazon-cloudwatch-observability', 'coredns', 'kube-proxy', 'vpc-cni']);
    expect(addons['vpc-cni'].AddonVersion).toBe(VERSIONS.vpcCni);
    expect(JSON.parse(addons['vpc-cni'].ConfigurationValues).enableNetworkPolicy).toBe('true');
    expect(addons.coredns.AddonVersion).toBe(VERSIONS.coreDns);
    expect(addons['kube-proxy'].AddonVersion).toBe(VERSIONS.kubeProxy[config.kubernetesVersion]);
    for (const a of Object.values(addons) as any[]) expect(a.AddonVersion).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
  });

  test('Helm add-ons: load balancer controller, Karpenter, metrics-server, KEDA, ExternalDNS, External Secrets, ACK RDS and ElastiCache, Argo CD', () => {
    const charts = helmCharts(t());
    expect(Object.keys(charts).sort()).toEqual(
      ['argo-cd', 'aws-load-balancer-controller', 'descheduler', 'elasticache-chart', 'external-dns', 'external-secrets', 'karpenter', 'karpenter-crd', 'keda', 'metrics-server', 'rds-chart'].sort(),
    );
    expect(charts.keda.Version).toBe(VERSIONS.keda);
    expect(charts.karpenter.Version).toBe(VERSIONS.karpenter);
    expect(charts['rds-chart'].Version).toBe(VERSIONS.ackRds);
    expect(charts['elasticache-chart'].Version).toBe(VERSIONS.ackElastiCache);
    for (const c of Object.values(charts)) expect(c.Version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('the descheduler restores zone spread in the shop namespace after scale-downs and zone recovery', () => {
    const values = JSON.parse(helmCharts(t()).descheduler.Values);
    const profile = values.deschedulerPolicy.profiles[0];
    const spread = profile.pluginConfig.find((p: any) => p.name === 'RemovePodsViolatingTopologySpreadConstraint');
    expect(spread.args).toMatchObject({ constraints: ['DoNotSchedule'], namespaces: { include: [config.namespace] } });
    expect(profile.plugins.balance.enabled).toEqual(['RemovePodsViolatingTopologySpreadConstraint']);
    // descheduler v0.34.0 pkg/framework/plugins/defaultevictor/types.go: evictLocalStoragePods is
    // deprecated for podProtections.defaultDisabled, and validation.go refuses the two together.
    const evictor = profile.pluginConfig.find((p: any) => p.name === 'DefaultEvictor').args;
    expect(evictor).toEqual({ podProtections: { defaultDisabled: ['PodsWithLocalStorage'] } });
  });

  test('KEDA 2.20.1 from its own chart, with no IAM role (the cpu, memory and cron scalers call no AWS API), before git takes over', () => {
    const [[kedaId, keda]] = resourcesOf(t(), 'Custom::AWSCDK-EKS-HelmChart').filter(([, r]) => r.Properties.Chart === 'keda');
    // kedacore/charts keda/Chart.yaml at v2.20.1: version and appVersion 2.20.1.
    expect(keda.Properties).toMatchObject({ Version: '2.20.1', Release: 'keda', Namespace: 'keda', Repository: 'https://kedacore.github.io/charts' });
    const values = JSON.parse(untokenised(keda.Properties.Values));
    // With irsaRoles empty the Blueprints add-on lets the chart create the service account, without an
    // IRSA annotation (eks-blueprints 1.19.0 dist/addons/keda/index.js populateValues).
    expect(values.serviceAccount.operator).toEqual({ create: true, name: 'keda-operator' });
    expect(JSON.stringify(values)).not.toContain('eks.amazonaws.com/role-arn');
    expect(resourcesOf(t(), 'AWS::IAM::Role').filter(([id]) => /keda/i.test(id))).toEqual([]);
    // Two of each component over zones. The chart emits the spreads as given, adding no selector
    // (keda/templates/manager/deployment.yaml:247-250 and the same in metrics-server/, webhooks/): each
    // names its pods by the labels the chart gives them (app.kubernetes.io/name, keda.labels' instance).
    expect(values).toMatchObject({ operator: { replicaCount: 2 }, metricsServer: { replicaCount: 2 }, webhooks: { replicaCount: 2 } });
    for (const [component, name] of [['operator', 'keda-operator'], ['metricsServer', 'keda-operator-metrics-apiserver'], ['webhooks', 'keda-admission-webhooks']]) {
      expect(values.topologySpreadConstraints[component][0].labelSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': 'keda' });
    }
    // The root Application (which syncs the ScaledObjects) is applied once the chart is installed.
    const [[, bootstrap]] = resourcesOf(t(), 'Custom::AWSCDK-EKS-KubernetesResource').filter(([, r]) => untokenised(r.Properties.Manifest).includes('"securecart-root"'));
    expect(bootstrap.DependsOn).toContain(kedaId);
  });

  test('the load balancer controller pulls the image its chart version ships, from public ECR through the region’s cache', () => {
    const values = JSON.parse(untokenised(helmCharts(t())['aws-load-balancer-controller'].Values));
    expect(LOAD_BALANCER_CONTROLLER_IMAGE.repository).toBe('public.ecr.aws/eks/aws-load-balancer-controller');
    // public.ecr.aws/<path> under the pull-through cache's prefix (config/network.ts throughCache).
    expect(values.image).toEqual({ repository: `${cacheRegistry(config.accountId, regionName, config.network.pullThroughCache.prefix)}/eks/aws-load-balancer-controller`, tag: `v${VERSIONS.awsLoadBalancerController}` });
    expect(LOAD_BALANCER_CONTROLLER_IMAGE.tag).toBe(`v${VERSIONS.awsLoadBalancerController}`);
  });

  test('Argo CD is installed once the system nodes exist, and Helm waits for it up to 15 minutes', () => {
    const [[id, chart]] = resourcesOf(t(), 'Custom::AWSCDK-EKS-HelmChart').filter(([, r]) => r.Properties.Chart === 'argo-cd');
    expect(chart.Properties.Wait).toBe(true);
    expect(chart.Properties.Timeout).toBe('900s');
    expect(ARGOCD_INSTALL_TIMEOUT.toMinutes()).toBe(15);
    const nodegroups = resourcesOf(t(), 'AWS::EKS::Nodegroup').map(([ngId]) => ngId);
    expect(nodegroups).toHaveLength(1);
    expect(chart.DependsOn).toEqual(expect.arrayContaining(nodegroups));
    expect(id).toMatch(/argocd/i);
  });

  test('ExternalDNS cannot change the other regions’ own records', () => {
    const [, policy] = resourcesOf(t(), 'AWS::IAM::Policy').find(([id]) => /externaldns.*DefaultPolicy/i.test(id))!;
    const deny = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Effect === 'Deny');
    expect(deny.Action).toBe('route53:ChangeResourceRecordSets');
    const names = deny.Condition['ForAnyValue:StringLike']['route53:ChangeResourceRecordSetsNormalizedRecordNames'];
    const others = config.regions.filter((r) => r.name !== regionName).map((r) => `*${r.name}.${config.dns.publicHostname}.${config.dns.domain}`);
    expect([].concat(names)).toEqual(others);
  });

  test('ExternalDNS: own TXT owner id, filtered to the configured zone, never deletes', () => {
    const values = JSON.parse(helmCharts(t())['external-dns'].Values);
    expect(values.txtOwnerId).toBe(`securecart-prod-${regionName}`);
    expect(values.domainFilters).toEqual([config.dns.domain]);
    // Chart 1.21.1 has no zoneIdFilters value (silently ignored): the zone filter is an argument, which
    // the Blueprints add-on puts into extraArgs for each hosted zone.
    expect(values.zoneIdFilters).toBeUndefined();
    expect(values.extraArgs).toEqual([`--zone-id-filter=${config.dns.hostedZoneId}`]);
    // Every value is one the chart reads; `aws` is the add-on's own (region), which this chart ignores.
    const known = CHART_VALUE_KEYS[`external-dns@${VERSIONS.externalDns}`].keys;
    expect(Object.keys(values).filter((k) => !known.includes(k))).toEqual(['aws']);
    expect(values.policy).toBe('upsert-only');
  });

  test('Karpenter interruption queue: SQS-managed encryption set explicitly, TLS only', () => {
    const [[, queue]] = resourcesOf(t(), 'AWS::SQS::Queue').filter(([id]) => id.startsWith('karpenterqueue'));
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    t().hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('Karpenter: the EC2NodeClass (IMDSv2, encrypted, pinned AMI, the node role) is here, the NodePools are in the charts', () => {
    const objects = manifests(t());
    // The NodePools moved to the charts (charts/platform-chart.ts) so that evacuating a zone is one git
    // change; a NodePool left here would keep the evacuated zone as a Karpenter topology domain.
    expect(objects.filter((o) => o.kind === 'NodePool')).toEqual([]);
    const nodeClasses = objects.filter((o) => o.kind === 'EC2NodeClass');
    expect(nodeClasses.map((n) => n.metadata.name)).toEqual([NODE_CLASS_NAME]);
    const nodeClass = nodeClasses[0];
    expect(nodeClass.spec.metadataOptions.httpTokens).toBe('required');
    expect(nodeClass.spec.metadataOptions.httpPutResponseHopLimit).toBe(1);
    expect(nodeClass.spec.amiSelectorTerms).toEqual([{ alias: VERSIONS.karpenterAmiAlias }]);
    expect(VERSIONS.karpenterAmiAlias).toMatch(/^al2023@v\d{8}$/);
    expect(nodeClass.spec.blockDeviceMappings.every((b: any) => b.ebs.encrypted)).toBe(true);
    expect(nodeClass.spec.subnetSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': `securecart-prod-${regionName}` } }]);
    // Instances carry the environment's tags: the FIS drills select the shop's nodes by them.
    expect(nodeClass.spec.tags).toMatchObject({ project: 'securecart', environment: 'prod' });
    // The node role Blueprints creates (and maps in aws-auth), created before the manifest is applied:
    // eks-blueprints 1.19.0 dist/addons/karpenter/karpenter-v1.js setUpNodeRole ("karpenter-node-role");
    // Karpenter builds the instance profile from spec.role (karpenter-provider-aws v1.14.1
    // pkg/apis/v1/ec2nodeclass.go:95 `Role string json:"role"`).
    const [[id, resource]] = resourcesOf(t(), 'Custom::AWSCDK-EKS-KubernetesResource').filter(([, r]) => untokenised(r.Properties.Manifest).includes('"EC2NodeClass"'));
    const roleRef = resource.Properties.Manifest['Fn::Join'][1].find((p: any) => typeof p === 'object');
    const role = t().toJSON().Resources[roleRef.Ref];
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'ec2.amazonaws.com' });
    expect(resource.DependsOn.some((d: string) => d.includes('chartkarpenter'))).toBe(true);
    expect(id).toContain('defaultnodetemplate');
    // Interruption handling: the queue Karpenter reads and the EventBridge rules feeding it.
    t().resourceCountIs('AWS::SQS::Queue', 1);
    expect(resourcesOf(t(), 'AWS::Events::Rule').length).toBeGreaterThanOrEqual(4);
  });

  describe('platform components survive a zone loss (config/platform-components.ts)', () => {
    // Chart name in the template -> the values.yaml key paths read at the pinned version.
    const CHARTS: Record<string, string> = {
      'metrics-server': `metrics-server@${VERSIONS.metricsServer}`,
      'aws-load-balancer-controller': `aws-load-balancer-controller@${VERSIONS.awsLoadBalancerController}`,
      karpenter: `karpenter@${VERSIONS.karpenter}`,
      'argo-cd': `argo-cd@${VERSIONS.argoCd}`,
      'external-secrets': `external-secrets@${VERSIONS.externalSecrets}`,
      'rds-chart': `rds-chart@${VERSIONS.ackRds}`,
      'elasticache-chart': `elasticache-chart@${VERSIONS.ackElastiCache}`,
      descheduler: `descheduler@${VERSIONS.descheduler}`,
      keda: `keda@${VERSIONS.keda}`,
    };
    const ours: Record<string, Record<string, unknown>> = {
      'metrics-server': metricsServerValues(),
      'aws-load-balancer-controller': loadBalancerControllerValues(),
      karpenter: karpenterValues(),
      'argo-cd': argoCdValues(),
      'external-secrets': externalSecretsValues(),
      'rds-chart': ackValues(),
      'elasticache-chart': ackValues(),
      descheduler: deschedulerValues(),
      keda: kedaValues(),
    };

    test.each(Object.keys(CHARTS))('%s: our values reach the chart, and every key is one the chart reads at its pinned version', (chart) => {
      const values = JSON.parse(untokenised(helmCharts(t())[chart].Values));
      expect(values).toMatchObject(ours[chart]);
      const upstream = (CHART_VALUE_PATHS as Record<string, { paths: string[]; freeForm: string[] }>)[CHARTS[chart]];
      expect(upstream).toBeDefined();
      const unknown = leafPaths(ours[chart]).filter((p) => !upstream.paths.includes(p) && !upstream.freeForm.some((f) => p.startsWith(`${f}.`)));
      expect(unknown).toEqual([]);
    });

    test('every pod of the platform is evicted 30 s after its node is lost, not the default 300 s', () => {
      // kubernetes/kubernetes plugin/pkg/admission/defaulttolerationseconds/admission.go adds 300 s only
      // to pods without their own not-ready/unreachable NoExecute tolerations.
      const thirty = (tolerations: any[]) =>
        ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].every((key) => tolerations.some((x) => x.key === key && x.effect === 'NoExecute' && x.tolerationSeconds === PLATFORM_EVICTION_SECONDS));
      const charts = helmCharts(t());
      const tolerationsOf = (chart: string) => {
        const v = JSON.parse(untokenised(charts[chart].Values));
        return v.tolerations ?? v.global?.tolerations ?? v.deployment?.tolerations;
      };
      for (const chart of [...Object.keys(CHARTS), 'external-dns']) expect([chart, thirty(tolerationsOf(chart))]).toEqual([chart, true]);
      // Karpenter's chart default (CriticalAddonsOnly) is kept: a list given replaces the chart's.
      expect(tolerationsOf('karpenter')).toContainEqual({ key: 'CriticalAddonsOnly', operator: 'Exists' });
    });

    test('the components the shop needs during a zone loss run 2 replicas over zones with a PodDisruptionBudget', () => {
      for (const c of PLATFORM_COMPONENTS.filter((x) => x.neededDuringZoneLoss && x.mode !== 'single' && x.mode !== 'per-node')) {
        expect([c.name, c.replicas >= 2, c.zoneSpread, c.pdbMaxUnavailable]).toEqual([c.name, true, true, 1]);
      }
      const charts = helmCharts(t());
      const v = (chart: string) => JSON.parse(untokenised(charts[chart].Values));
      expect(v('metrics-server')).toMatchObject({ replicas: 2, podDisruptionBudget: { enabled: true, maxUnavailable: 1 } });
      expect(v('aws-load-balancer-controller')).toMatchObject({ replicaCount: 2, podDisruptionBudget: { maxUnavailable: 1 } });
      expect(v('argo-cd')).toMatchObject({ server: { replicas: 2, pdb: { enabled: true, maxUnavailable: 1 } }, repoServer: { replicas: 2 }, applicationSet: { replicas: 2 } });
      // metrics-server and the load balancer controller charts emit the spread as given, adding no selector
      // (metrics-server chart 3.13.1 templates/deployment.yaml:174-175; aws-load-balancer-controller v3.4.0
      // helm/aws-load-balancer-controller/templates/deployment.yaml:289-290): it must name the pods.
      expect(v('metrics-server').topologySpreadConstraints[0].labelSelector.matchLabels['app.kubernetes.io/name']).toBe('metrics-server');
      expect(v('aws-load-balancer-controller').topologySpreadConstraints[0].labelSelector.matchLabels['app.kubernetes.io/name']).toBe('aws-load-balancer-controller');
    });

    test('CoreDNS: two replicas over zones, its PodDisruptionBudget and default tolerations kept', () => {
      const [[, addon]] = resourcesOf(t(), 'AWS::EKS::Addon').filter(([, r]) => r.Properties.AddonName === 'coredns');
      const configuration = JSON.parse(addon.Properties.ConfigurationValues);
      expect(configuration).toEqual(coreDnsConfiguration());
      // EKS refuses keys its schema does not list (additionalProperties false): ours against the published one.
      const schema = (CHART_VALUE_PATHS as Record<string, { paths: string[] }>)[`coredns@${VERSIONS.coreDns}`];
      expect(leafPaths(configuration).filter((p) => !schema.paths.includes(p))).toEqual([]);
      expect(configuration.replicaCount).toBe(platformComponent('coredns').replicas);
      expect(configuration.tolerations).toContainEqual({ key: 'CriticalAddonsOnly', operator: 'Exists' });
      expect(configuration.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } });
    });
  });

  test('credentials reach the shop namespace from Secrets Manager, never from git', () => {
    const objects = manifests(t());
    const store = objects.find((o) => o.kind === 'ClusterSecretStore' && o.spec.provider.aws);
    expect(store.spec.provider.aws).toMatchObject({ service: 'SecretsManager', region: regionName });
    const syncs = objects.filter((o) => o.kind === 'ClusterExternalSecret' && o.spec.externalSecretSpec.secretStoreRef.name === store.metadata.name);
    expect(syncs.map((s) => [s.metadata.name, s.spec.externalSecretSpec.dataFrom[0].extract.key]).sort()).toEqual(
      (Object.keys(CREDENTIALS) as Array<keyof typeof CREDENTIALS>).map((c) => [CREDENTIALS[c].kubernetesSecret, secretName(config, c)]).sort(),
    );
    for (const s of syncs) expect(s.spec.namespaceSelectors).toEqual([{ matchLabels: { 'kubernetes.io/metadata.name': config.namespace } }]);
    // No other namespace can read the shop's credentials through the store.
    expect(store.spec.conditions).toEqual([{ namespaces: [config.namespace] }]);
  });

  test('the RDS CA bundle reaches the shop namespace from AWS’s trust store, refreshed daily and kept if the source fails', () => {
    const objects = manifests(t());
    const store = objects.find((o) => o.kind === 'ClusterSecretStore' && o.spec.provider.webhook);
    // external-secrets v2.7.0 webhook provider: the URL is a template over remoteRef.key; no jsonPath
    // returns the raw body (providers/v1/webhook/webhook.go), i.e. the whole PEM bundle.
    expect(store.spec.provider.webhook).toEqual({ url: 'https://truststore.pki.rds.amazonaws.com/{{ .remoteRef.key }}/{{ .remoteRef.key }}-bundle.pem', method: 'GET', timeout: '30s' });
    expect(store.spec.conditions).toEqual([{ namespaces: [config.namespace] }]);
    const sync = objects.find((o) => o.kind === 'ClusterExternalSecret' && o.spec.externalSecretSpec.secretStoreRef.name === store.metadata.name);
    expect(sync.spec.externalSecretSpec).toMatchObject({
      refreshInterval: '24h',
      target: { name: 'rds-ca-bundle', creationPolicy: 'Orphan', deletionPolicy: 'Retain' },
      data: [{ secretKey: 'rds-ca-bundle.pem', remoteRef: { key: 'global' } }],
    });
    expect(sync.spec.namespaceSelectors).toEqual([{ matchLabels: { 'kubernetes.io/metadata.name': config.namespace } }]);
  });

  test('Argo CD is bootstrapped to this repository’s argocd/<region>: the root app and its project, never allowEmpty', () => {
    const objects = manifests(t());
    const apps = objects.filter((o) => o.kind === 'Application');
    expect(apps).toHaveLength(1);
    expect(apps[0].spec).toEqual(rootApplication(config, regionName).spec);
    expect(apps[0].spec.source).toMatchObject({ repoURL: config.gitops.repoUrl, path: `argocd/${regionName}`, targetRevision: config.gitops.targetRevision });
    expect(apps[0].spec.project).not.toBe('default');
    expect(JSON.stringify(apps[0])).not.toContain('allowEmpty');
    expect(objects.filter((o) => o.kind === 'AppProject').map((p) => p.metadata.name)).toEqual([apps[0].spec.project]);
  });

  test('Argo CD tracks by annotation and has health checks for Applications and every ACK kind', () => {
    const cm = JSON.parse(helmCharts(t())['argo-cd'].Values).configs.cm;
    expect(cm['application.resourceTrackingMethod']).toBe('annotation');
    expect(cm['resource.customizations.health.argoproj.io_Application']).toContain('obj.status.health');
    for (const kind of ['DBCluster', 'DBInstance', 'GlobalCluster', 'DBSubnetGroup', 'DBClusterParameterGroup']) {
      expect(cm[`resource.customizations.health.rds.services.k8s.aws_${kind}`]).toContain('ACK.Terminal');
    }
    for (const kind of ['ReplicationGroup', 'CacheSubnetGroup']) expect(cm[`resource.customizations.health.elasticache.services.k8s.aws_${kind}`]).toContain('ACK.Terminal');
    // Young HPAs without metrics wait instead of failing the apps wave (test/first-install.test.ts).
    expect(cm['resource.customizations.health.autoscaling_HorizontalPodAutoscaler']).toBe(HPA_HEALTH);
  });

  describe.each([
    ['RDS', 'rdschartinlinepolicy', ACK_RDS_CALLS, ACK_RDS_NEVER],
    ['ElastiCache', 'elasticachechartinlinepolicy', ACK_ELASTICACHE_CALLS, ACK_ELASTICACHE_NEVER],
  ] as const)('ACK %s controller role', (_name, policyPrefix, calls, never) => {
    const fill = (arn: string) => arn.replace(/<region>/g, regionName).replace(/<account>/g, config.accountId).replace(/<env>/g, config.name);
    const statements = () => policyStatements(t().toJSON().Resources, policyPrefix);

    test('is an inline policy, not the FullAccess managed one', () => {
      expect(JSON.stringify(t().findResources('AWS::IAM::Role'))).not.toMatch(/AmazonRDSFullAccess|AmazonElastiCacheFullAccess/);
      expect(statements().length).toBeGreaterThan(0);
    });

    test.each(calls.map((c) => [c.action, c.resource, c.where] as const))('allows %s on %s (%s)', (action, resource) => {
      expect(evaluate(statements(), action, fill(resource)).decision).toBe('Allow');
    });

    test.each([...never])('denies %s explicitly: retention is enforced by IAM too', (action) => {
      expect(evaluate(statements(), action, '*').decision).toBe('ExplicitDeny');
      expect(evaluate(statements(), action, fill(calls[1].resource)).decision).toBe('ExplicitDeny');
    });

    test('allows nothing the controller does not call (besides the service-linked role, KMS through RDS and network lookups)', () => {
      const called = new Set(calls.map((c) => c.action));
      const extra = allowedActions(statements()).filter((a) => !called.has(a));
      expect(extra).toEqual(
        policyPrefix.startsWith('rds')
          ? ['iam:CreateServiceLinkedRole', 'kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey']
          : ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'iam:CreateServiceLinkedRole'],
      );
    });

    test('writes only this environment’s resources', () => {
      const other = fill(calls.find((c) => /Create/.test(c.action))!.resource).replace(`securecart-${config.name}-`, 'securecart-other-');
      expect(evaluate(statements(), calls.find((c) => /Create/.test(c.action))!.action, other).decision).toBe('ImplicitDeny');
      expect(evaluate(statements(), 'elasticache:CreateCacheCluster', fill('arn:aws:elasticache:<region>:<account>:cluster:securecart-<env>-x')).decision).not.toBe('Allow');
    });
  });

  test('the ACK RDS role uses the database key only through RDS in this region', () => {
    const statements = policyStatements(t().toJSON().Resources, 'rdschartinlinepolicy');
    const key = resourcesOf(t(), 'AWS::KMS::Key').find(([id]) => id.startsWith('PrerequisitesDatabaseKey'))!;
    const keyArn = `{ref:${key[0]}.Arn}`;
    const { decision, conditions } = evaluate(statements, 'kms:CreateGrant', keyArn);
    expect(decision).toBe('Allow');
    expect(conditions).toEqual([{ StringEquals: { 'kms:ViaService': `rds.${regionName}.amazonaws.com` } }]);
    expect(evaluate(statements, 'kms:CreateGrant', 'arn:aws:kms:us-east-1:111122223333:key/other').decision).toBe('ImplicitDeny');
    expect(key[1].DeletionPolicy).toBe('Retain');
    expect(key[1].Properties.EnableKeyRotation).toBe(true);
  });

  test('data stores accept the cluster only, on their own ports', () => {
    const clusterSg = { 'Fn::GetAtt': [expect.stringMatching(/^securecartprod/), 'ClusterSecurityGroupId'] };
    const groups = Object.fromEntries(
      resourcesOf(t(), 'AWS::EC2::SecurityGroup')
        .filter(([id]) => /^Prerequisites(Database|Redis)SecurityGroup/.test(id))
        .map(([id, g]) => [id.startsWith('PrerequisitesDatabase') ? 'database' : 'redis', g.Properties]),
    );
    const ports = (g: any) => g.SecurityGroupIngress.map((r: any) => r.FromPort).sort();
    expect(ports(groups.database)).toEqual([3306, 5432]);
    expect(ports(groups.redis)).toEqual([6379]);
    for (const g of Object.values(groups)) {
      for (const r of g.SecurityGroupIngress) {
        expect(r.SourceSecurityGroupId).toEqual(clusterSg);
        expect(r.ToPort).toBe(r.FromPort);
        expect(r).not.toHaveProperty('CidrIp');
      }
      // Nothing outbound: CDK's placeholder rule that matches no traffic.
      expect(g.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
    }
  });

  test('carts role: assumable only by the carts service account, DynamoDB carts table only', () => {
    const [, role] = resourcesOf(t(), 'AWS::IAM::Role').find(([id]) => id.startsWith('PrerequisitesCartsRole'))!;
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('sts:AssumeRoleWithWebIdentity');
    const [, conditions] = resourcesOf(t(), 'Custom::AWSCDKCfnJson').find(([id]) => id.startsWith('PrerequisitesCartsTrustConditions'))!;
    expect(JSON.stringify(conditions.Properties.Value)).toContain(`system:serviceaccount:${config.namespace}:carts`);
    const [, policy] = resourcesOf(t(), 'AWS::IAM::Policy').find(([id]) => id.startsWith('PrerequisitesCartsRoleDefaultPolicy'))!;
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0].Action.every((a: string) => a.startsWith('dynamodb:'))).toBe(true);
    expect(JSON.stringify(statements[0].Resource)).toContain(':table/securecart-prod-carts');
  });

  test('WAF web ACL behind CloudFront: the origin-verify check, then the shop’s paths only; AWS common, SQLi and known-bad-inputs rule groups; no per-IP limit', () => {
    const acl = resourcesOf(t(), 'AWS::WAFv2::WebACL')[0][1].Properties;
    expect(acl.Scope).toBe('REGIONAL');
    expect(acl.Name).toBe(`securecart-prod-${regionName}`);
    const groups = acl.Rules.filter((r: any) => r.Statement.ManagedRuleGroupStatement).map((r: any) => r.Statement.ManagedRuleGroupStatement.Name);
    expect(groups).toEqual(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']);
    // Every request arrives from a CloudFront address: a per-IP limit here would throttle edge locations;
    // the edge's web ACL limits each client (test/front-door.test.ts).
    expect(acl.Rules.find((r: any) => r.Statement.RateBasedStatement)).toBeUndefined();
    const sorted = [...acl.Rules].sort((a: any, b: any) => a.Priority - b.Priority);
    expect(sorted[0].Name).toBe('origin-verify');
    // The rules test/shop-paths.test.ts evaluates, evaluated before anything else, answering 404.
    const first = sorted.slice(1, 3);
    expect(first.map((r: any) => r.Name)).toEqual(shopPathRules(1).map((r) => r.name));
    expect(first[0].Statement.NotStatement.Statement.RegexMatchStatement).toEqual({ FieldToMatch: { UriPath: {} }, RegexString: shopPathPattern(), TextTransformations: [{ Priority: 0, Type: 'NONE' }] });
    for (const r of first) expect(r.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 404 } } });
  });

  test('synthetic shopper: shops through the region’s own hostname every minute; its alarm suits a Route 53 check', () => {
    const [[, canary]] = resourcesOf(t(), 'AWS::Synthetics::Canary');
    expect(canary.Properties).toMatchObject({
      Name: 'securecart-prod-shopper',
      RuntimeVersion: 'syn-nodejs-puppeteer-13.0',
      Schedule: { Expression: 'rate(1 minute)' },
      StartCanaryAfterCreation: true,
      RunConfig: { EnvironmentVariables: { SHOP_URL: `https://${regionName}.${config.dns.publicHostname}.${config.dns.domain}`, PLACE_ORDER: 'true', SHOPPER_EMAIL: `synthetic-shopper@${config.dns.domain}` } },
    });
    const [[, alarm]] = resourcesOf(t(), 'AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.AlarmName === `securecart-prod-${regionName}-synthetic-shopper`);
    // Route 53 alarm-based checks: standard resolution, a plain statistic, one metric (AlarmIdentifier docs).
    expect(alarm.Properties).toMatchObject({
      Namespace: 'CloudWatchSynthetics',
      MetricName: 'SuccessPercent',
      Statistic: 'Average',
      Period: 60,
      Threshold: 100,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: config.dns.syntheticShopper.failedRuns,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.Properties.DatapointsToAlarm).toBeUndefined();
    expect(alarm.Properties.Metrics).toBeUndefined();
    expect(alarm.Properties.AlarmActions).toHaveLength(1);
  });

  test('certificate for the public and the regional hostname, validated in the hosted zone', () => {
    t().hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: `${config.dns.publicHostname}.${config.dns.domain}`,
      // CloudFront connects to the origin name with its SNI (cluster/front-door/cloudfront-stack.ts).
      SubjectAlternativeNames: [`${regionName}.${config.dns.publicHostname}.${config.dns.domain}`, `origin.${config.dns.publicHostname}.${config.dns.domain}`],
      ValidationMethod: 'DNS',
      DomainValidationOptions: Match.arrayWith([Match.objectLike({ HostedZoneId: config.dns.hostedZoneId })]),
    });
  });

  test('ALB and target 5xx alarms over this environment’s ALBs only (by their tags) notify an encrypted regional topic', () => {
    const alarms = resourcesOf(t(), 'AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .filter((a) => a.Metrics?.[0]?.Expression?.startsWith('SELECT'));
    // Metrics Insights tag filters (WHERE tag.<key> = '<value>'), on the tags the edge chart gives the ALB.
    const where = `WHERE tag.project = 'securecart' AND tag.environment = '${config.name}'`;
    expect(alarms.map((a) => a.Metrics[0].Expression).sort()).toEqual([
      `SELECT SUM(HTTPCode_ELB_5XX_Count) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer) ${where}`,
      `SELECT SUM(HTTPCode_Target_5XX_Count) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer) ${where}`,
    ]);
    const ingressTags = renderRegion(defaultInput(), regionName).edge.filter((o) => o.kind === 'Ingress').map((o) => o.metadata.annotations!['alb.ingress.kubernetes.io/tags']);
    expect(new Set(ingressTags)).toEqual(new Set([`project=securecart,environment=${config.name}`]));
    // Tag filters need the account's resource tags for telemetry: enabled here, kept on delete.
    const [[, enrichment]] = resourcesOf(t(), 'AWS::ObservabilityAdmin::TelemetryEnrichment');
    expect(enrichment.Properties).toEqual({ Scope: 'ACCOUNT' });
    expect(enrichment.DeletionPolicy).toBe('Retain');
    for (const a of alarms) {
      expect(a).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', Threshold: 50, EvaluationPeriods: 3 });
      expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmsTopic/) }]);
    }
    t().hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  test('replication lag of this region’s database clusters (while secondary) alarms before order commits block', () => {
    const alarms = resourcesOf(t(), 'AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .filter((a) => a.Namespace === 'AWS/RDS');
    // Both metrics are in milliseconds and reported for the secondary cluster, in its region.
    expect(alarms.map((a) => [a.MetricName, a.Dimensions[0].Value]).sort()).toEqual([
      ['AuroraGlobalDBRPOLag', `securecart-prod-orders-${regionName}`],
      ['AuroraGlobalDBReplicationLag', `securecart-prod-catalog-${regionName}`],
    ]);
    for (const a of alarms) {
      expect(a).toMatchObject({ Statistic: 'Maximum', Period: 60, Threshold: config.data.replicationLagAlarmSeconds * 1000, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
      expect(a.Threshold).toBeLessThan(config.data.ordersRpoBoundSeconds! * 1000);
      expect(a.AlarmActions).toHaveLength(1);
    }
  });

  test('nodes not ready for 2 minutes page the operators, pointing at the zone-loss runbook', () => {
    const alarms = resourcesOf(t(), 'AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .filter((a) => a.Namespace === 'ContainerInsights');
    // Container Insights (the CloudWatch observability add-on) publishes cluster_failed_node_count per
    // ClusterName (CloudWatch User Guide, "Amazon EKS and Kubernetes Container Insights metrics").
    expect(alarms).toEqual([
      expect.objectContaining({
        MetricName: 'cluster_failed_node_count',
        Dimensions: [{ Name: 'ClusterName', Value: `securecart-prod-${regionName}` }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 2,
        Period: 60,
      }),
    ]);
    expect(alarms[0].AlarmDescription).toContain('docs/operations.md#a-zone-degrades');
    expect(fs.readFileSync(path.join(__dirname, '..', 'docs', 'operations.md'), 'utf8')).toMatch(/^## A zone degrades$/m);
    expect(alarms[0].AlarmActions).toHaveLength(1);
  });

  test('outputs every value the charts read from this stack', () => {
    const outputs = Object.keys(t().toJSON().Outputs);
    expect(outputs).toEqual(expect.arrayContaining([...Object.values(REGIONAL_OUTPUT_KEYS), 'WebAclArn', 'CertificateArn']));
    expect(t().toJSON().Outputs.PublicSubnetCidrs.Value.split(',')).toHaveLength(region.availabilityZones.length);
  });
});

describe('the Karpenter AMI alias', () => {
  // karpenter-provider-aws v1.14.1 pkg/providers/amifamily/al2023.go (resolvePath, DescribeImageQuery):
  // al2023@<v> reads /aws/service/eks/optimized-ami/<k8s>/amazon-linux-2023/<arch>/<variant>/
  // amazon-eks-node-al2023-<arch>-<variant>-<k8s>-<v>/image_id for the cluster's version; none found is an
  // error (pkg/controllers/nodeclass/ami.go), the EC2NodeClass never becomes Ready and no NodePool launches.
  const releases = require('../cluster/upstream/amazon-eks-ami-releases.json').releases as Record<string, string[] | null>;
  const [family, version] = VERSIONS.karpenterAmiAlias.split('@');

  test('is a published amazon-eks-ami release that built AL2023 AMIs for every Kubernetes version the config allows', () => {
    expect(family).toBe('al2023');
    expect(Object.keys(releases)).toContain(version);
    const built = releases[version];
    expect(built).not.toBeNull();
    expect(built).toEqual(expect.arrayContaining([...KUBERNETES_VERSIONS]));
  });

  test('the release list is sorted, dated and names its source', () => {
    const file = require('../cluster/upstream/amazon-eks-ami-releases.json');
    const tags = Object.keys(releases);
    expect(tags.every((t) => /^v\d{8}$/.test(t))).toBe(true);
    expect([...tags].sort()).toEqual(tags);
    expect(file._source).toContain('github.com/awslabs/amazon-eks-ami');
    // v20251110 was pinned once; it is not a release (the EC2NodeClass would never become Ready).
    expect(tags).not.toContain('v20251110');
  });
});

describe('global data stack', () => {
  const t = () => templates['securecart-prod-global'];

  test('carts global table: key id, customer index, a replica per region with PITR and deletion protection, retained', () => {
    t().hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        TableName: 'securecart-prod-carts',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'idx_global_customerId', KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } })],
      }),
    });
    const table = resourcesOf(t(), 'AWS::DynamoDB::GlobalTable')[0][1].Properties;
    expect(table.Replicas.map((r: any) => r.Region).sort()).toEqual(config.regions.map((r) => r.name).sort());
    for (const replica of table.Replicas) {
      expect(replica.DeletionProtectionEnabled).toBe(true);
      // As many days as the Aurora clusters' point-in-time recovery (data.backupRetentionDays).
      expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: config.data.backupRetentionDays });
    }
  });

  test('database user names fit Aurora (1 to 16 characters, letter first)', () => {
    const users = resourcesOf(t(), 'AWS::SecretsManager::Secret')
      .map(([, s]) => JSON.parse(s.Properties.GenerateSecretString.SecretStringTemplate).username)
      .filter(Boolean);
    expect(users).toHaveLength(2);
    for (const u of users) expect(u).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,15}$/);
  });

  test('generated database passwords only use characters a URL’s user info allows (catalog builds one)', () => {
    const userinfo = /^[A-Za-z0-9\-._~!$&'()*+,;=]$/;
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    for (const [, s] of resourcesOf(t(), 'AWS::SecretsManager::Secret').filter(([, s]) => s.Properties.GenerateSecretString.GenerateStringKey === 'password')) {
      const excluded = s.Properties.GenerateSecretString.ExcludeCharacters as string;
      const possible = printable.filter((c) => !excluded.includes(c));
      expect(possible.filter((c) => !userinfo.test(c))).toEqual([]);
      expect(possible.filter((c) => /[A-Za-z0-9]/.test(c))).toHaveLength(62);
    }
  });

  test('credentials: generated, replicated to every other region, retained', () => {
    const secrets = resourcesOf(t(), 'AWS::SecretsManager::Secret').filter(([, s]) => s.Properties.Name.startsWith(secretPrefix(config)));
    expect(secrets.map(([, s]) => s.Properties.Name).sort()).toEqual((Object.keys(CREDENTIALS) as Array<keyof typeof CREDENTIALS>).map((c) => secretName(config, c)).sort());
    for (const [, s] of secrets) {
      expect(s.DeletionPolicy).toBe('Retain');
      expect(s.Properties.GenerateSecretString.GenerateStringKey).toMatch(/^(password|authToken)$/);
      expect(s.Properties.ReplicaRegions).toEqual([{ Region: secondary.name }]);
      expect(s.Properties).not.toHaveProperty('SecretString');
    }
  });
});

describe('health stack', () => {
  const t = () => templates['securecart-prod-health'];

  const checks = () => resourcesOf(t(), 'AWS::Route53::HealthCheck');
  const ofType = (type: string) => checks().filter(([, r]) => r.Properties.HealthCheckConfig.Type === type);

  test('per region: an HTTPS check of a shop page on its own hostname, at the configured interval and threshold', () => {
    const https = ofType('HTTPS').map(([, r]) => r.Properties.HealthCheckConfig);
    expect(https.map((c) => c.FullyQualifiedDomainName).sort()).toEqual(config.regions.map((r) => `${r.name}.${config.dns.publicHostname}.${config.dns.domain}`).sort());
    for (const c of https) {
      expect(c).toMatchObject({
        Type: 'HTTPS',
        Port: 443,
        ResourcePath: '/catalog',
        RequestInterval: config.dns.healthCheck.intervalSeconds,
        FailureThreshold: config.dns.healthCheck.failureThreshold,
        EnableSNI: true,
      });
    }
  });

  test('per region: a check that follows the region’s synthetic-shopper alarm, keeping its last status without data', () => {
    const alarmChecks = ofType('CLOUDWATCH_METRIC').map(([, r]) => r.Properties.HealthCheckConfig);
    expect(alarmChecks.map((c) => c.AlarmIdentifier).sort((a, b) => a.Region.localeCompare(b.Region))).toEqual(
      config.regions.map((r) => ({ Region: r.name, Name: `securecart-prod-${r.name}-synthetic-shopper` })),
    );
    for (const c of alarmChecks) expect(c.InsufficientDataHealthStatus).toBe('LastKnownStatus');
  });

  test('the region’s health is a calculated check needing both, and it is what the records use (outputs)', () => {
    const outputs = t().toJSON().Outputs;
    for (const r of config.regions) {
      const [[id, calc]] = ofType('CALCULATED').filter(([cid]) => cid.includes(r.name.replace(/-/g, '')));
      const children = calc.Properties.HealthCheckConfig.ChildHealthChecks.map((c: any) => c['Fn::GetAtt'][0]);
      const childTypes = children.map((c: string) => t().toJSON().Resources[c].Properties.HealthCheckConfig.Type).sort();
      expect(childTypes).toEqual(['CLOUDWATCH_METRIC', 'HTTPS']);
      expect(calc.Properties.HealthCheckConfig.HealthThreshold).toBe(children.length);
      expect(outputs[healthCheckOutputKey(r.name)].Value).toEqual({ 'Fn::GetAtt': [id, 'HealthCheckId'] });
    }
  });

  test('is deployed after the regional stacks, whose shopper alarms it names', () => {
    const health = synth.assembly.getStackByName('securecart-prod-health');
    expect(health.dependencies.map((d) => d.id)).toEqual(expect.arrayContaining(config.regions.map((r) => `securecart-prod-${r.name}`)));
  });

  test('an alarm on every health check notifies an encrypted SNS topic', () => {
    // (The public shopper's alarms are test/slo.test.ts's and test/synthetic-shopper.test.ts's.)
    const alarms = resourcesOf(t(), 'AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .filter((a) => a.Namespace === 'AWS/Route53');
    expect(alarms).toHaveLength(config.regions.length);
    for (const a of alarms) {
      expect(a).toMatchObject({ Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', ComparisonOperator: 'LessThanThreshold', Threshold: 1 });
      expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmTopic/) }]);
    }
    t().hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});

describe('stateful resources survive the deletion of their stack', () => {
  test.each(['AWS::DynamoDB::GlobalTable', 'AWS::SecretsManager::Secret', 'AWS::KMS::Key', 'AWS::Logs::LogGroup'])('%s is retained everywhere', (type) => {
    let seen = 0;
    for (const t of Object.values(templates)) {
      for (const [, r] of resourcesOf(t, type)) {
        expect(r.DeletionPolicy).toBe('Retain');
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});

describe('security group texts', () => {
  test('every group and rule description uses only the characters EC2 accepts (an apostrophe fails the deploy)', () => {
    // EC2 API reference, CreateSecurityGroup GroupDescription and IpRange Description: a-z, A-Z, 0-9,
    // spaces and ._-:/()#,@[]+=&;{}!$* (the pattern cfn-lint's E3031 checks).
    const allowed = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;
    const texts: string[] = [];
    for (const t of [...Object.values(templates), ...fs.readdirSync(variantSynth.assembly.directory).filter((f) => f.endsWith('.template.json')).map((f) => Template.fromJSON(JSON.parse(fs.readFileSync(path.join(variantSynth.assembly.directory, f), 'utf8'))))]) {
      for (const [, g] of resourcesOf(t, 'AWS::EC2::SecurityGroup')) {
        texts.push(g.Properties.GroupDescription, ...[...(g.Properties.SecurityGroupIngress ?? []), ...(g.Properties.SecurityGroupEgress ?? [])].map((r: any) => r.Description).filter((d: unknown) => typeof d === 'string'));
      }
      for (const type of ['AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress']) for (const [, r] of resourcesOf(t, type)) if (typeof r.Properties.Description === 'string') texts.push(r.Properties.Description);
    }
    expect(texts.length).toBeGreaterThan(10);
    expect(texts.filter((d) => typeof d === 'string' && !allowed.test(d))).toEqual([]);
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('no finding is left unacknowledged, and every acknowledgement still matches a finding', () => {
    // synthCluster throws on unacknowledged findings; reaching here means there were none.
    // Some acknowledgements are for resources only other front doors or Shield Advanced render: an
    // acknowledgement is stale when neither the default nor that variant uses it.
    const unusedInVariant = new Set(variantSynth.unusedAcknowledgements);
    expect(synth.unusedAcknowledgements.filter((a) => unusedInVariant.has(a)).map((a) => `${a.paths[0]} ${a.rule}`)).toEqual([]);
  });

  test('acknowledgements are scoped to resources and carry a reason', async () => {
    const { ACKNOWLEDGEMENTS } = await import('../cluster/nag-acknowledgements');
    for (const a of ACKNOWLEDGEMENTS) {
      expect(a.paths.length).toBeGreaterThan(0);
      for (const p of a.paths) expect(p).toMatch(/\/Resource$|\/Default$/);
      expect(a.reason.length).toBeGreaterThan(40);
    }
  });
});

describe('AWS Control Tower controls (cfn-guard), a second policy engine', () => {
  const templateFiles = () =>
    fs
      .readdirSync(synth.assembly.directory)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => path.join(synth.assembly.directory, f));
  const acknowledged = (f: GuardFinding) =>
    GUARD_ACKNOWLEDGEMENTS.find((a) => a.templates === guardTemplateKind(f.template) && a.control === f.control && a.resources.some((r) => new RegExp(`^${r}[0-9A-F]{8}$`).test(f.logicalId)));
  let findings: GuardFinding[];
  beforeAll(() => {
    // Plus the variant's front door (Global Accelerator with Shield Advanced), whose resources the
    // default does not render.
    const variantFrontDoor = fs.readdirSync(variantSynth.assembly.directory).filter((f) => f.endsWith('-accelerator.template.json')).map((f) => path.join(variantSynth.assembly.directory, f));
    expect(variantFrontDoor).toHaveLength(1);
    findings = [...templateFiles(), ...variantFrontDoor].flatMap((f) => runGuard(f));
  });

  test('runs over every template, nested stacks included', () => {
    const kinds = templateFiles().map((f) => guardTemplateKind(path.basename(f)));
    expect(new Set(kinds)).toEqual(new Set(['regional', 'transit', 'global', 'health', 'front-door', 'region-switch', 'eks-cluster-resource-provider', 'eks-kubectl-provider']));
  });

  test('no finding is left unacknowledged', () => {
    expect(findings.filter((f) => !acknowledged(f)).map((f) => `${f.control} ${f.rule} on ${f.logicalId} in ${f.template}`)).toEqual([]);
  });

  test('every acknowledgement still matches a finding, in every region, and carries a reason', () => {
    for (const ack of GUARD_ACKNOWLEDGEMENTS) {
      expect(ack.reason.length).toBeGreaterThan(40);
      for (const resource of ack.resources) {
        const matches = findings.filter((f) => acknowledged(f) === ack && new RegExp(`^${resource}[0-9A-F]{8}$`).test(f.logicalId));
        expect({ ack: `${ack.control} ${resource}`, found: matches.length > 0 }).toEqual({ ack: `${ack.control} ${resource}`, found: true });
      }
    }
  });

  test('the checks the controls first failed on hold now: KMS grants, detailed monitoring, the canary bucket', () => {
    // The media buckets are the one accepted exception to CT.S3.PR.10 (origin access control and the
    // AWS-managed key do not mix; cluster/guard-acknowledgements.ts says why).
    const controls = new Set(findings.filter((f) => !(f.control === 'CT.S3.PR.10' && /^PrerequisitesMediaBucket[0-9A-F]{8}$/.test(f.logicalId))).map((f) => f.control));
    for (const fixed of ['CT.KMS.PR.3', 'CT.EC2.PR.10', 'CT.S3.PR.10', 'CT.S3.PR.11', 'CT.CLOUDWATCH.PR.2', 'CT.CLOUDWATCH.PR.3', 'CT.SQS.PR.2']) expect(controls).not.toContain(fixed);
  });

  test('the EKS handlers the controls cannot see in the VPC are in it (nested-stack parameters)', () => {
    const kubectl = templateFiles().find((f) => guardTemplateKind(path.basename(f)) === 'eks-kubectl-provider')!;
    const handler = Object.entries(JSON.parse(fs.readFileSync(kubectl, 'utf8')).Resources as Record<string, any>).find(([id]) => /^Handler[0-9A-F]{8}$/.test(id))![1];
    expect(handler.Properties.VpcConfig.SubnetIds.length).toBeGreaterThan(0);
    expect(handler.Properties.VpcConfig.SecurityGroupIds).toHaveLength(1);
  });

  test('running only the rules that name a template’s resource types gives the same findings as all of them', () => {
    const health = templateFiles().find((f) => guardTemplateKind(path.basename(f)) === 'health')!;
    const all = fs.readdirSync(CONTROL_TOWER_RULES).flatMap((d) => fs.readdirSync(path.join(CONTROL_TOWER_RULES, d)).map((f) => path.join(CONTROL_TOWER_RULES, d, f)));
    expect(runGuard(health)).toEqual(runGuard(health, all));
    // And a violation is found: the check is live.
    const broken = path.join(tmpDir('guard-'), 'broken.template.json');
    fs.writeFileSync(broken, JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: false } } } }));
    expect(runGuard(broken).map((f) => f.control)).toEqual(expect.arrayContaining(['CT.SQS.PR.1', 'CT.SQS.PR.2']));
  });
});

describe('a new finding', () => {
  test('is reported as unacknowledged, with its rule and resource (synthCluster then fails)', async () => {
    const { App } = await import('aws-cdk-lib');
    const sns = await import('aws-cdk-lib/aws-sns');
    const { applyNag, unacknowledgedFindings } = await import('../cluster/nag');
    const app = new App({ outdir: tmpDir('nag-'), context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    const stack = new Stack(app, 'securecart-prod-us-east-1', { env: { account: config.accountId, region: primary.name } });
    new sns.Topic(stack, 'Unencrypted');
    applyNag(app, [{ stack, kind: 'regional', vars: { region: primary.name, account: config.accountId, env: config.name } }]);
    app.synth();
    expect(unacknowledgedFindings(app).map((f) => `${f.id} ${f.path}`)).toEqual(
      expect.arrayContaining(['AwsSolutions-SNS3 securecart-prod-us-east-1/Unencrypted/Resource']),
    );
  });
});

describe('a lookup', () => {
  test('is refused with the keys it wanted', async () => {
    const { App } = await import('aws-cdk-lib');
    const ec2 = await import('aws-cdk-lib/aws-ec2');
    const { assertNoLookups } = await import('../cluster/synth');
    const app = new App({ outdir: tmpDir('lookup-') });
    const stack = new Stack(app, 'Lookup', { env: { account: config.accountId, region: primary.name } });
    ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: 'vpc-12345678' });
    expect(() => assertNoLookups(app.synth())).toThrow(/synth needs AWS lookups \(vpc-provider:account=111122223333.*\): put the value in the config instead/);
  });
});
