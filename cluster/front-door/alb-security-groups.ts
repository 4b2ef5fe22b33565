import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST, route53HealthCheckPrefixList } from '../../config/front-door';
import { PrefixListLookup } from './prefix-list-lookup';

export interface AlbSecurityGroupsProps {
  readonly vpc: ec2.IVpc;
  /** The region, whose Route 53 health checker list is admitted. */
  readonly region: string;
  /** @default 443 */
  readonly port?: number;
  /**
   * Public addresses of the region's own clients of the ALB (the synthetic shopper, which runs in the
   * VPC and leaves through its NAT gateways), admitted by a third group.
   * @default none
   */
  readonly ownAddresses?: readonly string[];
}

/**
 * The ALB's security groups behind CloudFront: one admits CloudFront's origin-facing addresses, the
 * other Route 53's health checkers (the region's HTTPS health check), on HTTPS only, and a third the
 * region's own NAT gateways (its synthetic shopper shops through the ALB's public address, as customers
 * do); nothing else from the internet. Two groups because each managed prefix list counts against a group's rule quota by
 * its maximum size (CloudFront's alone is 55 of the default 60 inbound rules). The load balancer
 * controller attaches them by id (charts/constructs/failover-ingress.ts securityGroupIds).
 */
export class AlbSecurityGroups extends Construct {
  readonly groups: ec2.SecurityGroup[];

  constructor(scope: Construct, id: string, props: AlbSecurityGroupsProps) {
    super(scope, id);
    const port = ec2.Port.tcp(props.port ?? 443);
    const admit = (name: string, listName: string, description: string) => {
      const list = new PrefixListLookup(this, `${name}PrefixList`, { prefixListName: listName });
      // The ALB only answers: it opens connections to its targets through the cluster's backend group,
      // which the controller manages, so nothing outbound is needed here.
      const group = new ec2.SecurityGroup(this, name, { vpc: props.vpc, description, allowAllOutbound: false });
      group.addIngressRule(ec2.Peer.prefixList(list.prefixListId), port, `${listName} (HTTPS)`);
      return group;
    };
    this.groups = [
      admit('FromCloudFront', CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST, 'Shop ALB: HTTPS from CloudFront origin-facing addresses only'),
      admit('FromHealthCheckers', route53HealthCheckPrefixList(props.region), 'Shop ALB: HTTPS from Route 53 health checkers only'),
    ];
    if (props.ownAddresses?.length) {
      const own = new ec2.SecurityGroup(this, 'FromRegion', { vpc: props.vpc, description: 'Shop ALB: HTTPS from the NAT gateways of the region (synthetic shopper)', allowAllOutbound: false });
      for (const address of props.ownAddresses) own.addIngressRule(ec2.Peer.ipv4(`${address}/32`), port, 'NAT gateway of the region (synthetic shopper)');
      this.groups.push(own);
    }
  }
}
