import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { FIS_KUBERNETES, FIS_POD_LABELS } from '../../config/drills';
import { LABELS, PORTS } from '../constants';
import { applyLabels } from '../labels';

export interface FaultInjectionAccessProps {
  /** `app.kubernetes.io/instance` of the objects. */
  readonly instance: string;
  /** `app.kubernetes.io/version` of the objects. */
  readonly version: string;
  /**
   * The Kubernetes user the FIS experiment roles are mapped to (aws-auth, cluster/fault-injection).
   * @default FIS_KUBERNETES.username
   */
  readonly username?: string;
  /**
   * The ServiceAccount the FIS pod runs as (the actions' `kubernetesServiceAccount`).
   * @default FIS_KUBERNETES.serviceAccount
   */
  readonly serviceAccountName?: string;
  /**
   * Labels FIS gives its pod (the actions' `fisPodLabels`), which the NetworkPolicy selects.
   * @default FIS_POD_LABELS
   */
  readonly fisPodLabels?: Record<string, string>;
  /**
   * Bind the Role to the FIS pod and to the experiment roles' user (the RoleBinding's subjects; it has
   * none otherwise). Unbound, neither may do anything in
   * the namespace: the pod drills then fail at once, which they would anyway on read-only root
   * filesystems (drills.allowPodFaults turns both on for a drill window).
   * @default true
   */
  readonly bind?: boolean;
}

/**
 * What the AWS FIS EKS pod actions need in the chart's namespace, exactly as the FIS User Guide
 * documents it ("EKS Pod actions", "Configure the Kubernetes service account":
 * https://docs.aws.amazon.com/fis/latest/userguide/eks-pod-actions.html): a ServiceAccount for the FIS
 * pod, a namespaced Role with the documented verbs and nothing cluster-wide, a RoleBinding of that Role
 * to the ServiceAccount and to the user the experiment roles map to, and a NetworkPolicy that lets the
 * FIS pod reach the Kubernetes API through the namespace's default deny.
 */
export class FaultInjectionAccess extends Construct {
  readonly serviceAccount: kplus.ServiceAccount;
  readonly role: kplus.Role;
  readonly roleBinding: kplus.RoleBinding;
  readonly networkPolicy: kplus.NetworkPolicy;

  constructor(scope: Construct, id: string, props: FaultInjectionAccessProps) {
    super(scope, id);
    const podLabels = props.fisPodLabels ?? FIS_POD_LABELS;
    if (Object.keys(podLabels).length === 0) throw new Error('fault injection access: fisPodLabels is empty, which would let every pod of the namespace reach the API server');

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: props.serviceAccountName ?? FIS_KUBERNETES.serviceAccount },
      // The FIS pod calls the Kubernetes API (config maps, pods, ephemeral containers) as this account.
      automountToken: true,
    });

    const core = (resourceType: string) => kplus.ApiResource.custom({ apiGroup: '', resourceType });
    this.role = new kplus.Role(this, 'Role', { metadata: { name: FIS_KUBERNETES.role } });
    // The documented rules, one per resource, verbs as listed (test/fault-injection.test.ts compares them).
    this.role.allow(['get', 'create', 'patch', 'delete'], core('configmaps'));
    this.role.allow(['create', 'list', 'get', 'delete', 'deletecollection'], core('pods'));
    this.role.allow(['update'], core('pods/ephemeralcontainers'));
    this.role.allow(['create'], core('pods/exec'));
    this.role.allow(['get'], kplus.ApiResource.custom({ apiGroup: 'apps', resourceType: 'deployments' }));

    // Always rendered, so the kinds the charts render (and the Argo CD project allows) do not depend on
    // the drill window; its subjects only inside one.
    this.roleBinding = new kplus.RoleBinding(this, 'RoleBinding', { metadata: { name: FIS_KUBERNETES.roleBinding }, role: this.role });
    if (props.bind ?? true) this.roleBinding.addSubjects(this.serviceAccount, kplus.User.fromName(this, 'ExperimentUser', props.username ?? FIS_KUBERNETES.username));

    // The FIS pod talks to the API server only: the `kubernetes` Service's ClusterIP, DNAT-ed to the EKS
    // control plane's network interfaces in the VPC. Neither address is known when rendering, so any
    // IPv4 address on 443, as the shop's AWS API callers do. The FIS pod exists only while an action runs.
    const fisPod = kplus.Pods.select(this, 'FisPod', { labels: podLabels });
    this.networkPolicy = new kplus.NetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: FIS_KUBERNETES.networkPolicy },
      selector: fisPod,
      egress: { rules: [{ peer: kplus.NetworkPolicyIpBlock.anyIpv4(this, 'ApiServer'), ports: [kplus.NetworkPolicyPort.tcp(PORTS.https)] }] },
    });

    applyLabels(this, {
      [LABELS.name]: 'fault-injection',
      [LABELS.instance]: props.instance,
      [LABELS.component]: 'fault-injection',
      [LABELS.version]: props.version,
    });
  }
}
