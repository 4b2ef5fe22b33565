import { App, CfnResource, Duration, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as blueprints from '@aws-quickstart/eks-blueprints';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_SECRET_KEY, originVerifySecretName } from '../config/front-door';
import { cacheRegistry, throughCache } from '../config/network';
import { regionalStackName } from '../config/outputs';
import { PlatformConfig, RegionConfig } from '../config/schema';
import { ackElastiCachePolicy, ackRdsKeyStatement, ackRdsPolicy } from './ack-policies';
import { CredentialsSyncAddOn } from './addons/credentials-sync';
import { DeschedulerAddOn } from './addons/descheduler';
import { ackValues, argoCdValues, coreDnsConfiguration, deschedulerValues, externalDnsValues, externalSecretsValues, karpenterValues, kedaValues, loadBalancerControllerValues, metricsServerValues } from './addons/high-availability';
import { GitOpsBootstrapAddOn } from './addons/gitops-bootstrap';
import { healthCustomizations } from './addons/gitops-bootstrap/health-checks';
import { dataSubnetGroupName } from '../config/data-access';
import { RegionalBackup, RestoreTesting } from './data-protection';
import { addRegionalDrills } from './fault-injection';
import { addKarpenterNodeClass } from './karpenter-node-class';
import { albTags, CREDENTIALS, clusterName, commonTags, regionalHostname, regionalShopperName, secretName, secretPrefix, shopperAlarmName, shopperEmail } from './naming';
import { AlertTopic } from './observability/alert-topic';
import { RegionalDashboard } from './observability/regional-dashboard';
import { PlatformLogRetention } from './observability/log-retention';
import { SloAlarms } from './observability/slo-alarms';
import { RegionalAlarms } from './regional-alarms';
import { RegionalPrerequisites } from './regional-prerequisites';
import { clusterNodeRoles } from './network/image-cache';
import { RegionalNetwork } from './network/regional-network';
import { SyntheticShopper } from './synthetic-shopper';
import { ShopVpcProvider, SUBNET_TIERS } from './vpc-provider';

/**
 * Versions pinned on purpose: `auto` asks the EKS API at synth (credentials, network), and a pinned
 * version changes only through a reviewed commit. Helm chart versions are the ones this Blueprints
 * release (1.19.0) ships as defaults, i.e. tested with it; Karpenter and the ACK controllers instead
 * match the CRDs the rendered manifests are validated against (Karpenter 1.14.1, ACK RDS 1.11.1,
 * ElastiCache 1.8.0). External DNS chart 1.21.1 is external-dns v0.21: it reads the
 * `external-dns.alpha.kubernetes.io/` annotation prefix.
 */
export const VERSIONS = {
  kubernetes: { '1.33': eks.KubernetesVersion.V1_33, '1.34': eks.KubernetesVersion.V1_34 },
  vpcCni: 'v1.20.4-eksbuild.2',
  coreDns: 'v1.12.4-eksbuild.1',
  kubeProxy: { '1.33': 'v1.33.5-eksbuild.2', '1.34': 'v1.34.1-eksbuild.2' },
  cloudWatchObservability: 'v4.10.1-eksbuild.1',
  karpenter: '1.14.1',
  /**
   * EKS-optimised AL2023 AMI release Karpenter nodes run; bump deliberately (nodes drift to it). It
   * must be a published amazon-eks-ami release that built AMIs for the cluster's Kubernetes version
   * (cluster/upstream/amazon-eks-ami-releases.json; test/cluster.test.ts checks it): an alias that
   * resolves to no SSM parameter leaves the EC2NodeClass not Ready and Karpenter launches nothing.
   */
  karpenterAmiAlias: 'al2023@v20260714',
  ackRds: '1.11.1',
  ackElastiCache: '1.8.0',
  externalDns: '1.21.1',
  externalSecrets: '2.7.0',
  metricsServer: '3.13.1',
  awsLoadBalancerController: '3.4.0',
  argoCd: '10.1.2',
  descheduler: '0.34.0',
  /** KEDA chart 2.20.1 = KEDA 2.20.1 (kedacore/charts keda/Chart.yaml at v2.20.1), the Blueprints 1.19.0 default. */
  keda: '2.20.1',
} as const;

/** The AWS Load Balancer Controller image chart 3.4.0 ships with (its appVersion). */
export const LOAD_BALANCER_CONTROLLER_IMAGE = { repository: 'public.ecr.aws/eks/aws-load-balancer-controller', tag: 'v3.4.0' } as const;

