/**
 * Every AWS Control Tower control (cfn-guard) finding the platform accepts, per resource, with the
 * reason. Anything the controls find that is not listed here fails the tests, and so does an entry that
 * matches nothing (test/cluster.test.ts).
 */

import { windowAlarmIds } from './observability/slo-alarms';

/** Which templates: the stacks by kind, or the nested stacks aws-cdk-lib's EKS module creates. */
export type GuardTemplateKind = 'regional' | 'transit' | 'global' | 'health' | 'front-door' | 'region-switch' | 'eks-cluster-resource-provider' | 'eks-kubectl-provider';

export interface GuardAcknowledgement {
  readonly templates: GuardTemplateKind;
  /** Control id, e.g. CT.LAMBDA.PR.3. */
  readonly control: string;
  /** Logical ids without CDK's 8-character hash suffix. */
  readonly resources: string[];
  readonly reason: string;
}

/** The kind of a synthesized template file. */
export function guardTemplateKind(file: string): GuardTemplateKind {
  if (/ClusterResourceProvider[0-9A-F]{8}\.nested\.template\.json$/.test(file)) return 'eks-cluster-resource-provider';
  if (/KubectlProvider[0-9A-F]{8}\.nested\.template\.json$/.test(file)) return 'eks-kubectl-provider';
  if (file.endsWith('-global.template.json')) return 'global';
  if (file.endsWith('-health.template.json')) return 'health';
  if (file.endsWith('-region-switch.template.json')) return 'region-switch';
  if (file.endsWith('-transit.template.json')) return 'transit';
  if (file.endsWith('-edge.template.json') || file.endsWith('-accelerator.template.json')) return 'front-door';
  return 'regional';
}

const IN_VPC_BY_PARAMETER =
  "In the cluster's private subnets and security group (aws-cdk-lib places the EKS handlers in the VPC when the API endpoint is restricted), passed in as nested-stack parameters, which the control cannot resolve to an AWS::EC2::Subnet or SecurityGroup of the template.";

/** Logical ids (without hash) of the SLO window alarms under a SloAlarms construct of this id. */
const sloWindowAlarms = (constructId: string) => windowAlarmIds().map((id) => `${constructId}${id.replace(/[^A-Za-z0-9]/g, '')}`);
const SLO_WINDOW_ALARMS =
  'SLO burn-rate window alarms (cluster/observability/slo-alarms.ts): each one window of a multi-window pair; the composite alarms that combine them (long and short window both burning) carry the page and ticket actions. Actions here would notify on every window that crosses, the noise multi-window alerting exists to avoid.';

/** The synthetic shoppers' run-artifact buckets, by control. */
const SHOPPER_ARTIFACTS: Record<string, string> = {
  'CT.S3.PR.2': 'Synthetic shopper run artifacts (as cdk-nag S1): private, TLS only, written by the canary role alone and expired after 14 days; access logs of them would add nothing an investigation needs.',
  'CT.S3.PR.4': 'Nothing reacts to new run artifacts: failures are seen through the canary alarm, not through bucket events.',
  'CT.S3.PR.9': 'Run artifacts are disposable and expire after 14 days; object lock would keep them for no one.',
};

