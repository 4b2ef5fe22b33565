/**
 * Every cdk-nag AwsSolutions finding the platform accepts, each scoped to the resources it was found
 * on and with the reason it is accepted. Anything cdk-nag finds that is not listed here fails synth
 * (and the tests), so a new wildcard or a new resource without a control is a reviewed change.
 *
 * Placeholders: in paths, `{cluster}` is the EKS cluster construct (named like its stack); in findings,
 * `{region}`, `{account}` and `{env}` are the stack's, `{anyRegion}` any region's name, and `{logicalId}`
 * stands for a CloudFormation logical id that CDK derives from a construct path (EKS' internal providers
 * refer to each other by it).
 */

import { AZ_POWER_CONSTRUCT_PREFIX, DRILLS_CONSTRUCT_ID, POD_CPU_STRESS_CONSTRUCT_ID, POD_DELETE_CONSTRUCT_ID } from './fault-injection/construct-ids';

export interface Acknowledgement {
  /** Which stacks: one per region, its data-access stack (RDS Proxies), its transit stack, the global data stack, the health stack, the front door or the Region switch plan. */
  readonly stacks: 'regional' | 'data-access' | 'transit' | 'global' | 'health' | 'front-door' | 'region-switch';
  /** Construct paths of the resources, relative to the stack (`{anyRegion}` stands for a region's name). */
  readonly paths: string[];
  /** The AwsSolutions rule, e.g. AwsSolutions-IAM5. */
  readonly rule: string;
  /** The bracketed part of each accepted finding; omitted for rules that report none. */
  readonly findings?: string[];
  /** Why the finding is accepted, specific to these resources. */
  readonly reason: string;
}

const EKS_PROVIDER = '@aws-cdk--aws-eks.ClusterResourceProvider';
/** aws-cdk-lib's AwsCustomResource singleton function role (its construct id is fixed by the library). */
const AWS_CUSTOM_RESOURCE_ROLE = 'AWS679f53fac002430cb0da5b7982bd2287/ServiceRole/Resource';
const KUBECTL_PROVIDER = '@aws-cdk--aws-eks.KubectlProvider';
/** aws-cdk-lib's LogRetention singleton function role (cluster/observability/log-retention.ts; id fixed by the library). */
const LOG_RETENTION_ROLE = 'LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole';
const LAMBDA_BASIC = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const LAMBDA_VPC = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';
const NODE_POLICIES = ['AmazonEC2ContainerRegistryReadOnly', 'AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy'].map(
  (p) => `Policy::arn:<AWS::Partition>:iam::aws:policy/${p}`,
);

/**
 * The role policies of the AZ power drills, one per zone, named by the zone's letter
 * (cluster/fault-injection/construct-ids.ts): every letter, so that a region whose zones are a, c, d
 * (or a future one with more) is covered without listing zones here.
 */
const AZ_POWER_ROLE_POLICIES = [...'abcdefghijklmnopqrstuvwxyz'].map((l) => `${DRILLS_CONSTRUCT_ID}/${AZ_POWER_CONSTRUCT_PREFIX}${l.toUpperCase()}/Role/DefaultPolicy/Resource`);

/** The synthetic shoppers: one per region (regional stacks) and one on the public name (health stack). */
const SHOPPERS = [
  { stacks: 'regional', id: 'SyntheticShopper', name: 'shopper' },
  { stacks: 'health', id: 'PublicShopper', name: 'public-shopper' },
] as const;

