import { CfnJson, CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { TRACE_COLLECTOR } from '../charts/telemetry';
import { mediaBucketName, originVerifyValueReference, regionalWebAclName } from '../config/front-door';
import { originHostname } from '../config/hostnames';
import { FRONT_DOOR_OUTPUT_KEYS, REGIONAL_OUTPUT_KEYS } from '../config/outputs';
import { PlatformConfig, RegionConfig } from '../config/schema';
import { CREDENTIALS, cartsTableName, publicHostname, regionalHostname } from './naming';
import { AlbSecurityGroups } from './front-door/alb-security-groups';
import { MediaBucket } from './front-door/media-bucket';
import { originVerifyRule } from './front-door/origin-verify-rule';
import { SUBNET_TIERS } from './vpc-provider';
import { managedRuleGroupRules, rateLimitPerIpRule, shopPathRules } from './waf-rules';

export interface RegionalPrerequisitesProps {
  readonly config: PlatformConfig;
  readonly region: RegionConfig;
  /** The region's EKS cluster: its security group is the only source allowed into the data stores. */
  readonly cluster: eks.ICluster;
  readonly vpc: ec2.IVpc;
  /**
   * Requests per 5 minutes from one IP before the WAF blocks it.
   * @default 2000
   */
  readonly rateLimitPer5Minutes?: number;
}

/** Ports of the data stores, as the security groups open them. */
export const DATA_PORTS = { mysql: 3306, postgres: 5432, redis: 6379 } as const;

/**
 * The X-Ray calls of the trace collector's awsxray exporter (aws-otel-collector v0.49.0, bundling
 * opentelemetry-collector-contrib v0.156.0; vendor/github.com/open-telemetry/opentelemetry-collector-contrib):
 * exporter/awsxrayexporter/awsxray.go:59 calls PutTraceSegments for every batch; PutTelemetryRecords
 * (internal/aws/xray/telemetry/sender.go:277) only runs with `telemetry.enabled` (awsxray.go:43-47), which
 * the collector's configuration leaves off (charts/constructs/trace-collector.ts), and it samples nothing
 * itself (no GetSamplingRules / GetSamplingTargets: the services sample, charts/telemetry.ts).
 */
export const TRACE_COLLECTOR_XRAY_ACTIONS = ['xray:PutTraceSegments'] as const;

/**
 * What the charts and the ACK data tier of a region reference but do not create: security groups for
 * the databases and Redis (open only to the cluster), the IRSA roles of carts (its DynamoDB table only)
 * and of the trace collector (X-Ray PutTraceSegments only), the WAF web ACL and the certificate of the
 * ALB. Every value the charts need is a stack output.
 */
export class RegionalPrerequisites extends Construct {
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  readonly redisSecurityGroup: ec2.SecurityGroup;
  readonly cartsRole: iam.Role;
  /** Assumed by the trace collector's service account: sends the services' spans to X-Ray. */
  readonly traceCollectorRole: iam.Role;
  readonly webAcl: wafv2.CfnWebACL;
  readonly certificate: acm.Certificate;
  /** Encrypts this region's Aurora clusters (the primary's and a secondary's alike). */
  readonly databaseKey: kms.Key;
  /** Product media of the region (CloudFront serves it under /media). */
  readonly media: MediaBucket;
  /** The ALB's security groups behind CloudFront. @default none under the other front doors */
  readonly albSecurityGroups?: AlbSecurityGroups;

  constructor(scope: Construct, id: string, props: RegionalPrerequisitesProps) {
    super(scope, id);
    const { config, region, cluster, vpc } = props;
    const stack = Stack.of(this);

    // Data stores: reachable from the cluster's nodes and pods only, nothing outbound.
    this.databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc,
      description: 'Aurora MySQL (catalog) and PostgreSQL (orders): from the EKS cluster only',
      allowAllOutbound: false,
    });
    this.redisSecurityGroup = new ec2.SecurityGroup(this, 'RedisSecurityGroup', {
      vpc,
      description: 'ElastiCache Redis (checkout): from the EKS cluster only',
      allowAllOutbound: false,
    });
    const fromCluster = ec2.Peer.securityGroupId(cluster.clusterSecurityGroupId);
    this.databaseSecurityGroup.addIngressRule(fromCluster, ec2.Port.tcp(DATA_PORTS.mysql), 'catalog (MySQL) from the cluster');
    this.databaseSecurityGroup.addIngressRule(fromCluster, ec2.Port.tcp(DATA_PORTS.postgres), 'orders (PostgreSQL) from the cluster');
    this.redisSecurityGroup.addIngressRule(fromCluster, ec2.Port.tcp(DATA_PORTS.redis), 'checkout (Redis, TLS) from the cluster');

    // A key of the environment's own for the region's Aurora clusters: the data tier names it by ARN,
    // the form RDS reports back, so the ACK controller never sees a difference (an alias would be
    // rewritten to the ARN and re-applied by Argo CD, forever). Kept with the data after the stack.
    this.databaseKey = new kms.Key(this, 'DatabaseKey', {
      description: `SecureCart ${config.name} Aurora clusters in ${region.name}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // carts reads and writes its table's local replica through IRSA: that table and its indexes only.
    const provider = cluster.openIdConnectProvider;
    const issuer = new CfnJson(this, 'CartsTrustConditions', {
      value: {
        [`${provider.openIdConnectProviderIssuer}:sub`]: `system:serviceaccount:${config.namespace}:carts`,
        [`${provider.openIdConnectProviderIssuer}:aud`]: 'sts.amazonaws.com',
      },
    });
    this.cartsRole = new iam.Role(this, 'CartsRole', {
      description: `carts service account (${config.namespace}/carts): DynamoDB carts table only`,
      assumedBy: new iam.OpenIdConnectPrincipal(provider).withConditions({ StringEquals: issuer }),
    });
    const tableArn = stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: cartsTableName(config) });
    this.cartsRole.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:DescribeTable',
        ],
        resources: [tableArn, `${tableArn}/index/*`],
      }),
    );

    // The trace collector (charts/constructs/trace-collector.ts) sends spans to this region's X-Ray
    // through IRSA: its service account only, and only the call its exporter makes.
    const collectorServiceAccount = `system:serviceaccount:${config.namespace}:${TRACE_COLLECTOR.name}`;
    const collectorTrust = new CfnJson(this, 'TraceCollectorTrustConditions', {
      value: {
        [`${provider.openIdConnectProviderIssuer}:sub`]: collectorServiceAccount,
        [`${provider.openIdConnectProviderIssuer}:aud`]: 'sts.amazonaws.com',
      },
    });
    this.traceCollectorRole = new iam.Role(this, 'TraceCollectorRole', {
      description: `trace collector service account (${config.namespace}/${TRACE_COLLECTOR.name}): X-Ray PutTraceSegments only`,
      assumedBy: new iam.OpenIdConnectPrincipal(provider).withConditions({ StringEquals: collectorTrust }),
    });
    this.traceCollectorRole.addToPolicy(
      new iam.PolicyStatement({
        actions: [...TRACE_COLLECTOR_XRAY_ACTIONS],
        // X-Ray's PutTraceSegments has no resource type and no condition keys: the Service Authorization
        // Reference ("Actions, resources, and condition keys for AWS X-Ray") lists it with an empty
        // resource column, which in IAM means "*" is the only resource it can be granted on.
        resources: ['*'],
      }),
    );

    // Behind CloudFront the edge's web ACL limits each client's rate: here every request comes from a
    // CloudFront address, so a per-IP limit would throttle whole edge locations. What this ACL adds there
    // is the proof that a request came through the distribution (cluster/front-door/origin-verify-rule.ts).
    const behindCloudFront = config.edge.frontDoor === 'cloudfront';
    const frontDoorRules: wafv2.CfnWebACL.RuleProperty[] = behindCloudFront
      ? [originVerifyRule({ priority: 0, headerValue: originVerifyValueReference(config.name), healthCheck: { hostname: regionalHostname(config, region.name), path: config.dns.healthCheck.path } })]
      : [];
    const rateRules = behindCloudFront ? [] : [rateLimitPerIpRule(props.rateLimitPer5Minutes ?? 2000)];
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      // Named: the origin-verify rotation finds it by name in each region.
      name: regionalWebAclName(config.name, region.name),
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `securecart-${config.name}-${region.name}`, sampledRequestsEnabled: true },
      rules: [
        ...frontDoorRules,
        // Only the shop's own paths, the list the ALB forwards too (config/shop-paths.ts): ui 1.6.2 serves
        // debug handlers without authentication (/utility, /proxy, /actuator, /topology, /info).
        ...shopPathRules(1),
        ...managedRuleGroupRules(),
        ...rateRules,
      ],
    });
    if (behindCloudFront) {
      // The NAT gateways' addresses: where the synthetic shopper, in the VPC, comes from. aws-cdk-lib
      // creates each gateway's Elastic IP as the public subnet's child "EIP" (2.261.0 aws-ec2/lib/vpc.ts,
      // PublicSubnet.addNatGateway); the error below says so if that ever changes.
      const natAddresses = vpc.publicSubnets.map((sn) => sn.node.tryFindChild('EIP')).filter((e): e is ec2.CfnEIP => e instanceof ec2.CfnEIP).map((e) => e.attrPublicIp);
      if (natAddresses.length === 0) throw new Error(`the VPC of ${region.name} has no NAT gateway addresses: the synthetic shopper could not reach the ALB behind CloudFront`);
      this.albSecurityGroups = new AlbSecurityGroups(this, 'AlbSecurityGroups', { vpc, region: region.name, ownAddresses: natAddresses });
    }

    // Product media, replicated from the first region (where it is uploaded) to every other one.
    const media = (r: string) => mediaBucketName(config.name, config.accountId, r);
    const home = config.regions[0].name;
    this.media = new MediaBucket(this, 'Media', {
      bucketName: media(region.name),
      replicateTo: region.name === home ? config.regions.slice(1).map((r) => ({ bucketName: media(r.name), region: r.name })) : undefined,
    });

    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: config.dns.hostedZoneId, zoneName: config.dns.domain });
    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: publicHostname(config),
      // The origin name CloudFront connects to (with its SNI) under the cloudfront front door.
      subjectAlternativeNames: [regionalHostname(config, region.name), originHostname(config)],
      validation: acm.CertificateValidation.fromDns(zone),
    });

    const outputs: Record<string, string> = {
      [REGIONAL_OUTPUT_KEYS.cartsRoleArn]: this.cartsRole.roleArn,
      [REGIONAL_OUTPUT_KEYS.traceCollectorRoleArn]: this.traceCollectorRole.roleArn,
      [REGIONAL_OUTPUT_KEYS.catalogDbSecretName]: CREDENTIALS.catalogDb.kubernetesSecret,
      [REGIONAL_OUTPUT_KEYS.ordersDbSecretName]: CREDENTIALS.ordersDb.kubernetesSecret,
      [REGIONAL_OUTPUT_KEYS.checkoutRedisSecretName]: CREDENTIALS.checkoutRedis.kubernetesSecret,
      [REGIONAL_OUTPUT_KEYS.publicSubnetCidrs]: vpc.publicSubnets.map((sn) => sn.ipv4CidrBlock).join(','),
      [REGIONAL_OUTPUT_KEYS.dataSubnetCidrs]: vpc.selectSubnets({ subnetGroupName: SUBNET_TIERS.data }).subnets.map((sn) => sn.ipv4CidrBlock).join(','),
      [REGIONAL_OUTPUT_KEYS.databaseSecurityGroupId]: this.databaseSecurityGroup.securityGroupId,
      [REGIONAL_OUTPUT_KEYS.redisSecurityGroupId]: this.redisSecurityGroup.securityGroupId,
      [REGIONAL_OUTPUT_KEYS.dataSubnetIds]: vpc.selectSubnets({ subnetGroupName: SUBNET_TIERS.data }).subnetIds.join(','),
      [REGIONAL_OUTPUT_KEYS.webAclArn]: this.webAcl.attrArn,
      [REGIONAL_OUTPUT_KEYS.certificateArn]: this.certificate.certificateArn,
      [REGIONAL_OUTPUT_KEYS.databaseKmsKeyArn]: this.databaseKey.keyArn,
      ClusterName: cluster.clusterName,
    };
    if (this.albSecurityGroups) outputs[FRONT_DOOR_OUTPUT_KEYS.albSecurityGroupIds] = this.albSecurityGroups.groups.map((g) => g.securityGroupId).join(',');
    for (const [key, value] of Object.entries(outputs)) new CfnOutput(stack, key, { value });
  }
}
