/**
 * Private transit between the regions (network.transit, cluster/network/transit-*.ts): a Transit Gateway
 * per region with its own static route table, the inter-region peering (requested by the home region,
 * accepted by a waiter in the peer region), the VPC routes, and the optional on-premises links.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { transitAsn } from '../config/network';
import { parseConfig } from '../config/load';
import { regionalStackName, transitStackName } from '../config/outputs';
import { PlatformConfig } from '../config/schema';
import { ClusterSynth } from '../cluster/synth';
import { withChange } from './helpers';
import { resourcesOf, synthTemplates } from './support/cluster-templates';

const config = parseConfig(withChange(() => undefined), 'default');
const home = config.primaryRegion;
const regionNames = config.regions.map((r) => r.name);
const [peer] = regionNames.filter((r) => r !== home);
const cidrOf = (region: string) => config.regions.find((r) => r.name === region)!.vpcCidr;
const otherOf = (region: string) => (region === home ? peer : home);
const ACCOUNT = config.accountId;
const ON_PREM = ['192.168.0.0/16', '172.16.8.0/22'];
const DX_GATEWAY = '5f0d2e4a-1b2c-4d3e-8f90-0a1b2c3d4e5f';

type Synth = { synth: ClusterSynth; templates: Record<string, Template> };
const synths: Record<'default' | 'disabled' | 'vpn' | 'vpnAndDx', Synth> = {} as never;
const variant = (name: string, edit: (c: any) => void): PlatformConfig => parseConfig(withChange(edit), name);

beforeAll(async () => {
  synths.default = await synthTemplates(config);
  synths.disabled = await synthTemplates(variant('no-transit', (c) => (c.network.transit = { enabled: false })));
  synths.vpn = await synthTemplates(variant('vpn', (c) => (c.network.transit.onPremises = { cidrs: ON_PREM, vpn: { customerGatewayIp: '203.0.113.10', bgpAsn: 65010 } })));
  synths.vpnAndDx = await synthTemplates(
    variant('vpn-and-dx', (c) => (c.network.transit.onPremises = { cidrs: ON_PREM, vpn: { customerGatewayIp: '203.0.113.10', bgpAsn: 65010 }, directConnectGatewayId: DX_GATEWAY })),
  );
}, 300_000);

const regional = (s: Synth, region: string) => s.templates[regionalStackName(config.name, region)];
const transit = (s: Synth, region: string) => s.templates[transitStackName(config.name, region)];
const only = (t: Template, type: string) => {
  const found = resourcesOf(t, type);
  expect(found).toHaveLength(1);
  return found[0];
};
const gatewayId = (t: Template) => only(t, 'AWS::EC2::TransitGateway')[0];
const vpcAttachmentId = (t: Template) => only(t, 'AWS::EC2::TransitGatewayVpcAttachment')[0];
/** The Fn::GetStackOutput a transit stack reads a regional value through. */
const stackOutput = (stackName: string, region: string) => ({ 'Fn::GetStackOutput': { StackName: stackName, Region: region, OutputName: expect.any(String) } });
/** Every Transit Gateway route of a region: its regional and its transit stack. */
const tgwRoutes = (s: Synth, region: string) => [regional(s, region), transit(s, region)].flatMap((t) => resourcesOf(t, 'AWS::EC2::TransitGatewayRoute').map(([, r]) => r.Properties));
/** The subnets of a tier (by the tier name aws-cdk-lib tags them with) and their route tables. */
const subnetsOf = (t: Template, tier: string) =>
  resourcesOf(t, 'AWS::EC2::Subnet')
    .filter(([, s]) => s.Properties.Tags.some((tag: any) => tag.Key === 'aws-cdk:subnet-name' && tag.Value === tier))
    .map(([id]) => id);
const routeTablesOf = (t: Template, tier: string) => {
  const subnets = subnetsOf(t, tier);
  return resourcesOf(t, 'AWS::EC2::SubnetRouteTableAssociation')
    .filter(([, a]) => subnets.includes(a.Properties.SubnetId.Ref))
    .map(([, a]) => a.Properties.RouteTableId.Ref)
    .sort();
};
const vpcRoutesToGateway = (t: Template) => resourcesOf(t, 'AWS::EC2::Route').filter(([, r]) => r.Properties.TransitGatewayId);

