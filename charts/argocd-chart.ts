import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformConfig, RegionConfig } from '../config/schema';
import { LABELS } from './constants';
import { bootstrapProject, chartApplication, K8s, rootApplication, shopProject, WavedChart, WAVES } from './gitops';
import { applyLabels, regionInstance } from './labels';

export interface ArgoCdChartProps extends ChartProps {
  readonly config: PlatformConfig;
  readonly region: RegionConfig;
  /** The region's charts, whose namespaced kinds the shop project allows (and nothing else). */
  readonly charts: Record<WavedChart, Chart>;
  readonly platformVersion: string;
}

/** Kinds that are not namespaced, among those the charts render. */
const CLUSTER_SCOPED = new Set(['Namespace', 'NodePool']);

/**
 * Namespaced kinds the shop project permits though no chart renders them. HorizontalPodAutoscaler: the
 * services had plain HPAs before KEDA, and on a cluster that has them the apps Application must be
 * allowed to let go of them: a prune task for a kind the project does not permit fails the whole sync
 * before anything is applied (argo-cd v3.4.4 gitops-engine/pkg/sync/sync_context.go getSyncTasks runs the
 * permission validator on every task, prunes included, on their live object; controller/sync.go
 * WithPermissionValidator), so the ScaledObjects that make KEDA adopt those HPAs would never be applied.
 */
const PERMITTED_UNRENDERED = [{ group: 'autoscaling', kind: 'HorizontalPodAutoscaler' }] as const;

/**
 * The Argo CD objects of a region (argocd/<region>/): the two projects and the root Application that
 * manages this folder, and one Application per chart of manifests/<region>/, in sync waves
 * platform -> data -> apps -> edge.
 */
export class ArgoCdChart extends Chart {
  constructor(scope: Construct, id: string, props: ArgoCdChartProps) {
    super(scope, id, props);
    const { config, region } = props;
    const kinds = new Map<string, { group: string; kind: string }>(PERMITTED_UNRENDERED.map((k) => [`${k.group}/${k.kind}`, { ...k }]));
    for (const chart of Object.values(props.charts)) {
      for (const o of chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
        if (CLUSTER_SCOPED.has(o.kind)) continue;
        const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
        kinds.set(`${group}/${o.kind}`, { group, kind: o.kind });
      }
    }
    const namespaced = [...kinds.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, k]) => k);
    const add = (objectId: string, o: K8s) => new ApiObject(this, objectId, o);

    if (id === 'bootstrap') {
      add('BootstrapProject', bootstrapProject(config));
      add('ShopProject', shopProject(config, namespaced));
      add('Root', rootApplication(config, region.name));
    } else {
      for (const chart of Object.keys(WAVES) as WavedChart[]) add(`App-${chart}`, chartApplication(config, region, chart));
    }
    applyLabels(this, {
      [LABELS.name]: 'securecart-gitops',
      [LABELS.instance]: regionInstance(config.name, region.name),
      [LABELS.component]: 'gitops',
      [LABELS.version]: props.platformVersion,
    });
  }
}
