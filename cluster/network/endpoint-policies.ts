/**
 * VPC endpoint policies: this account's data perimeter on every endpoint that accepts a policy.
 *
 * The base statement lets a principal of this account reach a resource of this account and nothing
 * else (AWS's "AllowRequestsByOrgsIdentitiesToOrgsResources", narrowed from the organization to the
 * account: aws-samples/data-perimeter-policy-examples vpc_endpoint_policies/default_endpoint_policy.json).
 * A call whose request has no principal account, or whose resource AWS owns, would be denied by it; the
 * exceptions below are exactly the ones the cluster's callers (config/network.ts INTERFACE_ENDPOINTS)
 * make, each scoped to its action and resources, with the source that shows the call and its owner.
 *
 * An endpoint policy grants nothing: it is the most a request through the endpoint may do, on top of
 * the caller's own IAM policy (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
 */
import * as iam from 'aws-cdk-lib/aws-iam';
// The EKS add-on image registry of each region, as Blueprints itself uses it (not re-exported by the package).
import { registries as EKS_ADDON_REGISTRIES } from '@aws-quickstart/eks-blueprints/dist/utils/registry-utils';
import { GatewayEndpointService } from '../../config/network';

/** Where a policy applies: the account whose perimeter it is, and the endpoint's region. */
export interface PerimeterScope {
  readonly account: string;
  readonly region: string;
}

/** The statement ids of the policies: the base one and each named exception (tests assert each). */
export const PERIMETER_SIDS = {
  /** This account's principals to this account's resources. */
  account: 'AccountPrincipalsToAccountResources',
  /** sts: IRSA's AssumeRoleWithWebIdentity, made with no AWS principal. */
  webIdentity: 'IrsaAssumeRoleWithWebIdentity',
  /** ecr.api: GetAuthorizationToken, which names no resource. */
  ecrToken: 'EcrAuthorizationToken',
  /** ecr.api, ecr.dkr: EKS add-on images (VPC CNI, kube-proxy, CoreDNS...) in EKS' own registry. */
  eksAddOnImages: 'EksAddOnImagesFromAwsRegistry',
  /** ec2: Karpenter launches the EKS-optimised AMIs, which Amazon owns. */
  awsAmis: 'LaunchFromAwsOwnedAmis',
  /** ssm: Karpenter reads the AMI ids from AWS-owned public parameters. */
  awsParameters: 'ReadAwsPublicEksParameters',
  /** s3: ECR's image layers, downloaded with presigned URLs of an ECR-owned account. */
  ecrLayers: 'EcrImageLayersFromAwsBucket',
  /** s3: custom resources in the VPC answer CloudFormation through its presigned URLs. */
  cfnResponses: 'CloudFormationCustomResourceResponses',
  /** s3: registry.k8s.io sends clients in AWS to image layers in the Kubernetes project's bucket of their region. */
  kubernetesRegistryLayers: 'KubernetesRegistryImageLayers',
} as const;

/** The base statement: Principal "*" limited, by both conditions, to this account on both sides. */
export function accountPerimeter(scope: PerimeterScope): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: PERIMETER_SIDS.account,
    principals: [new iam.AnyPrincipal()],
    actions: ['*'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:PrincipalAccount': scope.account, 'aws:ResourceAccount': scope.account } },
  });
}

/** The account of the EKS add-on image registry in a region (`<account>.dkr.ecr.<region>.amazonaws.com`). */
export function eksAddOnRegistryAccount(region: string): string {
  const registry = EKS_ADDON_REGISTRIES.get(region);
  if (!registry) throw new Error(`region "${region}" has no known EKS add-on image registry: add it to the ecr endpoint policies (https://docs.aws.amazon.com/eks/latest/userguide/add-ons-images.html)`);
  return registry.split('.')[0];
}