/**
 * The add-ons whose images are on Amazon ECR Public: the id Blueprints provisions each under (`addOn`),
 * the chart value that names the repository, and its default. Only the repository is overridden:
 * tag and digest stay the chart's (karpenter-provider-aws v1.14.1 charts/karpenter/values.yaml:127 and
 * templates/_helpers.tpl:70-76 `repository:tag@digest`; rds-controller v1.11.1 and elasticache-controller
 * v1.8.0 helm/values.yaml:6 and helm/templates/deployment.yaml:103 `repository:tag`).
 */
export const PUBLIC_ECR_ADD_ON_IMAGES = {
  karpenter: { addOn: blueprints.addons.KarpenterV1AddOn.name, repository: 'public.ecr.aws/karpenter/controller', value: (repository: string) => ({ controller: { image: { repository } } }) },
  'ack-rds': { addOn: 'ack-rds', repository: 'public.ecr.aws/aws-controllers-k8s/rds-controller', value: (repository: string) => ({ image: { repository } }) },
  'ack-elasticache': { addOn: 'ack-elasticache', repository: 'public.ecr.aws/aws-controllers-k8s/elasticache-controller', value: (repository: string) => ({ image: { repository } }) },
} as const;

export interface RegionalStack {
  readonly stack: blueprints.EksBlueprint;
  readonly prerequisites: RegionalPrerequisites;
  readonly backups: RegionalBackup;
}

/**
 * One region: VPC, EKS cluster with its add-ons, and the prerequisites of the data tier and the edge.
 * The stack is named `securecart-<env>-<region>`.
 */
