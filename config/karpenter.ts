/**
 * The Karpenter contract between the cluster app, which installs Karpenter with its on-demand
 * baseline NodePool and EC2NodeClass, and the charts, which add the spot burst pool.
 */
export const KARPENTER_BASELINE_POOL = {
  /** Name Blueprints gives the EC2NodeClass it creates. */
  nodeClass: 'default-ec2nodeclass',
  /** Karpenter tries pools by descending weight: the baseline first. */
  weight: 50,
} as const;

/** Node lifetime before Karpenter replaces it (picks up new AMIs and patches). */
export const NODE_EXPIRY = '720h';

type Requirement = { key: string; operator: 'In' | 'Gt'; values: string[] };

/**
 * What every shop NodePool launches: the region's zones, one capacity type, and current general
 * purpose, compute or memory families (x86; the sample images are published for it).
 */
export function nodeRequirements(zones: string[], capacityType: 'on-demand' | 'spot'): Requirement[] {
  return [
    { key: 'topology.kubernetes.io/zone', operator: 'In', values: [...zones] },
    { key: 'karpenter.sh/capacity-type', operator: 'In', values: [capacityType] },
    { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
    { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
    { key: 'karpenter.k8s.aws/instance-generation', operator: 'Gt', values: ['5'] },
  ];
}

/** The spot burst pool's weight: below the baseline, so it only takes what the baseline cannot. */
export const SPOT_BURST_WEIGHT = 10;