/** The exceptions of an interface endpoint's service (none for most). */
function interfaceExceptions(service: string, scope: PerimeterScope): iam.PolicyStatement[] {
  const { account, region } = scope;
  const any = [new iam.AnyPrincipal()];
  const ourPrincipals = { StringEquals: { 'aws:PrincipalAccount': account } };
  switch (service) {
    case 'sts':
      // IRSA: the pod's SDK calls AssumeRoleWithWebIdentity with its service account token and no AWS
      // credentials, so the request has no aws:PrincipalAccount (data-perimeter-policy-examples
      // resource_control_policies/README.md: "aws:PrincipalOrgID ... is not the case with federated
      // users; therefore sts:AssumeRoleWithWebIdentity [is] not listed"). The role is the resource:
      // only this account's roles. Who may assume each role stays in its trust policy (OIDC sub and aud).
      return [
        new iam.PolicyStatement({
          sid: PERIMETER_SIDS.webIdentity,
          principals: any,
          actions: ['sts:AssumeRoleWithWebIdentity'],
          resources: [`arn:aws:iam::${account}:role/*`],
          conditions: { StringEquals: { 'aws:ResourceAccount': account } },
        }),
      ];
    case 'ecr.api':
    case 'ecr.dkr': {
      // The EKS add-ons' images (VPC CNI and its network policy agent, kube-proxy, CoreDNS, CloudWatch
      // observability) are in EKS' registry account of the region, pulled by the node roles
      // (data-perimeter-policy-examples service_owned_resources.md, "Amazon ECR repository", and
      // vpc_endpoint_policies/ecr.api_endpoint_policy.json "AllowRequestsByOrgsIdentitiesToAWSResources":
      // aws:ResourceAccount = <ecr-account-id>; accounts: eks-blueprints 1.19.0 dist/utils/registry-utils.js).
      const addOnImages = new iam.PolicyStatement({
        sid: PERIMETER_SIDS.eksAddOnImages,
        principals: any,
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        resources: [`arn:aws:ecr:${region}:${eksAddOnRegistryAccount(region)}:repository/*`],
        conditions: { StringEquals: { 'aws:PrincipalAccount': account, 'aws:ResourceAccount': eksAddOnRegistryAccount(region) } },
      });
      if (service === 'ecr.dkr') return [addOnImages];
      // GetAuthorizationToken names no resource (Service Authorization Reference for ECR: no resource
      // type), so whether aws:ResourceAccount is set for it is not documented; AWS's ecr.api example has no
      // statement for it. Every pull starts with it (the kubelet's credential provider), so it is allowed
      // for this account's principals explicitly. The token reads nothing by itself: BatchGetImage and
      // GetDownloadUrlForLayer still need one of the statements above.
      return [
        new iam.PolicyStatement({ sid: PERIMETER_SIDS.ecrToken, principals: any, actions: ['ecr:GetAuthorizationToken'], resources: ['*'], conditions: ourPrincipals }),
        addOnImages,
      ];
    }
    case 'ec2':
      // Karpenter launches nodes from the EKS-optimised AMI, owned by Amazon, with its snapshot: its
      // CreateFleet / RunInstances are authorized on arn:aws:ec2:<region>::image/* and ::snapshot/*
      // (eks-blueprints 1.19.0 dist/addons/karpenter/iam.js "AllowScopedEC2InstanceActions";
      // data-perimeter-policy-examples vpc_endpoint_policies/ec2_endpoint_policy.json
      // "AllowRequestsByOrgsIdentitiesToAWSResources": ec2:RunInstances on arn:aws:ec2:*::image/*).
      return [
        new iam.PolicyStatement({
          sid: PERIMETER_SIDS.awsAmis,
          principals: any,
          actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
          resources: [`arn:aws:ec2:${region}::image/*`, `arn:aws:ec2:${region}::snapshot/*`],
          conditions: ourPrincipals,
        }),
      ];
    case 'ssm':
      // Karpenter resolves the EC2NodeClass's AMI alias with ssm:GetParameter on AWS's public parameters
      // (/aws/service/eks/optimized-ami/..., owned by AWS: no account in the ARN): eks-blueprints 1.19.0
      // dist/addons/karpenter/iam.js "AllowSSMReadActions" (parameter/aws/service/*);
      // data-perimeter-policy-examples vpc_endpoint_policies/ssm_endpoint_policy.json (parameter/aws/*).
      // Narrowed to EKS' parameters, the only ones read here.
      return [
        new iam.PolicyStatement({
          sid: PERIMETER_SIDS.awsParameters,
          principals: any,
          actions: ['ssm:GetParameter', 'ssm:GetParameters'],
          resources: [`arn:aws:ssm:${region}::parameter/aws/service/eks/*`],
          conditions: ourPrincipals,
        }),
      ];
    default:
      return [];
  }
}

/** The policy statements of an interface endpoint to `com.amazonaws.<region>.<service>`. */
export function interfaceEndpointPolicy(service: string, scope: PerimeterScope): iam.PolicyStatement[] {
  return [accountPerimeter(scope), ...interfaceExceptions(service, scope)];
}

/** The policy statements of a gateway endpoint. */
export function gatewayEndpointPolicy(service: GatewayEndpointService, scope: PerimeterScope): iam.PolicyStatement[] {
  if (service !== 's3') return [accountPerimeter(scope)];
  const { region } = scope;
  return [
    accountPerimeter(scope),
    // ECR's image layers: GetDownloadUrlForLayer answers with a URL presigned by an ECR-owned account
    // on an ECR-owned bucket, so neither the principal nor the resource is this account's. No principal
    // condition can hold; the statement is limited to reading that bucket
    // (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-minimum-s3-perms;
    // data-perimeter-policy-examples service_owned_resources.md and s3_endpoint_policy.json
    // "AllowRequestsToAWSOwnedResources", which has no condition either).
    new iam.PolicyStatement({
      sid: PERIMETER_SIDS.ecrLayers,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject'],
      resources: [`arn:aws:s3:::prod-${region}-starport-layer-bucket/*`],
    }),
    // The kubectl provider's functions run in this VPC (aws-cdk-lib places them there when the cluster
    // endpoint is restricted) and answer CloudFormation with a PUT to a URL that the CloudFormation
    // service principal presigned on its own bucket; without this a deploy waits an hour for the answer
    // (data-perimeter-policy-examples service_owned_resources.md "AWS CloudFormation": requests "originate
    // from your VPC"; s3_endpoint_policy.json lists both buckets). Limited to writing those buckets.
    new iam.PolicyStatement({
      sid: PERIMETER_SIDS.cfnResponses,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [`arn:aws:s3:::cloudformation-custom-resource-response-${region.replace(/-/g, '')}/*`, `arn:aws:s3:::cloudformation-waitcondition-${region}/*`],
    }),
    // registry.k8s.io (external-dns, metrics-server and the descheduler come from it) answers a blob
    // request from an AWS address with a redirect to the Kubernetes project's public bucket of that
    // region, prod-registry-k8s-io-<region> (kubernetes/registry.k8s.io cmd/archeio, the AWS region to
    // S3 URL mapping; kubernetes/k8s.io#3693 "Use prod buckets"): an anonymous read, of a bucket that is
    // neither ours nor AWS's, which the gateway route now carries (a VPC endpoint policy blocking it made
    // pulls fail with 403: prometheus-community/helm-charts#2421). Limited to reading that one bucket;
    // another region's bucket is not reached through this endpoint.
    new iam.PolicyStatement({
      sid: PERIMETER_SIDS.kubernetesRegistryLayers,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject'],
      resources: [`arn:aws:s3:::prod-registry-k8s-io-${region}/*`],
    }),
  ];
}
