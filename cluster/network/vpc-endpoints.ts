import { Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ENDPOINT_SUBNET_TIER, GATEWAY_ENDPOINTS, GatewayEndpointService, INTERFACE_ENDPOINTS, InterfaceEndpointSpec } from '../../config/network';
import { gatewayEndpointPolicy, interfaceEndpointPolicy } from './endpoint-policies';
import { SUBNET_TIERS } from '../vpc-provider';

export interface VpcEndpointsProps {
  /** The regional VPC, with the isolated endpoint tier. */
  readonly vpc: ec2.IVpc;
  /**
   * The VPC's IPv4 CIDR, the only source the interface endpoints admit. Give it as a literal (the
   * config's) so that the rule can be read in the template and checked by cdk-nag (EC23).
   * @default vpc.vpcCidrBlock (a deploy-time reference)
   */
  readonly vpcCidr?: string;
  /**
   * The account whose data perimeter the endpoint policies enforce.
   * @default the stack's account
   */
  readonly account?: string;
  /**
   * The interface endpoints.
   * @default INTERFACE_ENDPOINTS (config/network.ts)
   */
  readonly interfaceEndpoints?: readonly InterfaceEndpointSpec[];
  /**
   * The gateway endpoints.
   * @default GATEWAY_ENDPOINTS (config/network.ts)
   */
  readonly gatewayEndpoints?: readonly GatewayEndpointService[];
  /**
   * The subnet tier that holds the interface endpoints (one network interface per AZ).
   * @default ENDPOINT_SUBNET_TIER ("endpoints")
   */
  readonly endpointSubnetGroup?: string;
  /**
   * The tiers whose route tables get the gateway endpoints' routes.
   * @default ["private", "data", "endpoints"]: wherever nodes, pods, databases and endpoints live (the public tier holds only the ALB and NAT gateways)
   */
  readonly gatewaySubnetGroups?: readonly string[];
}

/** The construct id of an interface endpoint: `ecr.api` becomes `EcrApi` (ids are a contract: they name the resources). */
export function endpointId(service: string): string {
  return service
    .split(/[.-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** The regional DNS name of an interface endpoint: the first of its DnsEntries, `<hosted zone id>:<name>`. */
export function regionalDnsName(endpoint: ec2.InterfaceVpcEndpoint): string {
  // AWS::EC2::VPCEndpoint DnsEntries: "Z1HUB23UULQXV:vpce-01abc23456de78f9g-12abc34d.ec2.us-east-1.vpce.amazonaws.com",
  // the regional name first, then one per zone (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpcendpoint.html#aws-resource-ec2-vpcendpoint-return-values).
  return Fn.select(1, Fn.split(':', Fn.select(0, endpoint.vpcEndpointDnsEntries)));
}

/**
 * The region's VPC endpoints for the AWS APIs its cluster and shop call (config/network.ts lists who
 * calls each, and why): S3 and DynamoDB gateway endpoints on the route tables of every tier but the
 * public one, and one interface endpoint per service in the isolated endpoint subnets, private DNS on,
 * behind one security group that admits the VPC on 443 and sends nothing. Each endpoint but those whose
 * service refuses it carries this account's data perimeter (endpoint-policies.ts).
 */
export class VpcEndpoints extends Construct {
  /** Interface endpoints by service suffix (`sts`, `ecr.api`...). */
  readonly interfaceEndpoints: Readonly<Record<string, ec2.InterfaceVpcEndpoint>>;
  /** Gateway endpoints by service. */
  readonly gatewayEndpoints: Readonly<Partial<Record<GatewayEndpointService, ec2.GatewayVpcEndpoint>>>;
  /** The interface endpoints' shared security group. */
  readonly securityGroup: ec2.SecurityGroup;
  /** CIDRs of the endpoint subnets (where the interface endpoints' addresses are). */
  readonly endpointSubnetCidrs: string[];

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const { vpc } = props;
    const perimeter = { account: props.account ?? Stack.of(this).account, region: Stack.of(this).region };
    const endpointTier = props.endpointSubnetGroup ?? ENDPOINT_SUBNET_TIER;
    const endpointSubnets = vpc.selectSubnets({ subnetGroupName: endpointTier });
    if (endpointSubnets.subnets.length === 0) throw new Error(`the VPC has no subnets in tier "${endpointTier}": add the isolated endpoint tier (cluster/vpc-provider.ts)`);
    this.endpointSubnetCidrs = endpointSubnets.subnets.map((s) => s.ipv4CidrBlock);

    const gateways: Partial<Record<GatewayEndpointService, ec2.GatewayVpcEndpoint>> = {};
    const gatewayTiers = props.gatewaySubnetGroups ?? [SUBNET_TIERS.private, SUBNET_TIERS.data, endpointTier];
    for (const service of props.gatewayEndpoints ?? GATEWAY_ENDPOINTS) {
      const gateway = new ec2.GatewayVpcEndpoint(this, `${endpointId(service)}Gateway`, {
        vpc,
        service: service === 's3' ? ec2.GatewayVpcEndpointAwsService.S3 : ec2.GatewayVpcEndpointAwsService.DYNAMODB,
        subnets: gatewayTiers.map((subnetGroupName) => ({ subnetGroupName })),
      });
      for (const statement of gatewayEndpointPolicy(service, perimeter)) gateway.addToPolicy(statement);
      gateways[service] = gateway;
    }
    this.gatewayEndpoints = gateways;

    // One group for every interface endpoint: each admits the same clients (anything in the VPC, which
    // IAM and the endpoint policies then judge) on the one port AWS APIs answer on. `open: false` below
    // keeps CDK from adding the same rule again to each endpoint (aws-cdk-lib 2.261.0 vpc-endpoint.js).
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Interface VPC endpoints of AWS APIs: HTTPS from the VPC only',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(ec2.Peer.ipv4(props.vpcCidr ?? vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS to AWS APIs from the VPC');

    const endpoints: Record<string, ec2.InterfaceVpcEndpoint> = {};
    for (const spec of props.interfaceEndpoints ?? INTERFACE_ENDPOINTS) {
      const endpoint = new ec2.InterfaceVpcEndpoint(this, endpointId(spec.service), {
        vpc,
        service: new ec2.InterfaceVpcEndpointAwsService(spec.service),
        subnets: { subnetGroupName: endpointTier },
        securityGroups: [this.securityGroup],
        open: false,
        // Said explicitly: aws-cdk-lib's default comes from each service constant, and callers rely on
        // the services' default names resolving to the endpoint.
        privateDnsEnabled: true,
      });
      // Services that only accept the full-access policy fail the resource on any other ("Service ...
      // only supports the full-access endpoint policy"): no PolicyDocument at all for them.
      if (!spec.fullAccessOnly) for (const statement of interfaceEndpointPolicy(spec.service, perimeter)) endpoint.addToPolicy(statement);
      endpoints[spec.service] = endpoint;
    }
    this.interfaceEndpoints = endpoints;
  }
}
