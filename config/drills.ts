/**
 * The AWS Fault Injection Service (FIS) drills: the names the cluster app (cluster/fault-injection,
 * which creates the experiment templates), the charts (which render the Kubernetes access of the FIS
 * pod) and `npm run drill` (which starts them) must agree on. Pure data and functions, no AWS calls.
 */

/** The drills, each a set of FIS experiment templates in every region. */
export const DRILL_SCENARIOS = {
  'az-power': {
    description:
      "Power loss in one Availability Zone, for the shop's own resources: its nodes stop, Karpenter and the system node group cannot launch there, its subnets lose connectivity, the Aurora writers there fail over and its Redis nodes lose power.",
    /** One template per Availability Zone of the region. */
    perZone: true,
  },
  'pod-delete': {
    description: 'Deletes one pod of each of the shop’s Deployments at once (FIS aws:eks:pod-delete).',
    perZone: false,
  },
  'pod-cpu-stress': {
    description: 'Loads every pod of the shop’s Deployments with CPU (FIS aws:eks:pod-cpu-stress), so that their HPAs scale out.',
    perZone: false,
  },
} as const;

export type DrillScenario = keyof typeof DRILL_SCENARIOS;
export const DRILL_SCENARIO_NAMES = Object.keys(DRILL_SCENARIOS) as DrillScenario[];

/** An Availability Zone name such as us-east-1a (not a zone id such as use1-az1). */
const ZONE_NAME = /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/;

const pascal = (s: string) =>
  s
    .split('-')
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');

/**
 * The regional stack's output key holding an experiment template id, e.g. DrillAzPowerUsEast1a or
 * DrillPodDelete: `aws fis start-experiment --experiment-template-id <value>`.
 */
export function drillOutputKey(scenario: DrillScenario, zone?: string): string {
  const known = DRILL_SCENARIOS[scenario];
  if (!known) throw new Error(`unknown drill scenario "${scenario}": use one of ${DRILL_SCENARIO_NAMES.join(', ')}`);
  if (known.perZone && zone === undefined) throw new Error(`drill scenario "${scenario}" has one template per zone: name the zone`);
  if (!known.perZone && zone !== undefined) throw new Error(`drill scenario "${scenario}" has one template per region: zone "${zone}" does not apply`);
  if (zone !== undefined && !ZONE_NAME.test(zone)) throw new Error(`zone "${zone}" is not an Availability Zone name such as us-east-1a`);
  return `Drill${pascal(scenario)}${zone === undefined ? '' : pascal(zone)}`;
}

/** Tags every experiment template carries besides Name (and the stack's own), for finding them by tag. */
export const DRILL_TAGS = {
  /** The scenario, one of DRILL_SCENARIO_NAMES. */
  scenario: 'securecart:drill',
  /** The Availability Zone a per-zone template impairs. */
  zone: 'securecart:drill-zone',
} as const;

/**
 * How long the drills inject their faults, where the config does not say (the AZ power interruption
 * lasts `drills.azPowerMinutes`).
 */
export const DRILL_TIMINGS = {
  /**
   * Minutes the zone's subnets are cut off (network ACL deny-all) at the start of an AZ power drill.
   * AWS's "AZ Availability: Power Interruption" scenario cuts them for 2 minutes (third-party copies of
   * the scenario; the AWS page past its first section was not readable): the cut models the moment of
   * loss, when connections through the zone's NAT gateway, ALB node and database and Redis nodes break
   * at once and clients must time out and reconnect elsewhere. The lasting loss of capacity is modelled
   * by the stopped nodes, refused launches, Aurora failover and Redis power loss, which last the whole
   * drill; a cut of the public subnets for 30 minutes would also test the ALB's zonal shift, which a
   * drill of its own should do, not this one.
   */
  azPowerNetworkMinutes: 2,
  /** Minutes of CPU stress: long enough for the HPAs (15 s sync) to scale out and Karpenter to add nodes. */
  podCpuStressMinutes: 10,
} as const;

/** The longest fault of a scenario, in minutes: how long `npm run drill` should expect it to run. */
export function drillMinutes(scenario: DrillScenario, azPowerMinutes: number): number {
  switch (scenario) {
    case 'az-power':
      return Math.max(azPowerMinutes, DRILL_TIMINGS.azPowerNetworkMinutes);
    case 'pod-cpu-stress':
      return DRILL_TIMINGS.podCpuStressMinutes;
    case 'pod-delete':
      return 0;
    default:
      throw new Error(`unknown drill scenario "${scenario as string}": use one of ${DRILL_SCENARIO_NAMES.join(', ')}`);
  }
}

/**
 * The Kubernetes side of the FIS EKS pod actions, in the shop's namespace (FIS User Guide, "EKS Pod
 * actions", "Configure the Kubernetes service account":
 * https://docs.aws.amazon.com/fis/latest/userguide/eks-pod-actions.html).
 */
export const FIS_KUBERNETES = {
  /** The Kubernetes user the experiment roles map to in the cluster (aws-auth); the RoleBinding names it. */
  username: 'fis-experiment',
  /** The ServiceAccount the FIS pod runs as: the actions' `kubernetesServiceAccount`. */
  serviceAccount: 'fis-pod',
  /** The Role with the permissions FIS documents, and its RoleBinding. */
  role: 'fis-experiments',
  roleBinding: 'fis-experiments',
  /** The NetworkPolicy that lets the FIS pod reach the Kubernetes API. */
  networkPolicy: 'fis-pod-api-server',
} as const;

/**
 * Labels FIS puts on the pod it creates for an action (the actions' `fisPodLabels`), so that a
 * NetworkPolicy can select it.
 */
export const FIS_POD_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'fis-pod',
  'app.kubernetes.io/part-of': 'securecart',
};

/**
 * Pod Security Standard of the FIS pod and its ephemeral containers (`fisPodSecurityPolicy`): the shop's
 * namespace enforces `restricted`, which pod-delete and the stress actions support ("compatible with all
 * policy levels", FIS actions reference).
 */
export const FIS_POD_SECURITY_POLICY = 'restricted';

/**
 * Version of this contract between the cluster app, the charts and `npm run drill`: the
 * `app.kubernetes.io/version` of the FIS pod's Kubernetes objects. Bump it when a name above changes.
 */
export const DRILLS_VERSION = '1';

/**
 * The FIS quota on instances one aws:ec2:stop-instances action may target, per Service Quotas
 * (service `fis`). The code and default come from public dumps of the Service Quotas API, not from an
 * AWS page: check it with `aws service-quotas get-service-quota --service-code fis --quota-code ...`
 * and raise it above the largest number of shop nodes a zone can hold before an AZ power drill.
 */
export const STOP_INSTANCES_TARGET_QUOTA = { serviceCode: 'fis', quotaCode: 'L-3F98B425', defaultValue: 5 } as const;