export async function buildRegionalStack(app: App, config: PlatformConfig, region: RegionConfig): Promise<RegionalStack> {
  const name = clusterName(config, region.name);
  const k8sVersion = VERSIONS.kubernetes[config.kubernetesVersion];
  const secretArns = `arn:aws:secretsmanager:${region.name}:${config.accountId}:secret:${secretPrefix(config)}*`;
  // Add-on images from ECR Public come through the region's pull-through cache when it is on
  // (config network.pullThroughCache; cluster/network/image-cache.ts): a node replacing a controller's
  // pod in a zone whose NAT gateway is down still starts it. The cache rule and the node roles' right to
  // import are in this stack; the charts are installed after them (below).
  const imageRegistry = config.network.pullThroughCache.enabled ? cacheRegistry(config.accountId, region.name, config.network.pullThroughCache.prefix) : undefined;
  const cachedImage = (id: keyof typeof PUBLIC_ECR_ADD_ON_IMAGES) =>
    imageRegistry ? PUBLIC_ECR_ADD_ON_IMAGES[id].value(throughCache(PUBLIC_ECR_ADD_ON_IMAGES[id].repository, imageRegistry)) : {};

  const clusterProvider = new blueprints.GenericClusterProvider({
    version: k8sVersion,
    clusterName: name,
    endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...config.cluster.publicEndpointCidrs),
    // The EKS API beside aws-auth: ARC Region switch scales the shop through an access entry
    // (cluster/region-switch), which CONFIG_MAP clusters cannot have. An in-place update of an existing
    // cluster, and one-way (EKS allows no return to CONFIG_MAP). aws-auth keeps working (node roles, the
    // drills' mappings); the masters role moves to an access entry with AmazonEKSClusterAdminPolicy.
    authenticationMode: eks.AuthenticationMode.API_AND_CONFIG_MAP,
    // Blueprints' default masters role trusts the whole account; this one trusts the operators' role only.
    mastersRole: blueprints.getResource(
      (context) => new iam.Role(context.scope, 'ClusterAdminRole', { assumedBy: new iam.ArnPrincipal(config.cluster.adminRoleArn), description: `cluster-admin of ${name}` }),
    ),
    tags: commonTags(config),
    managedNodeGroups: [
      {
        // System pods only need a small, always-on floor spread over every AZ; Karpenter runs the shop.
        id: 'system',
        instanceTypes: [new ec2.InstanceType(config.cluster.systemNodes.instanceType)],
        amiType: eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
        minSize: config.cluster.systemNodes.minSize,
        desiredSize: config.cluster.systemNodes.minSize,
        maxSize: config.cluster.systemNodes.maxSize,
        nodeGroupSubnets: { subnetGroupName: SUBNET_TIERS.private },
        labels: { 'securecart.io/node-role': 'system' },
        launchTemplate: {
          requireImdsv2: true,
          httpPutResponseHopLimit: 1,
          blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(50, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
          tags: commonTags(config),
        },
      },
    ],
  });

  const addOns: blueprints.ClusterAddOn[] = [
    new blueprints.addons.VpcCniAddOn({ version: VERSIONS.vpcCni, enableNetworkPolicy: true }),
    new blueprints.addons.CoreDnsAddOn(VERSIONS.coreDns, { configurationValues: coreDnsConfiguration() }),
    new blueprints.addons.KubeProxyAddOn(VERSIONS.kubeProxy[config.kubernetesVersion]),
    new blueprints.addons.AwsLoadBalancerControllerAddOn({
      version: VERSIONS.awsLoadBalancerController,
      enableWafv2: true,
      // Blueprints points the image at a regional private ECR repository (602401143452.dkr.ecr...), which
      // needs authenticated pulls and does not publish every 3.x release; the chart's own default, the
      // one upstream releases and tests, is public ECR (aws/eks-charts stable/aws-load-balancer-controller
      // values.yaml at chart 3.4.0: public.ecr.aws/eks/aws-load-balancer-controller, tag v3.4.0).
      values: { image: { repository: throughCache(LOAD_BALANCER_CONTROLLER_IMAGE.repository, imageRegistry), tag: LOAD_BALANCER_CONTROLLER_IMAGE.tag }, ...loadBalancerControllerValues() },
    }),
    new blueprints.addons.MetricsServerAddOn({ version: VERSIONS.metricsServer, values: metricsServerValues() }),
    new DeschedulerAddOn({ version: VERSIONS.descheduler, namespaces: [config.namespace], values: deschedulerValues() }),
    // The shop's autoscaling (ScaledObjects: CPU, memory and scheduled floors). No IRSA role: the cpu,
    // memory and cron scalers call no AWS API, and with irsaRoles empty the chart creates the operator's
    // service account without one (eks-blueprints 1.19.0 dist/addons/keda/index.js deploy, populateValues).
    new blueprints.addons.KedaAddOn({ version: VERSIONS.keda, irsaRoles: [], values: kedaValues() }),
    new blueprints.addons.KarpenterV1AddOn({
      version: VERSIONS.karpenter,
      interruptionHandling: true,
      values: { ...karpenterValues(), ...cachedImage('karpenter') },
      // No nodePoolSpec or ec2NodeClassSpec: the NodePools are in the charts (charts/platform-chart.ts),
      // so an impaired zone leaves them with one git change, and the EC2NodeClass is added below.
    }),
    new blueprints.addons.ExternalDnsAddOn({
      version: VERSIONS.externalDns,
      // The add-on turns each hosted zone into `--zone-id-filter=<id>` in extraArgs (a list, merged with
      // ours): chart 1.21.1 has no zoneIdFilters value, so that is the only way to filter by zone.
      hostedZoneResources: [blueprints.GlobalResources.HostedZone],
      values: {
        // Each cluster owns its own records: the other region's TXT owner id marks its records as foreign.
        txtOwnerId: name,
        domainFilters: [config.dns.domain],
        policy: 'upsert-only',
        sources: ['ingress'],
        // The chart's current form; the add-on's `provider: aws` string is deprecated by chart 1.21.1.
        provider: { name: 'aws' },
        ...externalDnsValues(),
      },
    }),
    new blueprints.addons.ExternalsSecretsAddOn({
      version: VERSIONS.externalSecrets,
      values: externalSecretsValues(),
      iamPolicies: [
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [secretArns],
        }),
      ],
    }),
    new CredentialsSyncAddOn({
      namespace: config.namespace,
      region: region.name,
      credentials: Object.keys(CREDENTIALS).map((c) => ({
        secretName: secretName(config, c as keyof typeof CREDENTIALS),
        kubernetesSecret: CREDENTIALS[c as keyof typeof CREDENTIALS].kubernetesSecret,
      })),
    }),
    new blueprints.addons.AckAddOn({
      id: PUBLIC_ECR_ADD_ON_IMAGES['ack-rds'].addOn,
      serviceName: blueprints.AckServiceName.RDS,
      version: VERSIONS.ackRds,
      values: { ...ackValues(), ...cachedImage('ack-rds') },
      managedPolicyName: '',
      inlinePolicyStatements: ackRdsPolicy(config, region),
    }),
    new blueprints.addons.AckAddOn({
      id: PUBLIC_ECR_ADD_ON_IMAGES['ack-elasticache'].addOn,
      serviceName: blueprints.AckServiceName.ELASTICACHE,
      // Shares ack-system with the RDS controller, which creates it.
      createNamespace: false,
      version: VERSIONS.ackElastiCache,
      values: { ...ackValues(), ...cachedImage('ack-elasticache') },
      managedPolicyName: '',
      inlinePolicyStatements: ackElastiCachePolicy(config, region),
    }),
    new blueprints.addons.CloudWatchInsights({ version: VERSIONS.cloudWatchObservability }),
    new blueprints.addons.ArgoCDAddOn({
      version: VERSIONS.argoCd,
      values: {
        ...argoCdValues(),
        configs: {
          cm: {
            // Track by annotation: label tracking would rewrite app.kubernetes.io/instance, which our selectors use.
            'application.resourceTrackingMethod': 'annotation',
            ...healthCustomizations(),
          },
        },
      },
    }),
    new GitOpsBootstrapAddOn({ config, region: region.name }),
  ];

  const stack = await blueprints.EksBlueprint.builder()
    .name(name)
    .account(config.accountId)
    .region(region.name)
    .version(k8sVersion)
    .clusterProvider(clusterProvider)
    .resourceProvider(blueprints.GlobalResources.Vpc, new ShopVpcProvider({ region, clusterName: name, flowLogRetentionDays: config.cluster.flowLogRetentionDays }))
    .resourceProvider(blueprints.GlobalResources.HostedZone, new blueprints.ImportHostedZoneProvider(config.dns.hostedZoneId, config.dns.domain))
    // Envelope encryption of Kubernetes secrets, with yearly rotation of the key.
    .resourceProvider(
      blueprints.GlobalResources.KmsKey,
      new blueprints.CreateKmsKeyProvider(`alias/${name}-secrets`, { enableKeyRotation: true, description: `EKS secrets envelope encryption for ${name}` }),
    )
    .enableControlPlaneLogTypes(...Object.values(blueprints.ControlPlaneLogType))
    .useDefaultSecretEncryption(true)
    .addOns(...addOns)
    .buildAsync(app, regionalStackName(config.name, region.name), {
      stackName: regionalStackName(config.name, region.name),
      description: `SecureCart ${config.name}: EKS cluster and regional resources in ${region.name}`,
      terminationProtection: true,
    });
  // Not on the dashboard: AWS::CloudWatch::Dashboard took Tags only recently (aws-cdk-lib 2.257), and
  // cfn-lint's schema still refuses them (E3002); nothing selects dashboards by tag.
  for (const [k, v] of Object.entries(commonTags(config))) Tags.of(stack).add(k, v, { excludeResourceTypes: ['AWS::CloudWatch::Dashboard'] });

  hardenInterruptionQueue(stack);
  addKarpenterNodeClass(stack, { clusterName: name, amiAlias: VERSIONS.karpenterAmiAlias, tags: commonTags(config) });
  argoCdWaitsForNodes(stack);
  gitOpsWaitsForKeda(stack);
  monitorSystemNodesEveryMinute(stack);
  fenceExternalDns(stack, config, region);
  const clusterInfo = stack.getClusterInfo();
  const prerequisites = new RegionalPrerequisites(stack, 'Prerequisites', { config, region, cluster: clusterInfo.cluster, vpc: clusterInfo.cluster.vpc });
  // VPC endpoints, the image cache and partners' PrivateLink endpoints (config network, cluster/network).
  const network = new RegionalNetwork(stack, 'Network', { config, region, vpc: clusterInfo.cluster.vpc, nodeRoles: clusterNodeRoles(stack) });
  if (network.imageCache) addOnsPullThroughCache(stack, network.imageCache);
  // The key exists only now; the add-on created the controller's inline policy during the build.
  const rdsPolicy = stack.node.tryFindChild('rds-chart-inline-policy');
  if (!(rdsPolicy instanceof iam.Policy)) throw new Error('the ACK RDS add-on no longer creates "rds-chart-inline-policy": review the database key grant');
  rdsPolicy.addStatements(ackRdsKeyStatement(prerequisites.databaseKey, region.name));
  const alarms = new RegionalAlarms(stack, 'Alarms', { config, albTags: albTags(config) });
  const shopper = new SyntheticShopper(stack, 'SyntheticShopper', {
    name: regionalShopperName(config),
    hostname: regionalHostname(config, region.name),
    alarmName: shopperAlarmName(config, region.name),
    placeOrders: config.dns.syntheticShopper.placeOrders,
    email: shopperEmail(config),
    failedRuns: config.dns.syntheticShopper.failedRuns,
    topic: alarms.topic,
    originHeader: config.edge.frontDoor === 'cloudfront' ? { name: ORIGIN_VERIFY_HEADER, secretName: originVerifySecretName(config.name), secretKey: ORIGIN_VERIFY_SECRET_KEY } : undefined,
    // Behind CloudFront the ALB admits, besides CloudFront and Route 53, only the region's NAT gateways.
    network: config.edge.frontDoor === 'cloudfront' ? { vpc: clusterInfo.cluster.vpc, subnets: { subnetGroupName: SUBNET_TIERS.private } } : undefined,
  });
  // Slow SLO burns open a ticket: a topic of their own, so that they never wake anyone.
  const tickets = new AlertTopic(stack, 'Tickets', { displayName: `SecureCart ${config.name} ${region.name} tickets`, accountId: config.accountId, alerts: config.observability.alerts });
  const slo = new SloAlarms(stack, 'Slo', { shopperName: shopper.shopperName, scope: region.name, namePrefix: `securecart-${config.name}`, slos: config.observability.slos, pageTopic: alarms.topic, ticketTopic: tickets.topic });
  addRegionalDrills(stack, { config, region, clusterName: name, stopAlarms: [shopper.alarm, ...alarms.customerAlarms] });
  new RegionalDashboard(stack, 'Dashboard', {
    config,
    region: region.name,
    shopperName: shopper.shopperName,
    alarms: [shopper.alarm, ...alarms.alarms, ...slo.composites.filter((c) => c.severity === 'page').map((c) => c.alarm)],
  });
  new PlatformLogRetention(stack, 'LogRetention', { config, clusterName: name, canaries: [shopper.canary] });
  // Backups of what this region holds, copied to the other regions' locked vaults, and restore tests.
  const backups = new RegionalBackup(stack, 'Backup', { config, databaseKey: prerequisites.databaseKey, mediaBucketName: prerequisites.media.bucket.bucketName });
  new RestoreTesting(stack, 'RestoreTesting', {
    config,
    vault: backups.vault.vault,
    databaseKey: prerequisites.databaseKey,
    dbSubnetGroupName: dataSubnetGroupName(config.name),
    databaseSecurityGroupId: prerequisites.databaseSecurityGroup.securityGroupId,
    alertTopic: alarms.topic,
    alertTopicKey: alarms.topicKey,
  });
  return { stack, prerequisites, backups };
}