describe('a Transit Gateway per region (the default environment enables transit)', () => {
  test.each(regionNames)('%s: one gateway, no default route table, no auto-accept, DNS support, its own ASN', (region) => {
    const [, gw] = only(regional(synths.default, region), 'AWS::EC2::TransitGateway');
    expect(gw.Properties).toMatchObject({
      AmazonSideAsn: transitAsn(regionNames.indexOf(region)),
      DefaultRouteTableAssociation: 'disable',
      DefaultRouteTablePropagation: 'disable',
      AutoAcceptSharedAttachments: 'disable',
      DnsSupport: 'enable',
    });
    expect(resourcesOf(transit(synths.default, region), 'AWS::EC2::TransitGateway')).toHaveLength(0);
  });

  test('the ASNs are distinct', () => {
    const asns = regionNames.map((r) => only(regional(synths.default, r), 'AWS::EC2::TransitGateway')[1].Properties.AmazonSideAsn);
    expect(new Set(asns).size).toBe(regionNames.length);
  });

  test.each(regionNames)('%s: the VPC attachment is in exactly the endpoints subnets, one per AZ', (region) => {
    const t = regional(synths.default, region);
    const [, attachment] = only(t, 'AWS::EC2::TransitGatewayVpcAttachment');
    const endpoints = subnetsOf(t, 'endpoints');
    expect(endpoints).toHaveLength(config.regions.find((r) => r.name === region)!.availabilityZones.length);
    expect(attachment.Properties.SubnetIds.map((s: any) => s.Ref).sort()).toEqual(endpoints.sort());
    expect(attachment.Properties.TransitGatewayId).toEqual({ 'Fn::GetAtt': [gatewayId(t), 'Id'] });
  });

  test.each(regionNames)('%s: one route table, associated with the VPC attachment; no propagation anywhere', (region) => {
    const t = regional(synths.default, region);
    const [tableId] = only(t, 'AWS::EC2::TransitGatewayRouteTable');
    const [, association] = only(t, 'AWS::EC2::TransitGatewayRouteTableAssociation');
    expect(association.Properties).toEqual({
      TransitGatewayAttachmentId: { 'Fn::GetAtt': [vpcAttachmentId(t), 'Id'] },
      TransitGatewayRouteTableId: { 'Fn::GetAtt': [tableId, 'TransitGatewayRouteTableId'] },
    });
    for (const s of Object.values(synths)) {
      for (const tpl of Object.values(s.templates)) expect(resourcesOf(tpl, 'AWS::EC2::TransitGatewayRouteTablePropagation')).toHaveLength(0);
    }
  });
});

