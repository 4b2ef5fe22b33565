/**
 * The pod drills: FIS EKS pod actions on the shop's Deployments (FIS User Guide, "EKS Pod actions":
 * https://docs.aws.amazon.com/fis/latest/userguide/eks-pod-actions.html, and the FIS actions reference).
 *
 * FIS runs them through a pod of its own, created in the shop's namespace as the ServiceAccount the
 * charts render (charts/constructs/fault-injection-access.ts), with the `restricted` Pod Security
 * Standard the namespace enforces. The network pod actions (pod-network-latency, -packet-loss,
 * -blackhole-port) are left out on purpose: the FIS actions reference says they are "Only compatible
 * with the Kubernetes Security Standards privileged policy" and need root in the ephemeral container,
 * which the restricted namespace refuses (and which the shop's non-root pods cannot give).
 *
 * Every pod action fails while the target containers have a read-only root filesystem (eks-pod-actions,
 * Limitations): config `drills.allowPodFaults` renders them writable for a drill window.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DRILL_TIMINGS, FIS_KUBERNETES, FIS_POD_LABELS, FIS_POD_SECURITY_POLICY } from '../../config/drills';
import { DrillExperimentProps } from './drill-experiment';

export const POD_ACTIONS = { delete: 'aws:eks:pod-delete', cpuStress: 'aws:eks:pod-cpu-stress' } as const;

export interface PodFaultProps {
  /** The EKS cluster's name (the pods' `clusterIdentifier`). */
  readonly clusterName: string;
  /** The shop's namespace. */
  readonly namespace: string;
  /** The Deployments to target, one target each. */
  readonly deployments: readonly string[];
  /** Alarms that stop the experiment. */
  readonly stopAlarms: DrillExperimentProps['stopAlarms'];
  /** Where the experiment logs. */
  readonly logGroup: DrillExperimentProps['logGroup'];
}

export interface PodCpuStressProps extends PodFaultProps {
  /**
   * Minutes of stress.
   * @default DRILL_TIMINGS.podCpuStressMinutes
   */
  readonly durationMinutes?: number;
}

/** Deletes one pod of each Deployment at once, with the pods' own termination grace period. */
export function podDeleteExperiment(stack: Stack, props: PodFaultProps): DrillExperimentProps {
  return podExperiment(stack, props, {
    scenario: 'pod-delete',
    description: `SecureCart pod delete: one pod of each of ${props.deployments.join(', ')} in ${props.namespace} is deleted at once`,
    // One pod per Deployment: every service keeps serving from its other replicas (HPA floor >= 2).
    selectionMode: 'COUNT(1)',
    action: (d) => [`Delete-${d}-Pod`, { actionId: POD_ACTIONS.delete, description: `Deletes one ${d} pod` }],
  });
}

/**
 * Loads every pod of each Deployment with one CPU worker at 100 %, far above their HPA targets (70 %
 * of a few hundred millicores), so that the HPAs scale out and Karpenter adds nodes.
 */
export function podCpuStressExperiment(stack: Stack, props: PodCpuStressProps): DrillExperimentProps {
  const minutes = props.durationMinutes ?? DRILL_TIMINGS.podCpuStressMinutes;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 720) throw new Error(`pod CPU stress of ${minutes} minutes must be a whole number from 1 to 720`);
  return podExperiment(stack, props, {
    scenario: 'pod-cpu-stress',
    description: `SecureCart pod CPU stress: every pod of ${props.deployments.join(', ')} in ${props.namespace} burns one CPU for ${minutes} minutes`,
    // All pods: the HPAs average over every pod. FIS targets at most 50 pods per pod action (Service
    // Quotas dumps, unverified), above every Deployment's HPA ceiling.
    selectionMode: 'ALL',
    action: (d) => [
      `Stress-${d}-Cpu`,
      {
        actionId: POD_ACTIONS.cpuStress,
        description: `Loads every ${d} pod with one CPU worker`,
        // One worker, not the default 0 (= one per CPU of the node): the shop's containers have no CPU
        // limit (EKS best practice), so unbounded workers would starve every neighbour on the node.
        extra: { duration: `PT${minutes}M`, workers: '1', percent: '100' },
      },
    ],
  });
}

interface PodExperimentShape {
  readonly scenario: 'pod-delete' | 'pod-cpu-stress';
  readonly description: string;
  readonly selectionMode: string;
  readonly action: (deployment: string) => [string, { actionId: string; description: string; extra?: Record<string, string> }];
}

function podExperiment(stack: Stack, props: PodFaultProps, shape: PodExperimentShape): DrillExperimentProps {
  if (props.deployments.length === 0) throw new Error(`drill ${shape.scenario}: no Deployments to target`);
  const targets: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateTargetProperty> = {};
  const actions: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateActionProperty> = {};
  for (const d of props.deployments) {
    const target = `${d}-pods`;
    // aws:eks:pod targets take no ARNs or tags, only these parameters (FIS User Guide, targets).
    targets[target] = {
      resourceType: 'aws:eks:pod',
      parameters: { clusterIdentifier: props.clusterName, namespace: props.namespace, selectorType: 'deploymentName', selectorValue: d },
      selectionMode: shape.selectionMode,
    };
    const [name, a] = shape.action(d);
    actions[name] = {
      actionId: a.actionId,
      description: a.description,
      targets: { Pods: target },
      parameters: {
        ...a.extra,
        kubernetesServiceAccount: FIS_KUBERNETES.serviceAccount,
        fisPodSecurityPolicy: FIS_POD_SECURITY_POLICY,
        // A JSON map of labels (format not spelled out by the FIS reference): what the FIS pod's
        // NetworkPolicy selects (charts/constructs/fault-injection-access.ts).
        fisPodLabels: JSON.stringify(FIS_POD_LABELS),
      },
    };
  }
  const statements = [
    // The permissions every EKS pod action lists (FIS actions reference); Kubernetes RBAC does the rest.
    new iam.PolicyStatement({
      sid: 'DescribeTheCluster',
      actions: ['eks:DescribeCluster'],
      resources: [stack.formatArn({ service: 'eks', resource: 'cluster', resourceName: props.clusterName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
    }),
    // No resource type in the Service Authorization Reference (Amazon EC2, Resource Groups Tagging API).
    new iam.PolicyStatement({ sid: 'DescribeWithoutResourceTypes', actions: ['ec2:DescribeSubnets', 'tag:GetResources'], resources: ['*'] }),
  ];
  return { scenario: shape.scenario, description: shape.description, targets, actions, statements, stopAlarms: props.stopAlarms, logGroup: props.logGroup };
}
