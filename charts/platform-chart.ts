import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformConfig, RegionConfig } from '../config/schema';
import { NamespaceBaseline } from './constructs/namespace-baseline';

export interface PlatformChartProps extends ChartProps {
  readonly config: PlatformConfig;
  readonly region: RegionConfig;
  /** `app.kubernetes.io/version` of platform objects: the platform repository's version. */
  readonly platformVersion: string;
}

/** What every other chart of a region stands on: the shop's namespace and its security baseline. */
export class PlatformChart extends Chart {
  readonly baseline: NamespaceBaseline;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, props);
    this.baseline = new NamespaceBaseline(this, 'Baseline', {
      namespace: props.config.namespace,
      instance: `${props.config.name}-${props.region.name}`,
      version: props.platformVersion,
    });
  }
}