export const GUARD_ACKNOWLEDGEMENTS: GuardAcknowledgement[] = [
  { templates: 'regional', control: 'CT.CLOUDWATCH.PR.1', resources: sloWindowAlarms('Slo'), reason: SLO_WINDOW_ALARMS },
  { templates: 'health', control: 'CT.CLOUDWATCH.PR.1', resources: sloWindowAlarms('PublicSlo'), reason: SLO_WINDOW_ALARMS },
  {
    templates: 'regional',
    control: 'CT.LAMBDA.PR.3',
    resources: ['AWSCDKCfnUtilsProviderCustomResourceProviderHandler', 'CustomAWSCDKOpenIdConnectProviderCustomResourceProviderHandler'],
    reason:
      "aws-cdk-lib's own deploy-time handlers (the cluster's IAM OIDC provider and CloudFormation helpers): they call only AWS APIs while CloudFormation runs and hold no data; in the VPC they would depend on NAT for nothing.",
  },
  {
    templates: 'eks-kubectl-provider',
    control: 'CT.LAMBDA.PR.3',
    resources: ['Handler', 'ProviderframeworkonEvent'],
    reason: IN_VPC_BY_PARAMETER,
  },
  {
    templates: 'eks-cluster-resource-provider',
    control: 'CT.LAMBDA.PR.3',
    resources: ['OnEventHandler', 'IsCompleteHandler', 'ProviderframeworkonEvent', 'ProviderframeworkisComplete', 'ProviderframeworkonTimeout'],
    reason: "aws-cdk-lib's EKS cluster-resource handlers: they call the EKS API while CloudFormation creates or updates the cluster, and hold no data.",
  },
  {
    templates: 'eks-cluster-resource-provider',
    control: 'CT.STEPFUNCTIONS.PR.1',
    resources: ['Providerwaiterstatemachine'],
    reason: "aws-cdk-lib's provider-framework waiter, which polls the cluster's creation; its handlers log to CloudWatch Logs themselves.",
  },
  {
    templates: 'eks-cluster-resource-provider',
    control: 'CT.STEPFUNCTIONS.PR.2',
    resources: ['Providerwaiterstatemachine'],
    reason: "aws-cdk-lib's provider-framework waiter: a deploy-time poll loop with nothing to trace.",
  },
  {
    templates: 'regional',
    control: 'CT.SQS.PR.1',
    resources: ['karpenterqueue'],
    reason: 'Karpenter interruption queue (as cdk-nag SQS3): EventBridge notices are consumed or expire in 5 minutes; a failed notice is superseded by the next one, so a dead-letter queue would hold nothing actionable.',
  },
  // Run artifacts of the synthetic shoppers: each region's and the public one's.
  ...Object.entries(SHOPPER_ARTIFACTS).flatMap(([control, reason]) =>
    (
      [
        ['regional', 'SyntheticShopperArtifacts'],
        ['health', 'PublicShopperArtifacts'],
      ] as const
    ).map(([templates, resource]) => ({ templates, control, resources: [resource], reason })),
  ),

  {
    templates: 'regional',
    control: 'CT.LAMBDA.PR.3',
    resources: ['RestoreTestingValidator'],
    reason:
      'The restore-test validator (cluster/data-protection/restore-testing.ts) calls only AWS APIs (RDS and DynamoDB describe, AWS Backup, SNS) on resources AWS Backup restored, and holds no data; in the VPC it would depend on NAT for nothing.',
  },
  // The front door (cluster/front-door/).
  {
    templates: 'regional',
    control: 'CT.LAMBDA.PR.3',
    resources: ['AWS679f53fac002430cb0da5b7982bd2287'],
    reason:
      "aws-cdk-lib's AwsCustomResource function: it looks up AWS-managed prefix list ids and the synthetic shopper's function name (for its log retention) while CloudFormation runs and holds no data; in the VPC it would depend on NAT for nothing.",
  },
  {
    templates: 'front-door',
    control: 'CT.LAMBDA.PR.3',
    resources: ['AWS679f53fac002430cb0da5b7982bd2287'],
    reason: "aws-cdk-lib's AwsCustomResource function: it looks up the regional ALBs by tag while CloudFormation runs; the front door's stack has no VPC.",
  },
  {
    templates: 'global',
    control: 'CT.LAMBDA.PR.3',
    resources: ['OriginVerifyRotation'],
    reason: 'The origin-verify rotation function calls only AWS APIs (Secrets Manager, WAF in each region, CloudFront) and holds no data; the global stack has no VPC.',
  },
  {
    templates: 'regional',
    control: 'CT.S3.PR.10',
    resources: ['PrerequisitesMediaBucket'],
    reason: "Product media is encrypted with S3-managed keys: CloudFront's origin access control cannot decrypt with the AWS-managed S3 KMS key, and the images are the catalogue's public pictures, for which a customer key adds cost and a key policy to keep in step with the distribution.",
  },
  {
    templates: 'regional',
    control: 'CT.S3.PR.2',
    resources: ['PrerequisitesMediaBucket'],
    reason: 'Media is read only through CloudFront, whose access logs record every request (edge.cloudFront.accessLogsBucket); server access logs would log CloudFront and replication again.',
  },
  {
    templates: 'regional',
    control: 'CT.S3.PR.4',
    resources: ['PrerequisitesMediaBucket'],
    reason: 'Nothing reacts to new media: S3 replication copies it to the other regions, and CloudFront reads it on demand.',
  },
  {
    templates: 'regional',
    control: 'CT.S3.PR.9',
    resources: ['PrerequisitesMediaBucket'],
    reason: 'Product images are replaced when the catalogue changes; versioning keeps replaced ones 90 days, and the other regions hold replicas. Object lock would forbid deleting a withdrawn image.',
  },
  {
    templates: 'front-door',
    control: 'CT.CLOUDFRONT.PR.1',
    resources: ['Distribution'],
    reason: "The root is ui's home page (HomeController GET /), served by the origin; a default root object would rewrite / to an object name ui does not serve.",
  },
  {
    templates: 'front-door',
    control: 'CT.CLOUDFRONT.PR.5',
    resources: ['Distribution'],
    reason: 'Standard logs need a bucket with ACLs enabled, which the environment names (edge.cloudFront.accessLogsBucket); until it does, the web ACL samples requests and the regional ALBs log theirs.',
  },

  // Log retention (cluster/observability/log-retention.ts).
  {
    templates: 'health',
    control: 'CT.LAMBDA.PR.3',
    resources: ['AWS679f53fac002430cb0da5b7982bd2287'],
    reason: "aws-cdk-lib's AwsCustomResource function: it reads the public shopper's function name (synthetics:GetCanary) while CloudFormation runs and holds no data; the health stack has no VPC.",
  },
  ...(['regional', 'health'] as const).map(
    (templates): GuardAcknowledgement => ({
      templates,
      control: 'CT.LAMBDA.PR.3',
      resources: ['LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a'],
      reason: "aws-cdk-lib's LogRetention function: it sets log groups' retention through the CloudWatch Logs API while CloudFormation runs and holds no data; in the VPC it would depend on NAT for nothing (the health stack has no VPC).",
    }),
  ),

  // The transit stacks' attachment waiter (cluster/network/transit-attachment-provider.ts).
  {
    templates: 'transit',
    control: 'CT.LAMBDA.PR.3',
    resources: ['TransitAttachmentProviderOnEvent', 'TransitAttachmentProviderIsComplete', 'TransitAttachmentProviderframeworkonEvent', 'TransitAttachmentProviderframeworkisComplete', 'TransitAttachmentProviderframeworkonTimeout'],
    reason:
      "The Transit Gateway attachment waiter and aws-cdk-lib's provider framework around it: they call the EC2 API of this and the peer region while CloudFormation runs and hold no data; the transit stack has no VPC of its own, and in the regional VPC they would depend on its NAT, and on the stack that owns it, for nothing.",
  },
  {
    templates: 'transit',
    control: 'CT.STEPFUNCTIONS.PR.2',
    resources: ['TransitAttachmentProviderwaiterstatemachine'],
    reason: "aws-cdk-lib's provider framework waiter (as cdk-nag SF2): it loops one Lambda call until an attachment is available, every step logged (level ALL); the framework has no tracing option.",
  },
];