/**
 * The add-ons whose images come through the pull-through cache are installed once the cache rule and
 * the node roles' right to import into it exist: before that, their pods' first pull would fail (and
 * retry with back-off) instead of creating the cached repository.
 */
function addOnsPullThroughCache(stack: blueprints.EksBlueprint, cache: Construct): void {
  const info = stack.getClusterInfo();
  const ids = [blueprints.addons.AwsLoadBalancerControllerAddOn.name, ...Object.values(PUBLIC_ECR_ADD_ON_IMAGES).map((i) => i.addOn)];
  for (const id of ids) {
    const addOn = info.getProvisionedAddOn(id);
    if (!addOn) throw new Error(`the add-on "${id}" is not provisioned under that id: review addOnsPullThroughCache`);
    addOn.node.addDependency(cache);
  }
}

/**
 * The Argo CD chart runs pods and a pre-install hook Job that need a node, but the Blueprints add-on
 * installs it with no dependency on the node group and Helm's default 5-minute timeout
 * (eks-blueprints 1.19.0 dist/addons/argocd/index.js calls cluster.addHelmChart without wait or
 * timeout; aws-cdk-lib's kubectl handler then passes no --timeout): a node group slower than that fails
 * the first deploy. Install it once the system nodes exist, and wait up to the 15 minutes the handler allows.
 */
