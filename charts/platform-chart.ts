import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { launchableZones, NODE_CLASS_NAME, NODE_POOLS } from '../config/karpenter';
import { PlatformConfig, RegionConfig } from '../config/schema';
import { NamespaceBaseline } from './constructs/namespace-baseline';
import { ShopNodePool } from './constructs/shop-node-pool';
import { regionInstance } from './labels';

export interface PlatformChartProps extends ChartProps {
  readonly config: PlatformConfig;
  readonly region: RegionConfig;
  /** `app.kubernetes.io/version` of platform objects: the platform repository's version. */
  readonly platformVersion: string;
}

/**
 * What every other chart of a region stands on: the shop's namespace and its security baseline, and
 * the capacity Karpenter launches for it. Both NodePools live here, not in the cluster app, so that
 * taking an impaired zone out of service (regions[].evacuatedZones) is one git change Argo CD applies
 * in minutes, not a CloudFormation deployment.
 */
export class PlatformChart extends Chart {
  readonly baseline: NamespaceBaseline;
  readonly onDemand: ShopNodePool;
  readonly spotBurst?: ShopNodePool;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, props);
    const instance = regionInstance(props.config.name, props.region.name);
    this.baseline = new NamespaceBaseline(this, 'Baseline', {
      namespace: props.config.namespace,
      instance: instance,
      version: props.platformVersion,
    });
    const zones = launchableZones(props.region);
    const common = { zones, nodeClass: NODE_CLASS_NAME, instance, version: props.platformVersion };
    this.onDemand = new ShopNodePool(this, 'OnDemand', {
      ...common,
      ...NODE_POOLS.baseline,
      cpuLimit: props.config.cluster.karpenterCpuLimit,
      consolidateAfter: '5m',
      // At most 10 % of nodes disrupted at once, and none voluntarily during the daily peak. Budgets pace
      // consolidation and drift; they do not stop expiration: karpenter v1.14.1
      // pkg/controllers/nodeclaim/expiration/controller.go deletes a NodeClaim past expireAfter without
      // reading budgets, freeze or not. PDBs still pace the drain of an expiring node.
      budgets: [{ nodes: '10%' }, { nodes: '0', schedule: '0 17 * * *', duration: '4h' }],
    });
    if (props.config.cluster.spotBurstCpuLimit > 0) {
      this.spotBurst = new ShopNodePool(this, 'SpotBurst', {
        ...common,
        ...NODE_POOLS.spotBurst,
        cpuLimit: props.config.cluster.spotBurstCpuLimit,
        consolidateAfter: '2m',
        budgets: [{ nodes: '20%' }],
      });
    }
  }
}
