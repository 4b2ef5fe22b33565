import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { PlatformOutputs } from '../config/outputs';
import { PlatformConfig, RegionConfig } from '../config/schema';
import { AppsChart } from './apps-chart';
import { DataChart } from './data-chart';
import { EdgeChart } from './edge-chart';
import { LABELS, MANAGED_BY, PART_OF } from './constants';
import { PlatformChart } from './platform-chart';

/** What a render needs: the validated config and the deployed stacks' outputs. */
export interface RenderInput {
  readonly config: PlatformConfig;
  readonly outputs: PlatformOutputs;
  /** Version of this platform repository (`app.kubernetes.io/version` of platform objects). */
  readonly platformVersion: string;
}

/** The charts of a region, in the order Argo CD applies them. Each renders to `<name>.yaml`. */
export const CHART_NAMES = ['platform', 'data', 'apps', 'edge'] as const;
export type ChartName = (typeof CHART_NAMES)[number];

/** Builds every chart of one region into `app`. */
export function buildRegion(app: App, input: RenderInput, region: RegionConfig): Record<ChartName, Chart> {
  const { config, outputs } = input;
  const regional = outputs.regions[region.name];
  if (!regional) throw new Error(`no outputs for region ${region.name}: deploy its stack with --outputs-file`);
  const labels = { [LABELS.partOf]: PART_OF, [LABELS.managedBy]: MANAGED_BY };
  return {
    platform: new PlatformChart(app, 'platform', { labels, config, region, platformVersion: input.platformVersion }),
    data: new DataChart(app, 'data', { labels, config, region, outputs: regional, platformVersion: input.platformVersion }),
    apps: new AppsChart(app, 'apps', { labels, config, region, outputs: { global: outputs.global, regional } }),
    edge: new EdgeChart(app, 'edge', { labels, config, region, outputs: regional, platformVersion: input.platformVersion }),
  };
}

/**
 * Renders every region into `outDir/<region>/<chart>.yaml`, atomically: everything is rendered into a
 * staging folder next to `outDir` and checked, and only then swapped in. A failure leaves `outDir`
 * exactly as it was (Argo CD would prune the shop if it saw an empty or half-written folder).
 * Returns the written files, relative to `outDir`.
 */
export function renderManifests(input: RenderInput, outDir: string): string[] {
  const target = path.resolve(outDir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(target), '.render-tmp-'));
  fs.chmodSync(staging, 0o755); // mkdtemp makes it private; the manifests are not
  try {
    for (const region of input.config.regions) {
      const app = new App({ outdir: path.join(staging, region.name), outputFileExtension: '.yaml' });
      buildRegion(app, input, region);
      app.synth();
    }
    const files = listRendered(staging);
    checkComplete(input.config, files, staging);
    swapIn(staging, target);
    return files;
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

/** Every region must have every chart, and no file may be empty. */
function checkComplete(config: PlatformConfig, files: string[], root: string): void {
  for (const region of config.regions) {
    for (const chart of CHART_NAMES) {
      const file = path.join(region.name, `${chart}.yaml`);
      if (!files.includes(file) || fs.statSync(path.join(root, file)).size === 0) {
        throw new Error(`render of ${file} is missing or empty: nothing was written`);
      }
    }
  }
}

function listRendered(root: string): string[] {
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

/** Replaces `target` with `staging` using renames, so the old tree stays whole until the new one is in. */
function swapIn(staging: string, target: string): void {
  const backup = `${staging}-previous`;
  const hadTarget = fs.existsSync(target);
  if (hadTarget) fs.renameSync(target, backup);
  try {
    fs.renameSync(staging, target);
  } catch (e) {
    if (hadTarget) fs.renameSync(backup, target);
    throw e;
  }
  if (hadTarget) fs.rmSync(backup, { recursive: true, force: true });
}
