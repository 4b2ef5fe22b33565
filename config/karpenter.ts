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

/** The spot burst pool's weight: below the baseline, so it only takes what the baseline cannot. */
export const SPOT_BURST_WEIGHT = 10;