export const ACKNOWLEDGEMENTS: Acknowledgement[] = [
  // The EKS cluster.
  {
    stacks: 'regional',
    paths: ['{cluster}/Resource/Resource/Default'],
    rule: 'AwsSolutions-EKS1',
    reason: 'The public API endpoint is restricted to config cluster.publicEndpointCidrs (operators and CI); nodes use the private endpoint.',
  },
  {
    stacks: 'regional',
    paths: ['{cluster}/Role/Resource'],
    rule: 'AwsSolutions-IAM4',
    findings: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSClusterPolicy'],
    reason: 'EKS requires AmazonEKSClusterPolicy on the cluster service role; AWS maintains it with the service.',
  },
  {
    stacks: 'regional',
    paths: ['{cluster}/Nodegroupsystem-ng/NodeGroupRole/Resource'],
    rule: 'AwsSolutions-IAM4',
    findings: NODE_POLICIES,
    reason: 'EKS managed nodes need the worker, CNI and ECR read-only managed policies to join the cluster and pull images.',
  },
  {
    stacks: 'regional',
    paths: ['{cluster}/karpenter-node-role/Resource'],
    rule: 'AwsSolutions-IAM4',
    findings: [...NODE_POLICIES, 'Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore'],
    reason: 'Karpenter nodes need the same managed policies as EKS nodes to join, plus SSM core for break-glass access without SSH.',
  },
  {
    stacks: 'regional',
    paths: ['{cluster}/Resource/CreationRole/DefaultPolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: [
      'Resource::*',
      'Resource::arn:<AWS::Partition>:eks:{region}:{account}:cluster/securecart-{env}-{region}/*',
      'Resource::arn:<AWS::Partition>:eks:{region}:{account}:fargateprofile/securecart-{env}-{region}/*',
    ],
    reason: 'The aws-eks cluster creation role (aws-cdk-lib) must create the cluster before its ARN exists and describe its sub-resources.',
  },
  // aws-cdk-lib's EKS custom resource providers: code, runtimes and policies owned by the library.
  {
    stacks: 'regional',
    paths: [
      `${EKS_PROVIDER}/IsCompleteHandler/ServiceRole/Resource`,
      `${EKS_PROVIDER}/OnEventHandler/ServiceRole/Resource`,
      `${EKS_PROVIDER}/Provider/framework-isComplete/ServiceRole/Resource`,
      `${EKS_PROVIDER}/Provider/framework-onEvent/ServiceRole/Resource`,
      `${EKS_PROVIDER}/Provider/framework-onTimeout/ServiceRole/Resource`,
    ],
    rule: 'AwsSolutions-IAM4',
    findings: [LAMBDA_BASIC],
    reason: 'aws-cdk-lib EKS cluster provider Lambdas: AWSLambdaBasicExecutionRole only grants writing their own logs.',
  },
  {
    stacks: 'regional',
    paths: [`${KUBECTL_PROVIDER}/Provider/framework-onEvent/ServiceRole/Resource`],
    rule: 'AwsSolutions-IAM4',
    findings: [LAMBDA_BASIC, LAMBDA_VPC],
    reason: 'aws-cdk-lib kubectl provider Lambda: basic and VPC execution roles let it log and run in the cluster VPC.',
  },
  {
    stacks: 'regional',
    paths: ['{cluster}/KubectlHandlerRole/Resource'],
    rule: 'AwsSolutions-IAM4',
    findings: [
      LAMBDA_BASIC,
      LAMBDA_VPC,
      'Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
      'Policy::{"Fn::If":["{logicalId}",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}',
    ],
    reason: 'aws-cdk-lib kubectl handler: logs, runs in the VPC and pulls the kubectl/helm layer images; policies chosen by the library.',
  },
  {
    stacks: 'regional',
    paths: [
      `${EKS_PROVIDER}/Provider/framework-isComplete/ServiceRole/DefaultPolicy/Resource`,
      `${EKS_PROVIDER}/Provider/framework-onEvent/ServiceRole/DefaultPolicy/Resource`,
      `${EKS_PROVIDER}/Provider/framework-onTimeout/ServiceRole/DefaultPolicy/Resource`,
    ],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::<{logicalId}.Arn>:*'],
    reason: 'aws-cdk-lib provider framework invokes its own handler functions by ARN with any version or alias suffix.',
  },
  {
    stacks: 'regional',
    paths: [`${EKS_PROVIDER}/Provider/waiter-state-machine/Role/DefaultPolicy/Resource`],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::<{logicalId}.Arn>:*'],
    reason: 'aws-cdk-lib provider waiter state machine invokes its own isComplete/onTimeout functions with any version suffix.',
  },
  {
    stacks: 'regional',
    paths: [`${KUBECTL_PROVIDER}/Provider/framework-onEvent/ServiceRole/DefaultPolicy/Resource`],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::<{logicalId}.Arn>:*'],
    reason: 'aws-cdk-lib kubectl provider framework invokes its own handler function with any version suffix.',
  },
  {
    stacks: 'regional',
    paths: [`${KUBECTL_PROVIDER}/Handler/Resource`],
    rule: 'AwsSolutions-L1',
    reason: 'The kubectl handler runtime is chosen by aws-cdk-lib to match its kubectl layer; it moves with aws-cdk-lib upgrades.',
  },
  {
    stacks: 'regional',
    paths: [`${EKS_PROVIDER}/Provider/waiter-state-machine/Resource`],
    rule: 'AwsSolutions-SF1',
    reason: 'Internal aws-cdk-lib waiter used only while CloudFormation creates the cluster; its Lambdas log to CloudWatch.',
  },
  {
    stacks: 'regional',
    paths: [`${EKS_PROVIDER}/Provider/waiter-state-machine/Resource`],
    rule: 'AwsSolutions-SF2',
    reason: 'Internal aws-cdk-lib waiter used only while CloudFormation creates the cluster: X-Ray tracing adds nothing there.',
  },
  // Add-ons installed by EKS Blueprints: policies published by each controller's project.
  {
    stacks: 'regional',
    paths: ['{cluster}/cloudwatch-agent-sa/Role/Resource'],
    rule: 'AwsSolutions-IAM4',
    findings: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AWSXrayWriteOnlyAccess', 'Policy::arn:<AWS::Partition>:iam::aws:policy/CloudWatchAgentServerPolicy'],
    reason: 'CloudWatch Observability agent: the AWS-documented managed policies for publishing metrics, logs and traces.',
  },
  {
    stacks: 'regional',
    paths: ['{cluster}/aws-load-balancer-controller/Role/DefaultPolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: [
      'Resource::*',
      'Resource::arn:<AWS::Partition>:ec2:*:*:security-group/*',
      'Resource::arn:<AWS::Partition>:elasticloadbalancing:*:*:listener-rule/app/*/*/*',
      'Resource::arn:<AWS::Partition>:elasticloadbalancing:*:*:listener-rule/net/*/*/*',
      'Resource::arn:<AWS::Partition>:elasticloadbalancing:*:*:listener/app/*/*/*',
      'Resource::arn:<AWS::Partition>:elasticloadbalancing:*:*:listener/net/*/*/*',
      'Resource::arn:<AWS::Partition>:elasticloadbalancing:*:*:loadbalancer/app/*/*',
      'Resource::arn:<AWS::Partition>:elasticloadbalancing:*:*:loadbalancer/net/*/*',
      'Resource::arn:<AWS::Partition>:elasticloadbalancing:*:*:targetgroup/*/*',
    ],
    reason: 'AWS Load Balancer Controller upstream policy: it creates ALBs, target groups and security groups whose names it picks at run time (mutations are conditioned on its cluster tag).',
  },
  {
    stacks: 'regional',
    paths: ['{cluster}/external-dns/Role/DefaultPolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::*'],
    reason: 'external-dns needs route53:ListHostedZones, which has no resource-level permissions; record changes are limited to the configured zone.',
  },
  {
    stacks: 'regional',
    paths: ['{cluster}/external-secrets-sa/Role/DefaultPolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::arn:aws:secretsmanager:{region}:{account}:secret:securecart/{env}/*'],
    reason: "External Secrets reads only this environment's secrets: the prefix wildcard covers the random suffix Secrets Manager appends to each ARN.",
  },
  {
    stacks: 'regional',
    paths: ['{cluster}/blueprints-addon-karpenter-iam-integration-policy/Resource', '{cluster}/blueprints-addon-karpenter-zonal-shift-policy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::*'],
    reason: 'Karpenter upstream controller policy: instance-profile and zonal-shift reads have no resource-level permissions.',
  },
  {
    stacks: 'regional',
    paths: ['{cluster}/blueprints-addon-karpenter-resource-discovery-policy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::*', 'Resource::arn:<AWS::Partition>:ssm:{region}::parameter/aws/service/*'],
    reason: 'Karpenter upstream controller policy: EC2/pricing discovery APIs have no resource-level permissions; AMI lookups read public SSM parameters.',
  },
  {
    stacks: 'regional',
    paths: ['{cluster}/blueprints-addon-karpenter-node-lifecycle-policy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: [
      'Resource::arn:<AWS::Partition>:ec2:{region}:*:fleet/*',
      'Resource::arn:<AWS::Partition>:ec2:{region}:*:instance/*',
      'Resource::arn:<AWS::Partition>:ec2:{region}:*:launch-template/*',
      'Resource::arn:<AWS::Partition>:ec2:{region}:*:network-interface/*',
      'Resource::arn:<AWS::Partition>:ec2:{region}:*:security-group/*',
      'Resource::arn:<AWS::Partition>:ec2:{region}:*:spot-instances-request/*',
      'Resource::arn:<AWS::Partition>:ec2:{region}:*:subnet/*',
      'Resource::arn:<AWS::Partition>:ec2:{region}:*:volume/*',
      'Resource::arn:<AWS::Partition>:ec2:{region}::image/*',
      'Resource::arn:<AWS::Partition>:ec2:{region}::snapshot/*',
    ],
    reason: 'Karpenter upstream controller policy: it launches and terminates instances it names at run time; mutations are conditioned on its cluster tag.',
  },
  {
    stacks: 'regional',
    paths: ['karpenter-queue/Resource'],
    rule: 'AwsSolutions-SQS3',
    reason: 'Karpenter interruption queue: EventBridge notices are consumed or expire; a failed notice is superseded by the next one, so a DLQ would hold nothing actionable.',
  },
  // Ours.
  {
    stacks: 'regional',
    paths: ['rds-chart-inline-policy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: [
      'Resource::*',
      'Resource::arn:aws:rds::{account}:global-cluster:securecart-{env}-*',
      'Resource::arn:aws:rds:{region}:{account}:cluster-pg:securecart-{env}-*',
      'Resource::arn:aws:rds:{region}:{account}:cluster:securecart-{env}-*',
      'Resource::arn:aws:rds:{region}:{account}:db:securecart-{env}-*',
      'Resource::arn:aws:rds:{region}:{account}:subgrp:securecart-{env}-*',
      'Resource::arn:aws:rds:{region}:{account}:og:default:aurora-*',
      'Resource::arn:aws:rds:{region}:{account}:pg:default.aurora-*',
    ],
    reason:
      "ACK RDS controller: exactly the calls its reconcilers make (cluster/ack-policies.ts, checked against the controller's source in test/support/ack-calls.ts). Describe calls and the engine-default parameter reads need '*'; writes are limited to this environment's name prefix plus the engines' default option and parameter groups creation authorises against; every delete is denied.",
  },
  {
    stacks: 'regional',
    paths: ['elasticache-chart-inline-policy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: [
      'Resource::*',
      'Resource::arn:aws:elasticache:{region}:{account}:cluster:securecart-{env}-*',
      'Resource::arn:aws:elasticache:{region}:{account}:replicationgroup:securecart-{env}-*',
      'Resource::arn:aws:elasticache:{region}:{account}:subnetgroup:securecart-{env}-*',
      'Resource::arn:aws:elasticache:{region}:{account}:parametergroup:default.redis*',
    ],
    reason:
      "ACK ElastiCache controller: exactly the calls its reconcilers make (cluster/ack-policies.ts, checked in test/support/ack-calls.ts). Describe calls and DescribeEvents need '*'; writes are limited to this environment's name prefix (member clusters are <group>-001...) plus the engine's default parameter group; every delete is denied.",
  },
  {
    stacks: 'regional',
    paths: ['Prerequisites/CartsRole/DefaultPolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::arn:<AWS::Partition>:dynamodb:{region}:{account}:table/securecart-{env}-carts/index/*'],
    reason: "carts queries its table's customer index; the wildcard covers that table's indexes only.",
  },
  {
    stacks: 'regional',
    paths: ['Prerequisites/TraceCollectorRole/DefaultPolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::*'],
    reason:
      'The trace collector may only call xray:PutTraceSegments, the one call its awsxray exporter makes (cluster/regional-prerequisites.ts TRACE_COLLECTOR_XRAY_ACTIONS). X-Ray defines no resource type for it (Service Authorization Reference, AWS X-Ray), so "*" is the only resource it can be granted on.',
  },
  {
    stacks: 'regional',
    paths: ['Network/ImageCache/NodePullPolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    // The default network.pullThroughCache.prefix; another prefix shows up here as a new finding.
    findings: ['Resource::arn:<AWS::Partition>:ecr:{region}:{account}:repository/ecr-public/*'],
    reason:
      "Node roles pulling through the ECR pull-through cache (cluster/network/image-cache.ts): ecr:BatchImportUpstreamImage and ecr:CreateRepository on the cache's repositories only. Their names are the upstream's (<prefix>/<alias>/<repo>), created by ECR on the first pull, so the cache's prefix is the narrowest name (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html).",
  },
  ...SHOPPERS.map(({ stacks, id, name }) => ({
    stacks,
    paths: [`${id}/Canary/ServiceRole/Resource`],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::*', `Resource::<${id}Artifacts{logicalId}.Arn>/securecart-{env}-${name}/*`, 'Resource::arn:<AWS::Partition>:logs:{region}:{account}:log-group:/aws/lambda/cwsyn-*'],
    reason:
      "The canary role aws-cdk-lib's Canary creates, as CloudWatch Synthetics requires: s3:ListAllMyBuckets and cloudwatch:PutMetricData (conditioned on the CloudWatchSynthetics namespace) have no resource type; its own artifact prefix and its own Lambda log groups (cwsyn-*) are the narrowest names the service allows.",
  })),
  // Each region's shopper and the public one (health stack).
  ...SHOPPERS.flatMap(({ stacks, id }) => [
    {
      stacks,
      paths: [`${id}/Canary/ServiceRole/DefaultPolicy/Resource`],
      rule: 'AwsSolutions-IAM5',
      findings: ['Resource::*'],
      reason: "The shopper publishes its journey metrics (cloudwatch:PutMetricData has no resource type, Service Authorization Reference): the statement is conditioned on the cloudwatch:namespace of the shopper's own metrics, SecureCart/Shopper.",
    },
    {
      stacks,
      paths: [`${id}/Artifacts/Resource`],
      rule: 'AwsSolutions-S1',
      reason: 'Synthetic shopper run artifacts (logs, HAR files), expired after 14 days: private, TLS only, written by the canary role alone; access logs of them would add nothing an investigation needs.',
    },
  ]),
  // The FIS drills (cluster/fault-injection): one role per experiment template.
  {
    stacks: 'regional',
    paths: AZ_POWER_ROLE_POLICIES,
    rule: 'AwsSolutions-IAM5',
    findings: [
      'Resource::*',
      'Resource::arn:<AWS::Partition>:ec2:{region}:{account}:instance/*',
      'Resource::arn:<AWS::Partition>:ec2:{region}:{account}:network-acl/*',
      'Resource::arn:<AWS::Partition>:ec2:{region}:*:prefix-list/*',
      'Resource::arn:<AWS::Partition>:kms:{region}:{account}:key/*',
      'Resource::arn:<AWS::Partition>:rds:{region}:{account}:cluster:securecart-{env}-*',
      'Resource::arn:<AWS::Partition>:rds:{region}:{account}:cluster:*',
      'Resource::arn:<AWS::Partition>:elasticache:{region}:{account}:replicationgroup:securecart-{env}-*',
      'Resource::arn:<AWS::Partition>:elasticache:{region}:{account}:replicationgroup:*',
    ],
    reason:
      "FIS AZ power drill of one zone (cluster/fault-injection/az-power.ts): nodes, FIS's cloned network ACLs, the EBS key and ACK's stores are named at run time. Stop/start only on this cluster's node tags in the template's zone (ec2:AvailabilityZone); network ACLs only with or tagged managedByFIS=true, in this VPC; kms:CreateGrant only via EC2 with kms:GrantIsForAWSResource; failover and Redis power only on this environment's name prefix and ACK tags. '*' only for reads without a resource type, ec2:InjectApiError (no resource type; both FisActionId and FisTargetArns in one statement) and log delivery (no resource type). Cluster and replication group wildcards are Describe calls.",
  },
  {
    stacks: 'regional',
    paths: [POD_DELETE_CONSTRUCT_ID, POD_CPU_STRESS_CONSTRUCT_ID].map((id) => `${DRILLS_CONSTRUCT_ID}/${id}/Role/DefaultPolicy/Resource`),
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::*'],
    reason:
      'FIS EKS pod drills: ec2:DescribeSubnets, tag:GetResources and the CloudWatch Logs log-delivery actions have no resource type in the Service Authorization Reference; eks:DescribeCluster is on this cluster only, and what the pod may do in Kubernetes is the namespaced Role of the charts.',
  },
  {
    stacks: 'global',
    paths: ['CatalogDbSecret/Resource', 'OrdersDbSecret/Resource', 'CheckoutRedisSecret/Resource'],
    rule: 'AwsSolutions-SMG4',
    reason: 'Rotating these credentials must also change the Aurora/ElastiCache password through ACK and roll the pods; until a rotation function does all three, rotation is the runbook procedure in docs/operations.md.',
  },

  // The front door (cluster/front-door/).
  {
    stacks: 'regional',
    paths: [AWS_CUSTOM_RESOURCE_ROLE],
    rule: 'AwsSolutions-IAM4',
    findings: [LAMBDA_BASIC],
    reason:
      "aws-cdk-lib's AwsCustomResource function (deploy-time lookups of AWS-managed prefix list ids, and of the synthetic shopper's function name for its log retention): AWSLambdaBasicExecutionRole only lets it write its own logs.",
  },
  {
    stacks: 'regional',
    paths: ['Prerequisites/AlbSecurityGroups/FromCloudFrontPrefixList/Resource/CustomResourcePolicy/Resource', 'Prerequisites/AlbSecurityGroups/FromHealthCheckersPrefixList/Resource/CustomResourcePolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::*'],
    reason: 'ec2:DescribeManagedPrefixLists, the only action, is a read without resource-level permissions (Service Authorization Reference, Amazon EC2).',
  },
  {
    stacks: 'regional',
    paths: ['Prerequisites/AlbSecurityGroups/FromRegion/Resource'],
    rule: 'AwsSolutions-EC23',
    reason: "Each ingress rule is one of the region's own NAT gateway addresses as a /32 (its Elastic IPs, resolved at deploy time, which cdk-nag cannot read); nothing else, and HTTPS only.",
  },
  {
    stacks: 'regional',
    paths: ['SyntheticShopper/Canary/ServiceRole/Resource'],
    rule: 'AwsSolutions-IAM4',
    findings: [LAMBDA_VPC],
    reason: "aws-cdk-lib attaches AWSLambdaVPCAccessExecutionRole to a canary in a VPC: the network interfaces Lambda needs there (behind CloudFront the shopper must leave through the region's NAT gateways, the only addresses the ALB admits besides CloudFront's).",
  },
  {
    stacks: 'regional',
    paths: ['Prerequisites/Media/Bucket/ReplicationRole/DefaultPolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::<{logicalId}.Arn>/*', 'Resource::arn:<AWS::Partition>:s3:::sc-{env}-media-{account}-{anyRegion}/*'],
    reason: "S3 replication role (aws-cdk-lib's): reads object versions of the home region's media bucket and writes replicas into the other regions' media buckets: every object of exactly those buckets.",
  },
  {
    stacks: 'regional',
    paths: ['Prerequisites/Media/Bucket/Resource'],
    rule: 'AwsSolutions-S1',
    reason: 'Media is read only through CloudFront, whose access logs (edge.cloudFront.accessLogsBucket) record every request; uploads are CloudTrail data events. Server access logs would log CloudFront and replication again.',
  },
  {
    stacks: 'global',
    paths: ['OriginVerify/Rotation/ServiceRole/Resource'],
    rule: 'AwsSolutions-IAM4',
    findings: [LAMBDA_BASIC],
    reason: 'Origin-verify rotation function: AWSLambdaBasicExecutionRole only lets it write its own log group (retained a year).',
  },
  {
    stacks: 'global',
    paths: ['OriginVerify/Rotation/ServiceRole/DefaultPolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: [
      'Resource::*',
      'Resource::arn:<AWS::Partition>:cloudfront::{account}:distribution/*',
      'Resource::arn:<AWS::Partition>:wafv2:{anyRegion}:{account}:regional/managedruleset/*/*',
      'Resource::arn:<AWS::Partition>:wafv2:{anyRegion}:{account}:regional/webacl/*',
      'Resource::arn:<AWS::Partition>:wafv2:{anyRegion}:{account}:regional/webacl/securecart-{env}-{anyRegion}/*',
    ],
    reason:
      "Origin-verify rotation (cluster/origin-verify/rotation.js): secretsmanager:GetRandomPassword and cloudfront:ListDistributions have no resource type; the distribution's id is not known to this stack, so Get/UpdateDistribution require the environment's project and environment tags (aws:ResourceTag); wafv2:ListWebACLs is on regional web ACLs, Get/UpdateWebACL on the environment's named web ACLs (the id is generated), and UpdateWebACL is also authorised against the AWS managed rule groups those web ACLs run.",
  },
  {
    stacks: 'front-door',
    paths: [AWS_CUSTOM_RESOURCE_ROLE],
    rule: 'AwsSolutions-IAM4',
    findings: [LAMBDA_BASIC],
    reason: "aws-cdk-lib's AwsCustomResource function (deploy-time lookups of the regional ALBs by their load balancer controller tags): AWSLambdaBasicExecutionRole only lets it write its own logs.",
  },
  {
    stacks: 'front-door',
    paths: ['Alb-{anyRegion}/Resource/CustomResourcePolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::*'],
    reason: 'tag:GetResources, the only action, has no resource-level permissions (Service Authorization Reference, Resource Groups Tagging API); it only reads tags.',
  },
  {
    stacks: 'front-door',
    paths: ['Distribution/Resource'],
    rule: 'AwsSolutions-CFR1',
    reason: 'The shop sells wherever its customers are: no country is refused at the edge. The web ACL limits paths, runs the managed rules and rate-limits each client.',
  },
  {
    stacks: 'front-door',
    paths: ['Distribution/Resource'],
    rule: 'AwsSolutions-CFR3',
    reason: 'Standard logs need a bucket with ACLs enabled, which the environment names (edge.cloudFront.accessLogsBucket); until it does, the web ACL samples requests and the regional ALBs log theirs.',
  },

  // Log retention (cluster/observability/log-retention.ts).
  {
    stacks: 'health',
    paths: [AWS_CUSTOM_RESOURCE_ROLE],
    rule: 'AwsSolutions-IAM4',
    findings: [LAMBDA_BASIC],
    reason: "aws-cdk-lib's AwsCustomResource function (a deploy-time synthetics:GetCanary of the public shopper, for its function's log retention): AWSLambdaBasicExecutionRole only lets it write its own logs.",
  },
  ...(['regional', 'health'] as const).flatMap((stacks): Acknowledgement[] => [
    {
      stacks,
      paths: [`${LOG_RETENTION_ROLE}/Resource`],
      rule: 'AwsSolutions-IAM4',
      findings: [LAMBDA_BASIC],
      reason: "aws-cdk-lib's LogRetention function, which sets the retention of the log groups the stack causes but cannot declare: AWSLambdaBasicExecutionRole lets it create a missing log group (logs:CreateLogGroup) and write its own logs.",
    },
    {
      stacks,
      paths: [`${LOG_RETENTION_ROLE}/DefaultPolicy/Resource`],
      rule: 'AwsSolutions-IAM5',
      findings: ['Resource::*'],
      reason:
        "aws-cdk-lib's LogRetention function adds logs:PutRetentionPolicy and logs:DeleteRetentionPolicy on * to its role whatever role it is given (aws-cdk-lib 2.261 aws-logs/lib/log-retention.js); the log groups it is given are named by deploy-time tokens (function names) and it calls nothing else.",
    },
  ]),
  // AWS Backup (cluster/data-protection): the plans' role, the restore tests' role and the validator.
  {
    stacks: 'regional',
    paths: ['Backup/Role/Resource'],
    rule: 'AwsSolutions-IAM4',
    findings: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup', 'Policy::arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup'],
    reason:
      "AWS Backup's own service-role policies for backups and for S3 backups: the calls AWS Backup makes on the role's behalf (snapshots, continuous backups, copies, advanced DynamoDB backups) are AWS Backup's, and AWS documents these policies as what a custom backup role needs (AWS Backup Developer Guide, 'Advanced DynamoDB backup': custom roles must include AWSBackupServiceRolePolicyForBackup). The plans select only this environment's clusters, table and media bucket by ARN.",
  },
  {
    stacks: 'regional',
    paths: ['RestoreTesting/Role/Resource'],
    rule: 'AwsSolutions-IAM4',
    findings: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores'],
    reason:
      "AWS Backup restore testing: 'The IAM role you choose for restore testing must contain the permissions found in AWSBackupServiceRolePolicyForRestores' (AWS Backup Developer Guide, Restore testing). Only this plan's restores use it, from this environment's vault.",
  },
  {
    stacks: 'regional',
    paths: ['Backup/Role/DefaultPolicy/Resource', 'RestoreTesting/Role/DefaultPolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*', 'Resource::arn:aws:kms:{anyRegion}:{account}:key/*'],
    reason:
      "The backup vault keys of every region of the environment, which other regions' stacks create (their key ids are unknown here): the statement is limited by kms:ResourceAliases to the vaults' aliases (alias/securecart-<env>-<region>-backup), and to the database key of this region by ARN. GenerateDataKey*/ReEncrypt* are what copying and restoring encrypted recovery points into another key takes.",
  },
  {
    stacks: 'regional',
    paths: ['RestoreTesting/Validator/ServiceRole/Resource'],
    rule: 'AwsSolutions-IAM4',
    findings: [LAMBDA_BASIC],
    reason: 'Restore-test validator: AWSLambdaBasicExecutionRole only lets it write its own log group.',
  },
  {
    stacks: 'regional',
    paths: ['RestoreTesting/Validator/ServiceRole/DefaultPolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::*', 'Resource::arn:aws:dynamodb:{region}:{account}:table/awsbackup-restore-test*', 'Resource::arn:aws:rds:{region}:{account}:cluster:awsbackup-restore-test*', 'Action::kms:GenerateDataKey*'],
    reason:
      "Restore-test validator: backup:PutRestoreValidationResult has no resource type (Service Authorization Reference, AWS Backup); the restored clusters and tables have random names AWS Backup gives them, all starting with awsbackup-restore-test ('Restore testing inferred metadata'), so the describe/scan calls are limited to that prefix; GenerateDataKey* on the alert topic's key only, to publish a failed validation.",
  },

  // The transit stacks' attachment waiter (cluster/network/transit-attachment-provider.ts): aws-cdk-lib's
  // asynchronous provider framework around two inline handlers that read (and accept) attachments.
  {
    stacks: 'transit',
    paths: ['TransitAttachmentProvider/Role/DefaultPolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::*'],
    reason:
      'ec2:DescribeTransitGatewayAttachments, the only action on *, has no resource-level permissions (Service Authorization Reference, Amazon EC2); the accept is granted on each peering attachment ARN, and the logs on the waiter\'s own log group.',
  },
  {
    stacks: 'transit',
    paths: ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout'].map((f) => `TransitAttachmentProvider/Provider/${f}/ServiceRole/Resource`),
    rule: 'AwsSolutions-IAM4',
    findings: [LAMBDA_BASIC],
    reason: "aws-cdk-lib's provider framework functions (they only invoke the waiter's two handlers and answer CloudFormation): AWSLambdaBasicExecutionRole only lets them write their own logs.",
  },
  {
    stacks: 'transit',
    paths: [
      ...['framework-onEvent', 'framework-isComplete', 'framework-onTimeout'].map((f) => `TransitAttachmentProvider/Provider/${f}/ServiceRole/DefaultPolicy/Resource`),
      'TransitAttachmentProvider/Provider/waiter-state-machine/Role/DefaultPolicy/Resource',
    ],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::<{logicalId}.Arn>:*'],
    reason: "lambda:InvokeFunction on the framework's and the waiter's own functions and their versions (<function ARN>:*), as aws-cdk-lib's provider framework grants it; no other function.",
  },
  {
    stacks: 'transit',
    paths: ['TransitAttachmentProvider/Provider/waiter-state-machine/Role/DefaultPolicy/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::*'],
    reason:
      "The CloudWatch Logs delivery actions Step Functions needs to log to a log group (logs:CreateLogDelivery, GetLogDelivery, PutResourcePolicy...) support no resource-level permissions ('Logging using CloudWatch Logs', AWS Step Functions Developer Guide); aws-cdk-lib's waiter grants them with its logging.",
  },
  {
    stacks: 'transit',
    paths: ['TransitAttachmentProvider/Provider/waiter-state-machine/Resource'],
    rule: 'AwsSolutions-SF2',
    reason: "The waiter only loops a Lambda call every 20 seconds until an attachment is available; every step is in its log (level ALL), and X-Ray would trace the same two calls. aws-cdk-lib's provider framework has no tracing option.",
  },

  // The ARC Region switch plan's execution role (cluster/region-switch/execution-role.ts).
  {
    stacks: 'region-switch',
    paths: ['ExecutionRole/Role/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::arn:aws:arc-region-switch::{account}:plan/securecart-{env}:*'],
    reason:
      "This plan only: ARC appends an id of 6 characters it chooses at creation to the plan's ARN (plan/<name>:<id>, API_StartPlanExecution), so the role cannot name it without referring to the plan, which refers to the role. The ARC guide's sample grants GetPlan, GetPlanExecution and ListPlanExecutions on '*'.",
  },
  {
    stacks: 'region-switch',
    paths: ['ExecutionRole/Role/Resource'],
    rule: 'AwsSolutions-IAM5',
    findings: ['Resource::arn:aws:eks:{anyRegion}:{account}:access-entry/securecart-{env}-{anyRegion}/role/{account}/securecart-{env}-region-switch/*'],
    reason:
      "eks:ListAssociatedAccessPolicies on the role's own access entry in each cluster: EKS ends an access entry's ARN with a UUID it assigns (access-entry/<cluster>/role/<account>/<role>/<uuid>, Service Authorization Reference, Amazon EKS). The ARC guide's sample grants access-entry/<cluster>/*, every principal's entry.",
  },
];
