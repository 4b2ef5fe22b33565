/**
 * The regions' private network (cluster/network): VPC endpoints and their policies, the ECR
 * pull-through cache, partners' PrivateLink endpoints, and the subnet tier they live in, asserted on the
 * synthesized regional templates of the default environment and of a variant without cache and partners.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { loadConfig, parseConfig } from '../config/load';
import { ApiCaller, cacheRegistry, GATEWAY_ENDPOINTS, INTERFACE_ENDPOINTS, PartnerConfig } from '../config/network';
import { NETWORK_OUTPUT_KEYS, regionalStackName } from '../config/outputs';
import { PlatformConfig } from '../config/schema';
import { eksAddOnRegistryAccount, PERIMETER_SIDS } from '../cluster/network/endpoint-policies';
import { PartnerEndpoints } from '../cluster/network/partner-endpoints';
import { partnerOutputKey } from '../cluster/network/regional-network';
import { resourcesOf, synthTemplates } from './support/cluster-templates';
import { ROOT, withChange } from './helpers';

const config = loadConfig();
const account = config.accountId;
let templates: Record<string, Template> = {};
let variant: PlatformConfig;
let variantTemplates: Record<string, Template> = {};
const regional = (region: string) => templates[regionalStackName(config.name, region)];

beforeAll(async () => {
  templates = (await synthTemplates(config)).templates;
  variant = parseConfig(
    withChange((c) => {
      c.network.pullThroughCache.enabled = false;
      c.network.partners = [];
    }),
    'variant.yaml',
  );
  variantTemplates = (await synthTemplates(variant)).templates;
});

/** Logical ids of a tier's subnets, in order. */
function subnetsOf(t: Template, tier: string): Array<{ id: string; cidr: string }> {
  return resourcesOf(t, 'AWS::EC2::Subnet')
    .filter(([, r]) => r.Properties.Tags.some((tag: any) => tag.Key === 'aws-cdk:subnet-name' && tag.Value === tier))
    .map(([id, r]) => ({ id, cidr: r.Properties.CidrBlock }));
}

/** Logical ids of the route tables of a tier's subnets. */
function routeTablesOf(t: Template, tier: string): string[] {
  const subnets = new Set(subnetsOf(t, tier).map((s) => s.id));
  return resourcesOf(t, 'AWS::EC2::SubnetRouteTableAssociation')
    .filter(([, r]) => subnets.has(r.Properties.SubnetId.Ref))
    .map(([, r]) => r.Properties.RouteTableId.Ref);
}