describe('routes admit only the two VPC CIDRs', () => {
  test.each(regionNames)('%s: every gateway route is the other VPC over the peering, or its own VPC over the VPC attachment (the return path)', (region) => {
    const routes = tgwRoutes(synths.default, region);
    expect(routes.map((r) => r.DestinationCidrBlock).sort()).toEqual([cidrOf(region), cidrOf(otherOf(region))].sort());
    expect(routes.some((r) => r.Blackhole)).toBe(false);
    const own = routes.find((r) => r.DestinationCidrBlock === cidrOf(region))!;
    expect(own.TransitGatewayAttachmentId).toEqual({ 'Fn::GetAtt': [vpcAttachmentId(regional(synths.default, region)), 'Id'] });
    const other = routes.find((r) => r.DestinationCidrBlock === cidrOf(otherOf(region)))!;
    expect(other.TransitGatewayAttachmentId).not.toEqual(own.TransitGatewayAttachmentId);
  });

  test('no default route and nothing but the VPC and on-premises CIDRs in any variant', () => {
    for (const [name, s] of Object.entries(synths)) {
      const allowed = name.startsWith('vpn') ? [...regionNames.map(cidrOf), ...ON_PREM] : regionNames.map(cidrOf);
      for (const region of regionNames) {
        if (!s.templates[transitStackName(config.name, region)]) continue;
        for (const r of tgwRoutes(s, region)) expect(allowed).toContain(r.DestinationCidrBlock);
      }
    }
  });

  test.each(regionNames)('%s: the private and data route tables, and only they, send the other VPC to the gateway', (region) => {
    const t = regional(synths.default, region);
    const routes = vpcRoutesToGateway(t);
    expect(routes.map(([, r]) => r.Properties.DestinationCidrBlock).every((c) => c === cidrOf(otherOf(region)))).toBe(true);
    expect(routes.map(([, r]) => r.Properties.RouteTableId.Ref).sort()).toEqual([...routeTablesOf(t, 'private'), ...routeTablesOf(t, 'data')].sort());
    for (const [, r] of routes) {
      expect(r.Properties.TransitGatewayId).toEqual({ 'Fn::GetAtt': [gatewayId(t), 'Id'] });
      // A route to a gateway the VPC is not attached to yet fails.
      expect(r.DependsOn).toContain(vpcAttachmentId(t));
    }
    expect(routeTablesOf(t, 'private').length).toBeGreaterThan(0);
    expect(routeTablesOf(t, 'data').length).toBeGreaterThan(0);
  });

  test('no security group is opened to the other region', () => {
    for (const region of regionNames) {
      const text = JSON.stringify(regional(synths.default, region).toJSON().Resources);
      const sgRules = [...resourcesOf(regional(synths.default, region), 'AWS::EC2::SecurityGroupIngress'), ...resourcesOf(regional(synths.default, region), 'AWS::EC2::SecurityGroup')];
      expect(JSON.stringify(sgRules)).not.toContain(cidrOf(otherOf(region)));
      expect(text).toContain(cidrOf(otherOf(region))); // (the routes do name it)
    }
  });
});