function argoCdWaitsForNodes(stack: blueprints.EksBlueprint): void {
  const info = stack.getClusterInfo();
  const chart = info.getProvisionedAddOn(blueprints.addons.ArgoCDAddOn.name);
  if (!(chart instanceof eks.HelmChart)) throw new Error('the Argo CD add-on no longer installs a HelmChart: review argoCdWaitsForNodes');
  chart.node.addDependency(...(info.nodeGroups ?? []));
  const resource = chart.node.findChild('Resource').node.defaultChild as CfnResource;
  resource.addPropertyOverride('Wait', true);
  resource.addPropertyOverride('Timeout', `${ARGOCD_INSTALL_TIMEOUT.toSeconds()}s`);
}

/**
 * The apps Application applies ScaledObjects, whose CRD the KEDA chart installs: hand the cluster to
 * git once KEDA is there, so that no sync attempt fails on a kind the API server does not know yet
 * (the Applications' retry would heal it, at the cost of failed attempts and backoff).
 */
function gitOpsWaitsForKeda(stack: blueprints.EksBlueprint): void {
  const info = stack.getClusterInfo();
  const keda = info.getProvisionedAddOn(blueprints.addons.KedaAddOn.name);
  const bootstrap = info.getProvisionedAddOn('gitops-bootstrap'); // GitOpsBootstrapAddOn's id
  if (!keda || !bootstrap) throw new Error('the KEDA or the GitOps bootstrap add-on is missing: review gitOpsWaitsForKeda');
  bootstrap.node.addDependency(keda);
}

