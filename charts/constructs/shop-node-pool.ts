import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { NODE_EXPIRY, nodeRequirements } from '../../config/karpenter';
import { LABELS } from '../constants';
import { applyLabels } from '../labels';

/** A Karpenter disruption budget (karpenter.sh/v1 NodePool spec.disruption.budgets). */
export interface NodePoolBudget {
  readonly nodes: string;
  readonly schedule?: string;
  readonly duration?: string;
}

export interface ShopNodePoolProps {
  /** NodePool name. */
  readonly name: string;
  /** On-demand or spot. */
  readonly capacityType: 'on-demand' | 'spot';
  /**
   * Zones the pool may launch into: the region's zones less the evacuated ones. Karpenter takes every
   * zone listed here as a topology domain, launchable or not (see config/karpenter.ts).
   */
  readonly zones: string[];
  /** vCPU ceiling of the pool. */
  readonly cpuLimit: number;
  /** The EC2NodeClass the cluster app created for Karpenter. */
  readonly nodeClass: string;
  /** Weight: Karpenter tries pools by descending weight. */
  readonly weight: number;
  /** How long a node may be empty or underused before Karpenter consolidates it. */
  readonly consolidateAfter: string;
  /** How many nodes Karpenter may disrupt at once (consolidation, drift; expiry ignores budgets). */
  readonly budgets: NodePoolBudget[];
  /** `app.kubernetes.io/instance` / `version` of the pool. */
  readonly instance: string;
  readonly version: string;
}

/**
 * A Karpenter NodePool for the shop: one capacity type over the zones given, current instance
 * families, nodes replaced every 30 days. cdk8s-plus has no Karpenter API: a raw ApiObject, checked
 * against the upstream CRD (and its CEL rules) in CI.
 */
export class ShopNodePool extends Construct {
  readonly pool: ApiObject;

  constructor(scope: Construct, id: string, props: ShopNodePoolProps) {
    super(scope, id);
    if (props.zones.length === 0) throw new Error(`node pool ${props.name}: no zone to launch into: keep at least one zone out of evacuatedZones`);
    this.pool = new ApiObject(this, 'NodePool', {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: props.name },
      spec: {
        weight: props.weight,
        template: {
          spec: {
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: props.nodeClass },
            requirements: nodeRequirements(props.zones, props.capacityType),
            expireAfter: NODE_EXPIRY,
          },
        },
        disruption: {
          consolidationPolicy: 'WhenEmptyOrUnderutilized',
          consolidateAfter: props.consolidateAfter,
          budgets: props.budgets,
        },
        limits: { cpu: props.cpuLimit },
      },
    });
    applyLabels(this, { [LABELS.name]: props.name, [LABELS.instance]: props.instance, [LABELS.component]: 'capacity', [LABELS.version]: props.version });
  }
}
