/**
 * The Karpenter contract between the cluster app, which installs Karpenter and the EC2NodeClass every
 * pool launches with, and the charts, which render the NodePools (the on-demand baseline and the spot
 * burst pool), so that a person can take an impaired zone out of both with one git change.
 */
import { RegionConfig } from './schema';

/** The EC2NodeClass the cluster app creates and every NodePool launches with. */
export const NODE_CLASS_NAME = 'default-ec2nodeclass';

/** The NodePools of a region, as the charts render them. */
export const NODE_POOLS = {
  /** On-demand capacity the shop runs on; Karpenter tries pools by descending weight: this one first. */
  baseline: { name: 'on-demand', capacityType: 'on-demand', weight: 50 },
  /** Spot capacity for bursts, weighted below the baseline so it only takes what the baseline cannot. */
  spotBurst: { name: 'spot-burst', capacityType: 'spot', weight: 10 },
} as const;

/** Node lifetime before Karpenter replaces it (picks up new AMIs and patches). */
export const NODE_EXPIRY = '720h';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';

type Requirement = { key: string; operator: 'In' | 'Gt'; values: string[] };

/**
 * Zones Karpenter may launch into in a region: its zones less the evacuated ones. Karpenter counts
 * every value of a NodePool's zone `In` requirement as a topology domain, whether or not it can launch
 * there (kubernetes-sigs/karpenter v1.14.1 pkg/controllers/provisioning/scheduling/topology.go:129-140),
 * so an impaired zone left in any pool keeps attracting the zone spread's replacements.
 */
export function launchableZones(region: Pick<RegionConfig, 'availabilityZones' | 'evacuatedZones'>): string[] {
  return region.availabilityZones.filter((z) => !region.evacuatedZones.includes(z));
}

/**
 * What every shop NodePool launches: the given zones, one capacity type, and current general purpose,
 * compute or memory families (x86; the sample images are published for it).
 */
export function nodeRequirements(zones: string[], capacityType: 'on-demand' | 'spot'): Requirement[] {
  return [
    { key: ZONE_LABEL, operator: 'In', values: [...zones] },
    { key: 'karpenter.sh/capacity-type', operator: 'In', values: [capacityType] },
    { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
    { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
    { key: 'karpenter.k8s.aws/instance-generation', operator: 'Gt', values: ['5'] },
  ];
}
