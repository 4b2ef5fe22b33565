import { App, Aspects, Fn, Stack } from 'aws-cdk-lib';
import { FRONT_DOOR_STACK_REGION } from '../config/front-door';
import { acceleratorStackName, dataAccessStackName, edgeStackName, globalStackName, healthStackName, regionSwitchStackName } from '../config/outputs';
import { regionSwitchRoleArn } from '../config/region-switch';
import { PlatformConfig } from '../config/schema';
import { DataAccessStack } from './data-access/data-access-stack';
import { AcceleratorStack } from './front-door/accelerator-stack';
import { CloudFrontStack } from './front-door/cloudfront-stack';
import { GlobalDataStack } from './global-data-stack';
import { HEALTH_STACK_REGION, HealthStack } from './health-stack';
import { KeyGrantsOnlyForAwsResources } from './kms-grants';
import { NagScope } from './nag';
import { clusterName, regionalShopperName } from './naming';
import { GlobalDashboard } from './observability/global-dashboard';
import { buildTransit, Transit } from './network/transit';
import { buildRegionalStack, RegionalStack } from './regional-stack';
import { REGION_SWITCH_STACK_REGION, RegionSwitchScalingAccess, RegionSwitchStack } from './region-switch';

export interface Platform {
  readonly regions: Record<string, RegionalStack>;
  /** Each region's RDS Proxies, deployed once its databases exist; none unless data.rdsProxy is on. */
  readonly dataAccess: Record<string, DataAccessStack>;
  readonly globalData: GlobalDataStack;
  readonly health: HealthStack;
  /** The ARC Region switch plan and its execution role (us-east-1), deployed before the regional stacks. */
  readonly regionSwitch: RegionSwitchStack;
  /** The front door's stack, unless it is Route 53 alone (its records come from the clusters). */
  readonly frontDoor?: CloudFrontStack | AcceleratorStack;
  /** The Transit Gateways and each region's transit stack; none unless network.transit.enabled. */
  readonly transit?: Transit;
  /** Every stack with what its cdk-nag acknowledgements need to know about it. */
  readonly nagScopes: NagScope[];
}

