import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { KARPENTER_BASELINE_POOL, SPOT_BURST_WEIGHT } from '../config/karpenter';
import { PlatformConfig, RegionConfig } from '../config/schema';
import { NamespaceBaseline } from './constructs/namespace-baseline';
import { SpotBurstPool } from './constructs/spot-burst-pool';
import { regionInstance } from './labels';

export interface PlatformChartProps extends ChartProps {
  readonly config: PlatformConfig;
  readonly region: RegionConfig;
  /** `app.kubernetes.io/version` of platform objects: the platform repository's version. */
  readonly platformVersion: string;
}

/**
 * What every other chart of a region stands on: the shop's namespace and its security baseline, and
 * the spot capacity for bursts.
 */
export class PlatformChart extends Chart {
  readonly baseline: NamespaceBaseline;
  readonly spotBurst?: SpotBurstPool;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, props);
    const instance = regionInstance(props.config.name, props.region.name);
    this.baseline = new NamespaceBaseline(this, 'Baseline', {
      namespace: props.config.namespace,
      instance: instance,
      version: props.platformVersion,
    });
    if (props.config.cluster.spotBurstCpuLimit > 0) {
      this.spotBurst = new SpotBurstPool(this, 'SpotBurst', {
        availabilityZones: props.region.availabilityZones,
        cpuLimit: props.config.cluster.spotBurstCpuLimit,
        nodeClass: KARPENTER_BASELINE_POOL.nodeClass,
        weight: SPOT_BURST_WEIGHT,
        instance: instance,
        version: props.platformVersion,
      });
    }
  }
}
