/**
 * Private transit between the regions (network.transit): a Transit Gateway in each regional stack and a
 * transit stack per region for the peering and the on-premises links (cluster/network/transit-stack.ts
 * describes the order). The home region (config.primaryRegion) peers with every other region; the
 * others reach on premises through their own Direct Connect association, or else through the home
 * region's VPN.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { transitAsn } from '../../config/network';
import { regionalStackName, transitStackName } from '../../config/outputs';
import { PlatformConfig } from '../../config/schema';
import { NagScope } from '../nag';
import { RegionalTransitGateway } from './transit-gateway';
import { TransitStack } from './transit-stack';

export interface Transit {
  /** Each region's Transit Gateway, in its regional stack. */
  readonly gateways: Record<string, RegionalTransitGateway>;
  /** Each region's transit stack. */
  readonly stacks: Record<string, TransitStack>;
  readonly nagScopes: NagScope[];
}

/** The regions each region's VPC reaches through its gateway: the home reaches all, the others the home. */
export function transitPeers(config: PlatformConfig, region: string): string[] {
  const home = config.primaryRegion;
  return region === home ? config.regions.filter((r) => r.name !== home).map((r) => r.name) : [home];
}

/** Adds the transit to the regional stacks (each with its VPC) and creates the transit stacks. */
export function buildTransit(app: App, config: PlatformConfig, regional: Record<string, { stack: Stack; vpc: ec2.IVpc }>): Transit {
  const home = config.primaryRegion;
  const cidrOf = (name: string) => config.regions.find((r) => r.name === name)!.vpcCidr;
  const onPremises = config.network.transit.onPremises;
  const onPremCidrs = onPremises?.cidrs ?? [];

  const gateways: Record<string, RegionalTransitGateway> = {};
  config.regions.forEach((region, index) => {
    gateways[region.name] = new RegionalTransitGateway(regional[region.name].stack, 'Transit', {
      vpc: regional[region.name].vpc,
      vpcCidr: region.vpcCidr,
      remoteCidrs: [...transitPeers(config, region.name).map(cidrOf), ...onPremCidrs],
      amazonSideAsn: transitAsn(index),
      name: regionalStackName(config.name, region.name),
    });
  });

  const stackOf = (region: string, extra: Partial<ConstructorParameters<typeof TransitStack>[2]>) => {
    const name = transitStackName(config.name, region);
    return new TransitStack(app, name, {
      config,
      region: config.regions.find((r) => r.name === region)!,
      env: { account: config.accountId, region },
      stackName: name,
      description: `SecureCart ${config.name}: Transit Gateway peering and on-premises links in ${region}`,
      terminationProtection: true,
      transitGatewayId: gateways[region].gateway.attrId,
      routeTableId: gateways[region].routeTable.attrTransitGatewayRouteTableId,
      ...extra,
    });
  };
  const stacks: Record<string, TransitStack> = {};
  stacks[home] = stackOf(home, {
    requests: transitPeers(config, home).map((peer) => ({ region: peer, transitGatewayId: gateways[peer].gateway.attrId, cidrs: [cidrOf(peer)] })),
    vpn: true,
  });
  for (const peer of transitPeers(config, home)) {
    stacks[peer] = stackOf(peer, {
      accepted: [
        {
          attachmentId: stacks[home].peerings[peer].ready.attachmentId,
          // On premises through the home region unless this region has its own Direct Connect association.
          cidrs: [cidrOf(home), ...(onPremises && !onPremises.directConnectGatewayId ? onPremCidrs : [])],
        },
      ],
    });
  }
  const nagScopes: NagScope[] = config.regions.map((r) => ({
    stack: stacks[r.name],
    kind: 'transit',
    vars: { region: r.name, account: config.accountId, env: config.name },
  }));
  return { gateways, stacks, nagScopes };
}
