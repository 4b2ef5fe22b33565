import { CfnOutput, CfnResource, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { DATABASE_ENGINES, PROXIED_DATABASES, ProxiedDatabase, proxyName, readOnlyEndpointName, regionalClusterIdentifier } from '../../config/data-access';
import { DATA_ACCESS_OUTPUT_KEYS } from '../../config/outputs';
import { PlatformConfig, RegionConfig } from '../../config/schema';
import { commonTags, secretName } from '../naming';
import { SUBNET_TIERS } from '../vpc-provider';
import { GlobalDatabaseProxy } from './global-database-proxy';

export interface DataAccessStackProps extends StackProps {
  readonly config: PlatformConfig;
  readonly region: RegionConfig;
  /** The region's VPC (regional stack): the proxies go into its isolated data subnets, beside the clusters. */
  readonly vpc: ec2.IVpc;
  /** The EKS cluster's security group (regional stack): the proxies' only clients. */
  readonly clusterSecurityGroupId: string;
  /** The Aurora clusters' security group (regional stack): opened to the proxies from this stack. */
  readonly databaseSecurityGroupId: string;
}

/** Construct ids of the proxies: a contract (logical ids of retained resources). */
const PROXY_IDS: Record<ProxiedDatabase, string> = { orders: 'Orders', catalog: 'Catalog' };

/**
 * A region's RDS Proxies for orders (Aurora PostgreSQL) and catalog (Aurora MySQL), named
 * `securecart-<env>-<region>-data-access`. Apart from the regional stack because a proxy's target group
 * fails to create while its cluster does not exist (RegisterDBProxyTargets: DBClusterNotFoundFault), and
 * the clusters come later, from the rendered manifests through Argo CD and ACK: this stack is deployed once
 * the region's data tier is up. The ACK RDS controller the clusters use (v1.11.1) has a DBProxy resource
 * but no way to register targets, so the proxies cannot live with the clusters.
 *
 * Everything here is kept if the stack is deleted or a resource replaced; a failed first create still
 * rolls back cleanly (RetainExceptOnCreate), so a retry does not meet a leftover proxy of the same name.
 */
export class DataAccessStack extends Stack {
  readonly proxies: Record<ProxiedDatabase, GlobalDatabaseProxy>;

  constructor(scope: Construct, id: string, props: DataAccessStackProps) {
    super(scope, id, props);
    const { config, region } = props;
    if (this.region !== region.name) throw new Error(`the data-access stack of ${region.name} must be deployed in ${region.name}, not ${this.region}`);
    const credential = { orders: 'ordersDb', catalog: 'catalogDb' } as const;

    this.proxies = Object.fromEntries(
      PROXIED_DATABASES.map((db) => [
        db,
        new GlobalDatabaseProxy(this, PROXY_IDS[db], {
          proxyName: proxyName(config.name, db),
          readOnlyEndpointName: readOnlyEndpointName(config.name, db),
          engine: DATABASE_ENGINES[db],
          engineVersion: config.data[db].engineVersion,
          clusterIdentifier: regionalClusterIdentifier(config.name, db, region.name),
          secretName: secretName(config, credential[db]),
          vpc: props.vpc,
          subnets: { subnetGroupName: SUBNET_TIERS.data },
          clientSecurityGroupId: props.clusterSecurityGroupId,
          databaseSecurityGroupId: props.databaseSecurityGroupId,
        }),
      ]),
    ) as Record<ProxiedDatabase, GlobalDatabaseProxy>;

    const outputs: Record<string, string> = {
      [DATA_ACCESS_OUTPUT_KEYS.ordersProxyEndpoint]: this.proxies.orders.proxy.endpoint,
      [DATA_ACCESS_OUTPUT_KEYS.ordersProxyReadOnlyEndpoint]: this.proxies.orders.readOnlyEndpoint.endpoint,
      [DATA_ACCESS_OUTPUT_KEYS.catalogProxyEndpoint]: this.proxies.catalog.proxy.endpoint,
      [DATA_ACCESS_OUTPUT_KEYS.catalogProxyReadOnlyEndpoint]: this.proxies.catalog.readOnlyEndpoint.endpoint,
    };
    for (const [key, value] of Object.entries(outputs)) new CfnOutput(this, key, { value });

    for (const [k, v] of Object.entries(commonTags(config))) Tags.of(this).add(k, v);
    // Last, so that it reaches every resource above, the L2s' own included.
    for (const c of this.node.findAll()) {
      if (c instanceof CfnResource) c.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    }
  }
}
