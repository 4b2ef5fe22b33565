import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { NODE_EXPIRY, nodeRequirements } from '../../config/karpenter';
import { LABELS } from '../constants';
import { applyLabels } from '../labels';

export interface SpotBurstPoolProps {
  /** AZs the pool may launch into (every AZ of the region). */
  readonly availabilityZones: string[];
  /** vCPU ceiling of the pool. */
  readonly cpuLimit: number;
  /** The EC2NodeClass the cluster app created for Karpenter. */
  readonly nodeClass: string;
  /** Weight, below the on-demand baseline pool's so that pool is used first. */
  readonly weight: number;
  /** `app.kubernetes.io/instance` / `version` of the pool. */
  readonly instance: string;
  readonly version: string;
}

/**
 * A Karpenter NodePool of spot capacity for bursts: Karpenter prefers the on-demand baseline pool
 * (higher weight) and launches here only once that pool reaches its limit. Diversified over instance
 * families and every AZ so a spot interruption or a capacity shortage in one pool does not stall it.
 * cdk8s-plus has no Karpenter API: a raw ApiObject, checked against the upstream CRD in CI.
 */
export class SpotBurstPool extends Construct {
  readonly pool: ApiObject;

  constructor(scope: Construct, id: string, props: SpotBurstPoolProps) {
    super(scope, id);
    this.pool = new ApiObject(this, 'NodePool', {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: 'spot-burst' },
      spec: {
        weight: props.weight,
        template: {
          spec: {
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: props.nodeClass },
            requirements: nodeRequirements(props.availabilityZones, 'spot'),
            expireAfter: NODE_EXPIRY,
          },
        },
        disruption: {
          consolidationPolicy: 'WhenEmptyOrUnderutilized',
          consolidateAfter: '2m',
          budgets: [{ nodes: '20%' }],
        },
        limits: { cpu: props.cpuLimit },
      },
    });
    applyLabels(this, { [LABELS.name]: 'spot-burst', [LABELS.instance]: props.instance, [LABELS.component]: 'capacity', [LABELS.version]: props.version });
  }
}
