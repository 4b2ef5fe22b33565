import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as blueprints from '@aws-quickstart/eks-blueprints';
import { PlatformConfig, RegionConfig } from '../../config/schema';

export interface RegionalDrillsProps {
  readonly config: PlatformConfig;
  readonly region: RegionConfig;
  /** The region's EKS cluster name. */
  readonly clusterName: string;
  /** Alarms that stop every experiment of the region when they fire (at most 5: FIS quota). */
  readonly stopAlarms: cloudwatch.IAlarm[];
}

/** AWS Fault Injection Service experiment templates of a region (work in progress). */
export function addRegionalDrills(_stack: blueprints.EksBlueprint, _props: RegionalDrillsProps): void {
  // Filled in by the drills change.
}