/**
 * One-minute EC2 metrics for the system nodes (detailed monitoring; the AWS Control Tower control
 * CT.EC2.PR.10): they run CoreDNS, Karpenter and the controllers the shop depends on. Blueprints'
 * launch template has no setting for it.
 */
function monitorSystemNodesEveryMinute(stack: blueprints.EksBlueprint): void {
  const template = stack.node.findAll().find((c) => c instanceof ec2.LaunchTemplate && c.node.id === 'system-lt');
  if (!(template instanceof ec2.LaunchTemplate)) throw new Error('the system node group no longer has launch template "system-lt": review monitorSystemNodesEveryMinute');
  (template.node.defaultChild as ec2.CfnLaunchTemplate).addPropertyOverride('LaunchTemplateData.Monitoring.Enabled', true);
}

/** The longest the kubectl handler lets one Helm operation take (aws-cdk-lib HelmChart: at most 15 minutes). */
export const ARGOCD_INSTALL_TIMEOUT = Duration.minutes(15);

/**
 * Karpenter's interruption queue (created by the add-on, which sets no encryption): encrypted at rest
 * with SQS-managed keys, said explicitly rather than left to the account default, and TLS only.
 */
function hardenInterruptionQueue(stack: blueprints.EksBlueprint): void {
  const queue = stack.node.tryFindChild('karpenter-queue');
  if (!(queue instanceof sqs.Queue)) throw new Error('the Karpenter add-on no longer creates "karpenter-queue": review the interruption handling setup');
  const cfn = queue.node.defaultChild as sqs.CfnQueue;
  if (cfn.kmsMasterKeyId !== undefined) throw new Error('the Karpenter add-on now encrypts its queue with a KMS key: review hardenInterruptionQueue');
  // EventBridge (the only sender) cannot publish to a queue encrypted with the AWS-managed SQS KMS key;
  // SQS-managed SSE needs no key policy.
  cfn.sqsManagedSseEnabled = true;
  queue.addToResourcePolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['sqs:*'],
      resources: [queue.queueArn],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    }),
  );
}

/**
 * Both clusters write the same zone. Their TXT owner ids keep external-dns from touching records it
 * does not own; this Deny makes it impossible at the IAM level for the records that only the other
 * regions publish (their regional hostnames and the TXT ownership records next to them).
 */
function fenceExternalDns(stack: blueprints.EksBlueprint, config: PlatformConfig, region: RegionConfig): void {
  const account = stack.node.findAll().find((c) => c instanceof eks.ServiceAccount && c.node.id === 'external-dns');
  if (!(account instanceof eks.ServiceAccount)) throw new Error('the ExternalDNS add-on no longer creates its "external-dns" service account: review the DNS fence');
  const others = config.regions.filter((r) => r.name !== region.name).map((r) => `*${regionalHostname(config, r.name)}`);
  account.addToPrincipalPolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      actions: ['route53:ChangeResourceRecordSets'],
      resources: [`arn:aws:route53:::hostedzone/${config.dns.hostedZoneId}`],
      conditions: { 'ForAnyValue:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': others } },
    }),
  );
}
