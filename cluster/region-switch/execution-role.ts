import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The service principal ARC Region switch assumes execution roles as. */
export const REGION_SWITCH_PRINCIPAL = 'arc-region-switch.amazonaws.com';

/** Names of the role's inline policies: one per thing the plan does (a contract: tests read them). */
export const EXECUTION_POLICIES = {
  /** What every plan needs (security_iam_region_switch_complete_policy.html). */
  baseline: 'baseline',
  /** EKS resource scaling blocks (security_iam_region_switch_eks.html). */
  eksScaling: 'eks-resource-scaling',
  /** Aurora global database blocks (security_iam_region_switch_aurora.html). */
  globalAurora: 'aurora-global-database',
  /** Route 53 health check blocks (security_iam_region_switch_route53.html). */
  route53HealthCheck: 'route53-health-check',
} as const;

export interface RegionSwitchExecutionRoleProps {
  /** The role's name: explicit, so that other stacks can build its ARN (EKS access entries). */
  readonly roleName: string;
  /** The account that owns the plan: the only one whose ARC may assume the role (aws:SourceAccount). */
  readonly accountId: string;
  /** The plan's name: the role reads only this plan (its ARN ends in `:<6 characters>` ARC assigns). */
  readonly planName: string;
  /** The EKS clusters the plan scales, as region → cluster name. @default {} (no EKS resource scaling block) */
  readonly eksClusters?: Readonly<Record<string, string>>;
  /** The Aurora global databases the plan switches, as global cluster identifiers. @default [] (no Aurora block) */
  readonly globalClusterIdentifiers?: readonly string[];
  /** The global databases' regional clusters, as ARNs. @default [] */
  readonly databaseClusterArns?: readonly string[];
  /** The hosted zone whose records the plan's Route 53 health checks serve. @default none (no Route 53 health check block) */
  readonly hostedZoneId?: string;
}

/**
 * The role ARC Region switch assumes to evaluate and execute the plan
 * (https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_trust_policy.html), with one
 * inline policy per execution block the plan uses, each holding exactly the actions of that block's sample
 * policy in the ARC guide, on the narrowest resource type the Service Authorization Reference defines for
 * the action (https://docs.aws.amazon.com/service-authorization/latest/reference/). The manual approval
 * block needs nothing here: ARC does not assume the role for it, and the approver's own role carries
 * arc-region-switch:ApprovePlanExecutionStep.
 */
export class RegionSwitchExecutionRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: RegionSwitchExecutionRoleProps) {
    super(scope, id);
    const account = props.accountId;
    const roleArn = `arn:aws:iam::${account}:role/${props.roleName}`;
    const policies: Record<string, iam.PolicyDocument> = {};
    const add = (name: string, statements: iam.PolicyStatement[]) => (policies[name] = new iam.PolicyDocument({ statements }));

    // ARC simulates the role's permissions (plan evaluation) and reads its own plan and executions. The
    // guide's sample grants the ARC actions on "*"; the Service Authorization Reference gives all three
    // the plan resource type (arn:aws:arc-region-switch::<account>:plan/<name>:<id>), so this plan only.
    add(EXECUTION_POLICIES.baseline, [
      new iam.PolicyStatement({ actions: ['iam:SimulatePrincipalPolicy'], resources: [roleArn] }),
      new iam.PolicyStatement({
        actions: ['arc-region-switch:GetPlan', 'arc-region-switch:GetPlanExecution', 'arc-region-switch:ListPlanExecutions'],
        resources: [`arn:aws:arc-region-switch::${account}:plan/${props.planName}:*`],
      }),
    ]);

    const eks = Object.entries(props.eksClusters ?? {});
    if (eks.length) {
      add(EXECUTION_POLICIES.eksScaling, [
        new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: eks.map(([region, name]) => `arn:aws:eks:${region}:${account}:cluster/${name}`) }),
        // ARC checks the role's own access entry: access-entry/<cluster>/<identity type>/<account>/<name>/<uuid>
        // (Service Authorization Reference, Amazon EKS), narrower than the guide's access-entry/<cluster>/*.
        new iam.PolicyStatement({
          actions: ['eks:ListAssociatedAccessPolicies'],
          resources: eks.map(([region, name]) => `arn:aws:eks:${region}:${account}:access-entry/${name}/role/${account}/${props.roleName}/*`),
        }),
      ]);
    }

    const globalClusters = (props.globalClusterIdentifiers ?? []).map((id) => `arn:aws:rds::${account}:global-cluster:${id}`);
    if (globalClusters.length) {
      const clusters = [...(props.databaseClusterArns ?? [])];
      add(EXECUTION_POLICIES.globalAurora, [
        // Both calls need the global cluster and the regional clusters (resource types global-cluster* and cluster*).
        new iam.PolicyStatement({ actions: ['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'], resources: [...globalClusters, ...clusters] }),
        // The guide's sample grants these two on "*"; the reference scopes each to its resource type.
        new iam.PolicyStatement({ actions: ['rds:DescribeGlobalClusters'], resources: globalClusters }),
        new iam.PolicyStatement({ actions: ['rds:DescribeDBClusters'], resources: clusters }),
      ]);
    }

    if (props.hostedZoneId) {
      add(EXECUTION_POLICIES.route53HealthCheck, [new iam.PolicyStatement({ actions: ['route53:ListResourceRecordSets'], resources: [`arn:aws:route53:::hostedzone/${props.hostedZoneId}`] })]);
    }

    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: `ARC Region switch plan ${props.planName}: evaluation and execution`,
      // Confused-deputy guard: only ARC acting for this account (IAM User Guide, "The confused deputy
      // problem"). Unverified for Region switch: the ARC guide's trust policy has no condition, and the
      // guide documents neither aws:SourceAccount nor aws:SourceArn for it. Plan evaluation runs as soon as
      // the plan exists; if it warns that the role cannot be assumed, this condition is the first suspect.
      assumedBy: new iam.ServicePrincipal(REGION_SWITCH_PRINCIPAL).withConditions({ StringEquals: { 'aws:SourceAccount': account } }),
      inlinePolicies: policies,
    });
  }
}