/** Every stack of an environment: one per region, the global data stack and the health checks. */
export async function buildPlatform(app: App, config: PlatformConfig): Promise<Platform> {
  // Parts of Blueprints ask the stack for its AZs, which is a context lookup needing credentials. The
  // config names the AZs, so answer the lookup from it (context must be set before any stack exists).
  for (const region of config.regions) {
    app.node.setContext(`availability-zones:account=${config.accountId}:region=${region.name}`, region.availabilityZones);
  }
  const regions: Record<string, RegionalStack> = {};
  for (const region of config.regions) regions[region.name] = await buildRegionalStack(app, config, region);
  const env = (region: string) => ({ account: config.accountId, region });
  const globalData = new GlobalDataStack(app, globalStackName(config.name), {
    config,
    env: env(config.regions[0].name),
    stackName: globalStackName(config.name),
    description: `SecureCart ${config.name}: carts global table and replicated credentials`,
    terminationProtection: true,
  });
  const health = new HealthStack(app, healthStackName(config.name), {
    config,
    env: env(HEALTH_STACK_REGION),
    stackName: healthStackName(config.name),
    description: `SecureCart ${config.name}: Route 53 health checks and alarms per region`,
    // Recreating a health check gives it a new id, which the failover records would no longer match.
    terminationProtection: true,
  });
  Aspects.of(app).add(new KeyGrantsOnlyForAwsResources());
  // The health checks name each region's synthetic-shopper alarm, which Route 53 needs to exist.
  for (const region of config.regions) health.addDependency(regions[region.name].stack);
  // The home region's media bucket replicates into the others', which S3 requires to exist first.
  const [home, ...others] = config.regions;
  for (const other of others) regions[home.name].stack.addDependency(regions[other.name].stack);
  // The regional web ACLs resolve CloudFront's origin-verify secret, which the global stack creates.
  if (globalData.originVerify) for (const region of config.regions) regions[region.name].stack.addDependency(globalData);

  // The Region switch plan, and in each cluster an access entry that lets its role scale the shop. EKS
  // needs the entry's principal to exist, so the regional stacks deploy after the role's stack; that stack
  // names the clusters and databases by ARN only, so it needs nothing from them.
  const regionSwitch = new RegionSwitchStack(app, regionSwitchStackName(config.name), {
    config,
    env: env(REGION_SWITCH_STACK_REGION),
    stackName: regionSwitchStackName(config.name),
    description: `SecureCart ${config.name}: ARC Region switch plan and its execution role`,
    terminationProtection: true,
    // The plan's objective is the budget the resilience report holds its modeled runs to.
    recoveryTimeObjectiveMinutes: Math.ceil(config.budgets.regionSwitchSeconds / 60),
  });
  for (const region of config.regions) {
    const regional = regions[region.name].stack;
    new RegionSwitchScalingAccess(regional, 'RegionSwitchScalingAccess', { cluster: regional.getClusterInfo().cluster, principalArn: regionSwitchRoleArn(config), namespace: config.namespace });
    regional.addDependency(regionSwitch);
  }

  // The proxies of each region, once its databases exist (the data tier, from Argo CD and ACK, comes after
  // the regional stack): in the regional stack's VPC, opening its database security group, and reading the
  // credentials the global stack replicates into the region.
  const dataAccess: Record<string, DataAccessStack> = {};
  for (const region of config.data.rdsProxy ? config.regions : []) {
    const regional = regions[region.name];
    const cluster = regional.stack.getClusterInfo().cluster;
    const name = dataAccessStackName(config.name, region.name);
    const stack = new DataAccessStack(app, name, {
      config,
      region,
      env: env(region.name),
      stackName: name,
      description: `SecureCart ${config.name}: RDS Proxies of orders and catalog in ${region.name}`,
      terminationProtection: true,
      vpc: cluster.vpc,
      clusterSecurityGroupId: cluster.clusterSecurityGroupId,
      databaseSecurityGroupId: regional.prerequisites.databaseSecurityGroup.securityGroupId,
    });
    stack.addDependency(regional.stack);
    stack.addDependency(globalData);
    dataAccess[region.name] = stack;
  }

  // Private transit between the regions: a Transit Gateway in each regional stack, and per region a
  // transit stack for the peering and the on-premises links (cluster/network/transit-stack.ts: order).
  const transit = config.network.transit.enabled
    ? buildTransit(app, config, Object.fromEntries(config.regions.map((r) => [r.name, { stack: regions[r.name].stack as Stack, vpc: regions[r.name].stack.getClusterInfo().cluster.vpc }])))
    : undefined;

  // Last: it finds the ALBs the clusters' controllers created, and names the health checks.
  const frontDoorProps = {
    config,
    regionHealthCheckIds: Object.fromEntries(config.regions.map((r) => [r.name, health.healthChecks[r.name].attrHealthCheckId])),
    shopHealthCheckId: health.shopHealthCheck.attrHealthCheckId,
    terminationProtection: true,
  };
  let frontDoor: CloudFrontStack | AcceleratorStack | undefined;
  if (config.edge.frontDoor === 'cloudfront') {
    frontDoor = new CloudFrontStack(app, edgeStackName(config.name), {
      ...frontDoorProps,
      env: env(FRONT_DOOR_STACK_REGION),
      stackName: edgeStackName(config.name),
      description: `SecureCart ${config.name}: CloudFront distribution, its web ACL and certificate, media origins`,
    });
  } else if (config.edge.frontDoor === 'globalAccelerator') {
    frontDoor = new AcceleratorStack(app, acceleratorStackName(config.name), {
      ...frontDoorProps,
      env: env(FRONT_DOOR_STACK_REGION),
      stackName: acceleratorStackName(config.name),
      description: `SecureCart ${config.name}: Global Accelerator over the regional ALBs`,
    });
  }
  if (frontDoor) {
    frontDoor.addDependency(health);
    frontDoor.addDependency(globalData);
    for (const region of config.regions) frontDoor.addDependency(regions[region.name].stack);
  }

  // One dashboard for the whole shop, beside the front door it charts (both in us-east-1), or in the
  // health stack when Route 53 alone is the front door.
  new GlobalDashboard(frontDoor ?? health, 'GlobalDashboard', {
    config,
    regionHealthCheckIds: frontDoorProps.regionHealthCheckIds,
    shopHealthCheckId: frontDoorProps.shopHealthCheckId,
    shopperNames: Object.fromEntries(config.regions.map((r) => [r.name, regionalShopperName(config)])),
    publicShopperName: health.publicShopper.shopperName,
    alarms: [...health.healthAlarms, health.publicShopper.alarm, ...health.publicSlo.composites.filter((c) => c.severity === 'page').map((c) => c.alarm)],
    distributionId: frontDoor instanceof CloudFrontStack ? frontDoor.distribution.distributionId : undefined,
    // Global Accelerator's metrics name the accelerator by its id, the last part of its ARN.
    acceleratorId: frontDoor instanceof AcceleratorStack ? Fn.select(1, Fn.split('/', frontDoor.accelerator.acceleratorArn)) : undefined,
  });

  const vars = (region: string, cluster?: string) => ({ region, account: config.accountId, env: config.name, cluster });
  const nagScopes: NagScope[] = [
    ...config.regions.map((r) => ({ stack: regions[r.name].stack as Stack, kind: 'regional' as const, vars: vars(r.name, clusterName(config, r.name)) })),
    ...Object.keys(dataAccess).map((r) => ({ stack: dataAccess[r] as Stack, kind: 'data-access' as const, vars: vars(r) })),
    { stack: globalData, kind: 'global', vars: vars(config.regions[0].name) },
    { stack: health, kind: 'health', vars: vars(HEALTH_STACK_REGION) },
    { stack: regionSwitch, kind: 'region-switch', vars: vars(REGION_SWITCH_STACK_REGION) },
    ...(frontDoor ? [{ stack: frontDoor as Stack, kind: 'front-door' as const, vars: vars(frontDoor.region) }] : []),
    ...(transit?.nagScopes ?? []),
  ];
  return { regions, dataAccess, globalData, health, regionSwitch, frontDoor, transit, nagScopes };
}