describe('the peering', () => {
  const homeT = () => transit(synths.default, home);
  const peerT = () => transit(synths.default, peer);

  test('the home region requests it, naming the peer region, account and gateway', () => {
    const [, attachment] = only(homeT(), 'AWS::EC2::TransitGatewayPeeringAttachment');
    expect(attachment.Properties).toMatchObject({
      PeerRegion: peer,
      PeerAccountId: ACCOUNT,
      TransitGatewayId: stackOutput(regionalStackName(config.name, home), home),
      PeerTransitGatewayId: stackOutput(regionalStackName(config.name, peer), peer),
    });
    expect(resourcesOf(peerT(), 'AWS::EC2::TransitGatewayPeeringAttachment')).toHaveLength(0);
  });

  test('a waiter accepts it in the peer region, allowed to accept that attachment only', () => {
    const [attachmentId] = only(homeT(), 'AWS::EC2::TransitGatewayPeeringAttachment');
    const [, accept] = only(homeT(), 'Custom::TransitAttachmentReady');
    expect(accept.Properties).toMatchObject({ Region: peer, AcceptPeering: 'true', AttachmentId: { 'Fn::GetAtt': [attachmentId, 'TransitGatewayAttachmentId'] } });
    const statements = resourcesOf(homeT(), 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const accepts = statements.filter((s) => [].concat(s.Action).some((a: string) => a.startsWith('ec2:Accept')));
    expect(accepts).toEqual([
      {
        Effect: 'Allow',
        Action: 'ec2:AcceptTransitGatewayPeeringAttachment',
        Resource: { 'Fn::Join': ['', [`arn:aws:ec2:${peer}:${ACCOUNT}:transit-gateway-attachment/`, { 'Fn::GetAtt': [attachmentId, 'TransitGatewayAttachmentId'] }]] },
      },
    ]);
    // Anything else on * is the read of attachments (no resource-level permissions).
    const ec2OnAny = statements.filter((s) => s.Resource === '*' && [].concat(s.Action).some((a: string) => a.startsWith('ec2:')));
    expect(ec2OnAny.flatMap((s) => [].concat(s.Action))).toEqual(['ec2:DescribeTransitGatewayAttachments']);
    // The permission exists before the waiter runs.
    expect(accept.DependsOn.some((d: string) => d.startsWith('TransitAttachmentProviderRole'))).toBe(true);
  });

  test('the waiter waits (isComplete) long enough for an acceptance', () => {
    const [, sm] = only(homeT(), 'AWS::StepFunctions::StateMachine');
    // The provider framework's waiter: isComplete retried every IntervalSeconds, MaxAttempts times, no
    // back-off (aws-cdk-lib custom-resources provider framework waiter-state-machine): at least 30
    // minutes in all, the longest an acceptance is given.
    const definition = JSON.stringify(sm.Properties.DefinitionString).replace(/\\"/g, '"');
    const retry = /"IntervalSeconds":(\d+),"MaxAttempts":(\d+),"BackoffRate":(\d+(?:\.\d+)?)/.exec(definition);
    expect(retry).not.toBeNull();
    const [, interval, attempts, backoff] = retry!.map(Number);
    expect(backoff).toBe(1);
    expect(interval).toBe(20);
    expect(interval * attempts).toBeGreaterThanOrEqual(30 * 60);
    expect(sm.Properties.LoggingConfiguration.Level).toBe('ALL');
  });

  test('both sides associate the attachment with their route table and route the other VPC over it, once accepted', () => {
    const [acceptId] = only(homeT(), 'Custom::TransitAttachmentReady');
    const accepted = { 'Fn::GetAtt': [acceptId, 'AttachmentId'] };
    const [, homeAssoc] = only(homeT(), 'AWS::EC2::TransitGatewayRouteTableAssociation');
    expect(homeAssoc.Properties).toEqual({ TransitGatewayAttachmentId: accepted, TransitGatewayRouteTableId: stackOutput(regionalStackName(config.name, home), home) });
    const [, homeRoute] = only(homeT(), 'AWS::EC2::TransitGatewayRoute');
    expect(homeRoute.Properties).toMatchObject({ DestinationCidrBlock: cidrOf(peer), TransitGatewayAttachmentId: accepted });

    const fromHome = stackOutput(transitStackName(config.name, home), home);
    const [, peerAssoc] = only(peerT(), 'AWS::EC2::TransitGatewayRouteTableAssociation');
    expect(peerAssoc.Properties).toEqual({ TransitGatewayAttachmentId: fromHome, TransitGatewayRouteTableId: stackOutput(regionalStackName(config.name, peer), peer) });
    const [, peerRoute] = only(peerT(), 'AWS::EC2::TransitGatewayRoute');
    expect(peerRoute.Properties).toMatchObject({ DestinationCidrBlock: cidrOf(home), TransitGatewayAttachmentId: fromHome });
  });

  test('one cdk deploy --all in order: regional stacks, the home transit stack, then the peer transit stack', () => {
    const deps = (name: string) => synths.default.synth.assembly.getStackByName(name).dependencies.map((d) => d.id);
    expect(deps(transitStackName(config.name, home))).toEqual(expect.arrayContaining([regionalStackName(config.name, home), regionalStackName(config.name, peer)]));
    expect(deps(transitStackName(config.name, peer))).toEqual(expect.arrayContaining([transitStackName(config.name, home), regionalStackName(config.name, peer)]));
    for (const region of regionNames) {
      const stack = synths.default.synth.assembly.getStackByName(transitStackName(config.name, region));
      expect(stack.environment.region).toBe(region);
      expect(stack.terminationProtection).toBe(true);
      // No Fn::ImportValue (and no export writer custom resource): offline, weak references only.
      expect(JSON.stringify(stack.template)).not.toMatch(/Fn::ImportValue|Custom::CrossRegionExport/);
    }
    for (const region of regionNames) expect(JSON.stringify(regional(synths.default, region).toJSON())).not.toMatch(/Custom::CrossRegionExport|Fn::GetStackOutput/);
  });
});

describe('off and on', () => {
  test('nothing transit is rendered when network.transit.enabled is false', () => {
    const s = synths.disabled;
    expect(Object.keys(s.templates).filter((n) => n.endsWith('-transit'))).toEqual([]);
    expect(s.synth.platform.transit).toBeUndefined();
    for (const t of Object.values(s.templates)) {
      expect(Object.values(t.toJSON().Resources ?? {}).filter((r: any) => /TransitGateway|VPNConnection|CustomerGateway|DirectConnect/.test(r.Type))).toEqual([]);
      expect(vpcRoutesToGateway(t)).toEqual([]);
    }
  });

  test('no VPN and no Direct Connect by default', () => {
    for (const t of Object.values(synths.default.templates)) {
      for (const type of ['AWS::EC2::CustomerGateway', 'AWS::EC2::VPNConnection', 'AWS::DirectConnect::DirectConnectGatewayAssociation']) expect(resourcesOf(t, type)).toHaveLength(0);
    }
  });

  test('VPN: a customer gateway and a BGP VPN on the home gateway only, its attachment found, associated and routed the on-premises CIDRs', () => {
    const s = synths.vpn;
    const t = transit(s, home);
    expect(only(t, 'AWS::EC2::CustomerGateway')[1].Properties).toMatchObject({ Type: 'ipsec.1', IpAddress: '203.0.113.10', BgpAsn: 65010 });
    const [vpnId, vpn] = only(t, 'AWS::EC2::VPNConnection');
    expect(vpn.Properties).toMatchObject({ Type: 'ipsec.1', StaticRoutesOnly: false, TransitGatewayId: stackOutput(regionalStackName(config.name, home), home) });
    const lookup = resourcesOf(t, 'Custom::TransitAttachmentReady').find(([, r]) => r.Properties.ResourceType === 'vpn')!;
    expect(lookup[1].Properties).toMatchObject({ ResourceId: { 'Fn::GetAtt': [vpnId, 'VpnConnectionId'] }, AcceptPeering: 'false' });
    const vpnRoutes = resourcesOf(t, 'AWS::EC2::TransitGatewayRoute').filter(([, r]) => JSON.stringify(r.Properties.TransitGatewayAttachmentId).includes(lookup[0]));
    expect(vpnRoutes.map(([, r]) => r.Properties.DestinationCidrBlock).sort()).toEqual([...ON_PREM].sort());
    expect(resourcesOf(transit(s, peer), 'AWS::EC2::VPNConnection')).toHaveLength(0);
    // The peer reaches on premises through the home region: over the peering.
    const peerRoutes = tgwRoutes(s, peer).filter((r) => ON_PREM.includes(r.DestinationCidrBlock));
    expect(peerRoutes).toHaveLength(ON_PREM.length);
    for (const r of peerRoutes) expect(r.TransitGatewayAttachmentId).toEqual(stackOutput(transitStackName(config.name, home), home));
    // Both VPCs send on-premises CIDRs to their gateway too, from the private and data subnets.
    for (const region of regionNames) {
      const dest = vpcRoutesToGateway(regional(s, region)).map(([, r]) => r.Properties.DestinationCidrBlock);
      expect([...new Set(dest)].sort()).toEqual([cidrOf(otherOf(region)), ...ON_PREM].sort());
    }
  });

  test('Direct Connect: every region associates its gateway, advertising its own VPC CIDR, and routes on premises there', () => {
    const s = synths.vpnAndDx;
    for (const region of regionNames) {
      const t = transit(s, region);
      const [, assoc] = only(t, 'AWS::DirectConnect::DirectConnectGatewayAssociation');
      expect(assoc.Properties).toEqual({
        DirectConnectGatewayId: DX_GATEWAY,
        AssociatedGatewayId: stackOutput(regionalStackName(config.name, region), region),
        AllowedPrefixesToDirectConnectGateway: [cidrOf(region)],
      });
      const lookup = resourcesOf(t, 'Custom::TransitAttachmentReady').find(([, r]) => r.Properties.ResourceType === 'direct-connect-gateway')!;
      expect(lookup[1].Properties.ResourceId).toBe(DX_GATEWAY);
      const onPrem = tgwRoutes(s, region).filter((r) => ON_PREM.includes(r.DestinationCidrBlock));
      expect(onPrem).toHaveLength(ON_PREM.length);
      for (const r of onPrem) expect(r.TransitGatewayAttachmentId).toEqual({ 'Fn::GetAtt': [lookup[0], 'AttachmentId'] });
    }
    // The VPN stays (associated: what arrives on it is routed) but Direct Connect carries the routes.
    expect(resourcesOf(transit(s, home), 'AWS::EC2::VPNConnection')).toHaveLength(1);
  });
});