/** The VPC endpoint to a service name (a literal, or the Fn::Join aws-cdk-lib writes for gateway services). */
function endpointTo(t: Template, serviceName: string): [string, any] {
  const name = (v: any) => (typeof v === 'string' ? v : v['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : p.Ref === 'AWS::Region' ? REGION_TOKEN : '?')).join(''));
  const found = resourcesOf(t, 'AWS::EC2::VPCEndpoint').filter(([, r]) => name(r.Properties.ServiceName) === serviceName);
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0];
}
const REGION_TOKEN = '<region>';

const statementsOf = (endpoint: any): any[] => endpoint.Properties.PolicyDocument?.Statement ?? [];
const accountConditioned = (s: any) => s.Condition?.StringEquals?.['aws:PrincipalAccount'] === account || s.Condition?.StringEquals?.['aws:ResourceAccount'] === account;

/** The named exceptions each endpoint's policy has beside the account perimeter. */
const EXCEPTIONS: Record<string, string[]> = {
  sts: [PERIMETER_SIDS.webIdentity],
  'ecr.api': [PERIMETER_SIDS.ecrToken, PERIMETER_SIDS.eksAddOnImages],
  'ecr.dkr': [PERIMETER_SIDS.eksAddOnImages],
  ec2: [PERIMETER_SIDS.awsAmis],
  ssm: [PERIMETER_SIDS.awsParameters],
  s3: [PERIMETER_SIDS.ecrLayers, PERIMETER_SIDS.cfnResponses, PERIMETER_SIDS.kubernetesRegistryLayers],
};

describe.each(config.regions.map((r) => [r.name, r] as const))('the private network in %s', (regionName, region) => {
  const t = () => regional(regionName);
  const sharedGroup = () => {
    const [[id]] = resourcesOf(t(), 'AWS::EC2::SecurityGroup').filter(([, r]) => r.Properties.GroupDescription.startsWith('Interface VPC endpoints of AWS APIs'));
    return id;
  };

  test('every catalogued interface endpoint, with private DNS, in exactly the endpoint subnets, behind the shared group', () => {
    const endpointSubnets = subnetsOf(t(), 'endpoints').map((s) => ({ Ref: s.id }));
    expect(endpointSubnets).toHaveLength(region.availabilityZones.length);
    for (const spec of INTERFACE_ENDPOINTS) {
      const [, endpoint] = endpointTo(t(), `com.amazonaws.${regionName}.${spec.service}`);
      expect(endpoint.Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true, SubnetIds: endpointSubnets });
      expect(endpoint.Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sharedGroup(), 'GroupId'] }]);
    }
    // Nothing else in the VPC is an AWS interface endpoint.
    const aws = resourcesOf(t(), 'AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties.VpcEndpointType === 'Interface' && !String(r.Properties.ServiceName).startsWith('com.amazonaws.vpce.'));
    expect(aws).toHaveLength(INTERFACE_ENDPOINTS.length);
  });

  test('the shared group admits the VPC on 443 only and sends nothing', () => {
    const group = t().toJSON().Resources[sharedGroup()].Properties;
    expect(group.SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: region.vpcCidr, IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
    // aws-cdk-lib's placeholder for "no egress" (allowAllOutbound: false): a rule no packet matches.
    expect(group.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp', FromPort: 252, ToPort: 86 })]);
    // No separate ingress rule resources on it either (open: false).
    const extra = resourcesOf(t(), 'AWS::EC2::SecurityGroupIngress').filter(([, r]) => r.Properties.GroupId?.['Fn::GetAtt']?.[0] === sharedGroup());
    expect(extra).toEqual([]);
  });

  test('gateway endpoints for S3 and DynamoDB on the private, data and endpoint route tables, not the public ones', () => {
    const expected = [...routeTablesOf(t(), 'private'), ...routeTablesOf(t(), 'data'), ...routeTablesOf(t(), 'endpoints')];
    expect(expected).toHaveLength(3 * region.availabilityZones.length);
    for (const service of GATEWAY_ENDPOINTS) {
      const [, endpoint] = endpointTo(t(), `com.amazonaws.${REGION_TOKEN}.${service}`);
      expect(endpoint.Properties.VpcEndpointType).toBe('Gateway');
      expect(endpoint.Properties.RouteTableIds.map((r: any) => r.Ref).sort()).toEqual([...expected].sort());
      for (const rt of routeTablesOf(t(), 'public')) expect(endpoint.Properties.RouteTableIds).not.toContainEqual({ Ref: rt });
    }
  });

  const policyEndpoints = [...INTERFACE_ENDPOINTS.map((e) => ({ service: e.service, name: `com.amazonaws.${regionName}.${e.service}`, fullAccessOnly: !!e.fullAccessOnly })), ...GATEWAY_ENDPOINTS.map((s) => ({ service: s, name: `com.amazonaws.${REGION_TOKEN}.${s}`, fullAccessOnly: false }))];

  test.each(policyEndpoints.map((e) => [e.service, e] as const))('%s: this account on both sides, plus only its named exceptions', (service, e) => {
    const [, endpoint] = endpointTo(t(), e.name);
    if (e.fullAccessOnly) {
      // The service refuses any policy but full access: none is written (AWS then applies full access).
      expect(endpoint.Properties.PolicyDocument).toBeUndefined();
      return;
    }
    const statements = statementsOf(endpoint);
    expect(statements[0]).toEqual({
      Sid: PERIMETER_SIDS.account,
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalAccount': account, 'aws:ResourceAccount': account } },
    });
    expect(statements.slice(1).map((s) => s.Sid)).toEqual(EXCEPTIONS[service] ?? []);
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      // Only the base statement may name every action.
      if (s.Sid !== PERIMETER_SIDS.account) expect(s.Action).not.toBe('*');
      // Principal "*" without this account in a condition: only the two AWS-owned S3 buckets below.
      if (!accountConditioned(s)) expect([PERIMETER_SIDS.ecrLayers, PERIMETER_SIDS.cfnResponses, PERIMETER_SIDS.kubernetesRegistryLayers]).toContain(s.Sid);
    }
  });

  const statement = (service: string, sid: string) => {
    const name = (GATEWAY_ENDPOINTS as readonly string[]).includes(service) ? `com.amazonaws.${REGION_TOKEN}.${service}` : `com.amazonaws.${regionName}.${service}`;
    return statementsOf(endpointTo(t(), name)[1]).find((s) => s.Sid === sid);
  };

  test("IRSA: AssumeRoleWithWebIdentity carries no principal account, so only the role's account is required", () => {
    // aws-samples/data-perimeter-policy-examples @8e0d3c5 resource_control_policies/README.md: the
    // principal keys are absent for federated (web identity) callers, so AssumeRoleWithWebIdentity is left out.
    expect(statement('sts', PERIMETER_SIDS.webIdentity)).toEqual({
      Sid: PERIMETER_SIDS.webIdentity,
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Resource: `arn:aws:iam::${account}:role/*`,
      Condition: { StringEquals: { 'aws:ResourceAccount': account } },
    });
  });

  test("ECR: the token for this account's principals; EKS add-on images from EKS' registry account, pull actions only", () => {
    // data-perimeter-policy-examples @8e0d3c5 vpc_endpoint_policies/ecr.api_endpoint_policy.json
    // (AllowRequestsByOrgsIdentitiesToAWSResources: aws:ResourceAccount = the ECR account) and
    // service_owned_resources.md; the registry accounts: eks-blueprints 1.19.0 dist/utils/registry-utils.js.
    expect(statement('ecr.api', PERIMETER_SIDS.ecrToken)).toMatchObject({ Action: 'ecr:GetAuthorizationToken', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': account } } });
    const registry = eksAddOnRegistryAccount(regionName);
    expect(registry).toMatch(/^\d{12}$/);
    for (const service of ['ecr.api', 'ecr.dkr']) {
      expect(statement(service, PERIMETER_SIDS.eksAddOnImages)).toMatchObject({
        Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        Resource: `arn:aws:ecr:${regionName}:${registry}:repository/*`,
        Condition: { StringEquals: { 'aws:PrincipalAccount': account, 'aws:ResourceAccount': registry } },
      });
    }
  });

  test("EC2 and SSM: Karpenter's launches from Amazon's AMIs and reads of AWS's public EKS parameters, by this account only", () => {
    // Karpenter's calls: eks-blueprints 1.19.0 dist/addons/karpenter/iam.js (AllowScopedEC2InstanceActions on
    // ::image/* and ::snapshot/*, AllowSSMReadActions on parameter/aws/service/*); karpenter-provider-aws v1.14.1
    // pkg/providers/ssm/provider.go:53 and amifamily/al2023.go:47 read /aws/service/eks/optimized-ami/...;
    // data-perimeter-policy-examples ec2_endpoint_policy.json and ssm_endpoint_policy.json carve out the same.
    expect(statement('ec2', PERIMETER_SIDS.awsAmis)).toMatchObject({
      Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
      Resource: [`arn:aws:ec2:${regionName}::image/*`, `arn:aws:ec2:${regionName}::snapshot/*`],
      Condition: { StringEquals: { 'aws:PrincipalAccount': account } },
    });
    expect(statement('ssm', PERIMETER_SIDS.awsParameters)).toMatchObject({
      Action: ['ssm:GetParameter', 'ssm:GetParameters'],
      Resource: `arn:aws:ssm:${regionName}::parameter/aws/service/eks/*`,
      Condition: { StringEquals: { 'aws:PrincipalAccount': account } },
    });
  });

  test("S3: reading ECR's layer bucket and answering CloudFormation, each limited to the one action on AWS's own buckets", () => {
    // ECR User Guide vpc-endpoints.html#ecr-minimum-s3-perms (the starport layer bucket);
    // data-perimeter-policy-examples s3_endpoint_policy.json (layer and CloudFormation response buckets).
    expect(statement('s3', PERIMETER_SIDS.ecrLayers)).toEqual({ Sid: PERIMETER_SIDS.ecrLayers, Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::prod-${regionName}-starport-layer-bucket/*` });
    // registry.k8s.io's redirect for clients in AWS (external-dns, metrics-server, descheduler images):
    // kubernetes/registry.k8s.io cmd/archeio (AWS region -> prod-registry-k8s-io-<region>), the 403 of
    // prometheus-community/helm-charts#2421 behind an endpoint policy.
    expect(statement('s3', PERIMETER_SIDS.kubernetesRegistryLayers)).toEqual({ Sid: PERIMETER_SIDS.kubernetesRegistryLayers, Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::prod-registry-k8s-io-${regionName}/*` });
    expect(statement('s3', PERIMETER_SIDS.cfnResponses)).toEqual({
      Sid: PERIMETER_SIDS.cfnResponses,
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: [`arn:aws:s3:::cloudformation-custom-resource-response-${regionName.replace(/-/g, '')}/*`, `arn:aws:s3:::cloudformation-waitcondition-${regionName}/*`],
    });
  });

  test('the pull-through cache of ECR Public, its repository template, and what the node roles may add to pull through it', () => {
    const prefix = config.network.pullThroughCache.prefix;
    t().resourceCountIs('AWS::ECR::PullThroughCacheRule', 1);
    t().hasResourceProperties('AWS::ECR::PullThroughCacheRule', { EcrRepositoryPrefix: prefix, UpstreamRegistry: 'ecr-public', UpstreamRegistryUrl: 'public.ecr.aws' });
    const [[, template]] = resourcesOf(t(), 'AWS::ECR::RepositoryCreationTemplate');
    expect(template.Properties).toMatchObject({ Prefix: prefix, AppliedFor: ['PULL_THROUGH_CACHE'], EncryptionConfiguration: { EncryptionType: 'AES256' }, ImageTagMutability: 'MUTABLE' });
    const lifecycle = JSON.parse(template.Properties.LifecyclePolicy);
    // A count only: no age rule (an image in use would expire and be fetched upstream again) and no
    // untagged rule (a multi-architecture tag's platform images are untagged entries of the repository).
    expect(lifecycle.rules.map((r: any) => r.selection)).toEqual([{ tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 50 }]);
    const policies = resourcesOf(t(), 'AWS::IAM::Policy').filter(([, r]) => JSON.stringify(r.Properties.PolicyDocument).includes('ecr:BatchImportUpstreamImage'));
    expect(policies).toHaveLength(1);
    const [[, policy]] = policies;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecr:${regionName}:${account}:repository/${prefix}/*`]] },
      },
    ]);
    // The system node group's role and Karpenter's node role, nothing else.
    const roles = policy.Properties.Roles.map((r: any) => r.Ref).sort();
    expect(roles).toHaveLength(2);
    expect(roles.some((r: string) => /NodegroupsystemngNodeGroupRole/.test(r))).toBe(true);
    expect(roles.some((r: string) => /karpenternoderole/.test(r))).toBe(true);
    t().hasOutput(NETWORK_OUTPUT_KEYS.imageCacheRegistry, { Value: cacheRegistry(account, regionName, prefix) });
  });

  test("partners' endpoints: the partner's service of this region, its private DNS, a group admitting the pod subnets on its ports only", () => {
    const pods = subnetsOf(t(), 'private').map((s) => s.cidr);
    for (const partner of config.network.partners) {
      const [id, endpoint] = endpointTo(t(), partner.serviceNames[regionName]);
      expect(endpoint.Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: partner.privateDns, SubnetIds: subnetsOf(t(), 'endpoints').map((s) => ({ Ref: s.id })) });
      expect(endpoint.Properties.PolicyDocument).toBeUndefined();
      const [group] = endpoint.Properties.SecurityGroupIds.map((g: any) => t().toJSON().Resources[g['Fn::GetAtt'][0]].Properties);
      const ingress = group.SecurityGroupIngress.map((r: any) => `${r.CidrIp}:${r.IpProtocol}:${r.FromPort}-${r.ToPort}`).sort();
      expect(ingress).toEqual(pods.flatMap((cidr) => partner.ports.map((p) => `${cidr}:tcp:${p}-${p}`)).sort());
      expect(group.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', FromPort: 252, ToPort: 86 })]);
      const output = t().toJSON().Outputs[partnerOutputKey(partner.name)];
      expect(JSON.stringify(output.Value)).toContain(`"${id}","DnsEntries"`);
    }
  });

  test('the outputs the charts read, and the committed outputs file names the synthesized endpoint subnets', () => {
    const cidrs = subnetsOf(t(), 'endpoints').map((s) => s.cidr).join(',');
    t().hasOutput(NETWORK_OUTPUT_KEYS.endpointSubnetCidrs, { Value: cidrs });
    const committed = JSON.parse(fs.readFileSync(path.join(ROOT, 'config', 'outputs', 'prod.json'), 'utf8'));
    expect(committed[regionalStackName(config.name, regionName)][NETWORK_OUTPUT_KEYS.endpointSubnetCidrs]).toBe(cidrs);
  });

  test('the endpoint tier changed neither the cluster subnets nor any existing subnet', () => {
    // The tiers as they were before the endpoint tier (the committed PublicSubnetCidrs and DataSubnetCidrs
    // predate it): same logical ids, same CIDRs. A new tier placed before the others would shift them
    // all, which CloudFormation can only do by replacing the subnets (and everything in them).
    const base = region.vpcCidr.split('.').slice(0, 2).join('.');
    const before: Record<string, Array<{ id: string; cidr: string }>> = {
      public: [0, 8, 16].map((o, i) => ({ id: `VpcpublicSubnet${i + 1}Subnet`, cidr: `${base}.${o}.0/21` })),
      private: [32, 64, 96].map((o, i) => ({ id: `VpcprivateSubnet${i + 1}Subnet`, cidr: `${base}.${o}.0/19` })),
      data: [128, 136, 144].map((o, i) => ({ id: `VpcdataSubnet${i + 1}Subnet`, cidr: `${base}.${o}.0/21` })),
    };
    const idsBefore: Record<string, string[]> = {
      public: ['VpcpublicSubnet1Subnet2BB74ED7', 'VpcpublicSubnet2SubnetE34B022A', 'VpcpublicSubnet3SubnetDFEF064A'],
      private: ['VpcprivateSubnet1SubnetCEAD3716', 'VpcprivateSubnet2Subnet2DE7549C', 'VpcprivateSubnet3SubnetA5AC68D9'],
      data: ['VpcdataSubnet1SubnetE2B009FB', 'VpcdataSubnet2SubnetAD08DFFF', 'VpcdataSubnet3SubnetAFCE48BB'],
    };
    for (const tier of ['public', 'private', 'data']) {
      const now = subnetsOf(t(), tier);
      expect(now.map((s) => s.cidr)).toEqual(before[tier].map((s) => s.cidr));
      expect(now.map((s) => s.id)).toEqual(idsBefore[tier]);
    }
    const committed = JSON.parse(fs.readFileSync(path.join(ROOT, 'config', 'outputs', 'prod.json'), 'utf8'))[regionalStackName(config.name, regionName)];
    expect(subnetsOf(t(), 'public').map((s) => s.cidr).join(',')).toBe(committed.PublicSubnetCidrs);
    expect(subnetsOf(t(), 'data').map((s) => s.cidr).join(',')).toBe(committed.DataSubnetCidrs);
    // The EKS cluster keeps its public and private subnets, and gets neither isolated tier.
    const [[, cluster]] = resourcesOf(t(), 'Custom::AWSCDK-EKS-Cluster');
    expect(cluster.Properties.Config.resourcesVpcConfig.subnetIds).toEqual([...idsBefore.public, ...idsBefore.private].map((Ref) => ({ Ref })));
  });
});

describe('with the pull-through cache off and no partners', () => {
  test.each(config.regions.map((r) => [r.name]))('%s has no cache rule, template, node permission or partner endpoint, and keeps the AWS endpoints', (regionName) => {
    const t = variantTemplates[regionalStackName(variant.name, regionName)];
    t.resourceCountIs('AWS::ECR::PullThroughCacheRule', 0);
    t.resourceCountIs('AWS::ECR::RepositoryCreationTemplate', 0);
    expect(JSON.stringify(t.findResources('AWS::IAM::Policy'))).not.toContain('ecr:BatchImportUpstreamImage');
    const outputs = t.toJSON().Outputs;
    expect(outputs[NETWORK_OUTPUT_KEYS.imageCacheRegistry]).toBeUndefined();
    expect(Object.keys(outputs).filter((k) => k.startsWith('PartnerEndpoint'))).toEqual([]);
    const endpoints = resourcesOf(t, 'AWS::EC2::VPCEndpoint');
    expect(endpoints.filter(([, r]) => String(r.Properties.ServiceName).startsWith('com.amazonaws.vpce.'))).toEqual([]);
    expect(endpoints).toHaveLength(INTERFACE_ENDPOINTS.length + GATEWAY_ENDPOINTS.length);
    expect(outputs[NETWORK_OUTPUT_KEYS.endpointSubnetCidrs]).toBeDefined();
  });
});

describe('PartnerEndpoints', () => {
  const build = (partners: PartnerConfig[]) => {
    const stack = new Stack(new App(), 'Test', { env: { account, region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.30.0.0/16'),
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 20 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 18 },
        { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 },
      ],
    });
    new PartnerEndpoints(stack, 'Partners', { vpc, partners });
    return Template.fromStack(stack);
  };
  const partner = (over: Partial<PartnerConfig> = {}): PartnerConfig => ({
    name: 'card-vault',
    serviceNames: { 'us-east-1': 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0' },
    ports: [443, 8443],
    privateDns: false,
    clients: ['checkout'],
    ...over,
  });

  test('private DNS as the partner offers it, every port from every pod subnet', () => {
    const t = build([partner()]);
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0', PrivateDnsEnabled: false });
    const [[, group]] = resourcesOf(t, 'AWS::EC2::SecurityGroup');
    const pods = subnetsOf(t, 'private').map((s) => s.cidr);
    expect(pods).toHaveLength(2);
    expect(group.Properties.SecurityGroupIngress.map((r: any) => `${r.CidrIp}:${r.FromPort}`).sort()).toEqual(pods.flatMap((c) => [`${c}:443`, `${c}:8443`]).sort());
  });

  test('none for no partners', () => {
    build([]).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test("a partner without a service in the stack's region is refused, naming it", () => {
    expect(() => build([partner({ serviceNames: { 'us-west-2': 'com.amazonaws.vpce.us-west-2.vpce-svc-0123456789abcdef0' } })])).toThrow(
      'partner "card-vault" has no endpoint service in us-east-1: add network.partners[].serviceNames.us-east-1',
    );
  });
});

describe('STS: every IRSA role the regional stacks create belongs to a caller the catalog lists', () => {
  // The service accounts the roles trust (their OIDC "sub" condition), and who they are.
  const SERVICE_ACCOUNT_CALLERS: Record<string, ApiCaller | null> = {
    'ack-system:rds-chart-sa': 'ack-rds',
    'ack-system:elasticache-chart-sa': 'ack-elasticache',
    'amazon-cloudwatch:cloudwatch-agent': 'cloudwatch-observability',
    'external-dns:external-dns-sa': 'external-dns',
    'external-secrets:external-secrets-sa': 'external-secrets',
    'kube-system:aws-load-balancer-controller': 'load-balancer-controller',
    'kube-system:blueprints-addon-karpenter': 'karpenter',
    [`${config.namespace}:carts`]: 'carts',
    [`${config.namespace}:trace-collector`]: 'trace-collector',
    // Blueprints' Argo CD add-on gives argocd-server a role with no policy: Argo CD calls no AWS API.
    'argocd:argocd-server': null,
  };

  test.each(config.regions.map((r) => r.name))('%s', (region) => {
    const text = JSON.stringify(regional(region).toJSON());
    const trusted = [...new Set([...text.matchAll(/system:serviceaccount:([a-z0-9-]+):([a-z0-9-]+)/g)].map((m) => `${m[1]}:${m[2]}`))].sort();
    expect(trusted).toEqual(Object.keys(SERVICE_ACCOUNT_CALLERS).sort());
    const sts = INTERFACE_ENDPOINTS.find((e) => e.service === 'sts')!.callers.map((c) => c.who);
    for (const [sa, caller] of Object.entries(SERVICE_ACCOUNT_CALLERS)) {
      if (caller) expect({ sa, caller, listed: sts.includes(caller) }).toEqual({ sa, caller, listed: true });
    }
    // A role without a caller must allow nothing: find it through the CfnJson that holds its "sub".
    for (const sa of Object.entries(SERVICE_ACCOUNT_CALLERS).filter(([, c]) => c === null).map(([x]) => x)) {
      const conditions = Object.entries(regional(region).toJSON().Resources as Record<string, any>).filter(([, r]) => JSON.stringify(r.Properties ?? {}).includes(`system:serviceaccount:${sa}`)).map(([id]) => id);
      expect(conditions).toHaveLength(1);
      const roles = resourcesOf(regional(region), 'AWS::IAM::Role').filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(`"${conditions[0]}"`));
      expect(roles).toHaveLength(1);
      const [[roleId, role]] = roles;
      expect(role.Properties.Policies).toBeUndefined();
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      const attached = resourcesOf(regional(region), 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles ?? []).includes(`"${roleId}"`));
      expect(attached).toEqual([]);
    }
  });
});

describe('add-on images from ECR Public come through the cache too (Karpenter, the Load Balancer Controller, ACK)', () => {
  const helmValues = (t: Template, release: string): string => {
    const charts = resourcesOf(t, 'Custom::AWSCDK-EKS-HelmChart').filter(([, r]) => r.Properties.Release === release);
    expect(charts).toHaveLength(1);
    return JSON.stringify(charts[0][1].Properties.Values);
  };
  // Release names Blueprints 1.19.0 gives the charts, and the repository each chart's values name
  // (karpenter-provider-aws v1.14.1 charts/karpenter/values.yaml:127; rds-controller v1.11.1 and
  // elasticache-controller v1.8.0 helm/values.yaml:6; aws/eks-charts aws-load-balancer-controller 3.4.0
  // values.yaml image.repository), under the cache prefix as config/network.ts throughCache maps it.
  const RELEASES: Record<string, string> = {
    karpenter: 'karpenter/controller',
    'aws-load-balancer-controller': 'eks/aws-load-balancer-controller',
    'rds-chart': 'aws-controllers-k8s/rds-controller',
    'elasticache-chart': 'aws-controllers-k8s/elasticache-controller',
  };

  test.each(config.regions.map((r) => r.name))('%s: the region’s cache, and each chart installed after the cache rule and the node roles’ import right', (region) => {
    const t = regional(region);
    const registry = cacheRegistry(account, region, config.network.pullThroughCache.prefix);
    const [[ruleId]] = resourcesOf(t, 'AWS::ECR::PullThroughCacheRule');
    const policies = resourcesOf(t, 'AWS::IAM::Policy').filter(([, r]) => JSON.stringify(r.Properties.PolicyDocument).includes('ecr:BatchImportUpstreamImage')).map(([id]) => id);
    for (const [release, path] of Object.entries(RELEASES)) {
      const values = helmValues(t, release);
      expect({ release, cached: values.includes(`${registry}/${path}`), publicLeft: values.includes('public.ecr.aws') }).toEqual({ release, cached: true, publicLeft: false });
      const [[, chart]] = resourcesOf(t, 'Custom::AWSCDK-EKS-HelmChart').filter(([, r]) => r.Properties.Release === release);
      expect(chart.DependsOn).toEqual(expect.arrayContaining([ruleId, ...policies]));
    }
  });

  test('with the cache off, the charts keep their public repositories', () => {
    const t = variantTemplates[regionalStackName(variant.name, variant.regions[0].name)];
    for (const [release, path] of Object.entries(RELEASES)) {
      const values = helmValues(t, release);
      expect(values.includes('dkr.ecr')).toBe(false);
      // Karpenter and ACK keep their charts' defaults (no repository value); the controller's is set explicitly.
      if (release === 'aws-load-balancer-controller') expect(values).toContain(`public.ecr.aws/${path}`);
    }
  });
});
