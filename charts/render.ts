import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { PlatformOutputs } from '../config/outputs';
import { PlatformConfig, RegionConfig } from '../config/schema';
import { AppsChart } from './apps-chart';
import { ArgoCdChart } from './argocd-chart';
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
  /**
   * The files the render came from, recorded as `environment.json` next to the manifests so that CI
   * and `npm run resilience` re-check the environment that was actually rendered.
   * @default not recorded
   */
  readonly source?: RenderSource;
}

/** Config and outputs files of a render, relative to the repository root where they live in it. */
export interface RenderSource {
  readonly config: string;
  readonly outputs: string;
}

/** Name of the file, next to the region folders, that records which environment was rendered. */
export const ENVIRONMENT_FILE = 'environment.json';

/** The config and outputs files a manifests folder was rendered from (absolute paths), if recorded. */
export function renderedEnvironment(manifestsDir: string): { config: string; outputs: string } | undefined {
  const file = path.join(manifestsDir, ENVIRONMENT_FILE);
  if (!fs.existsSync(file)) return undefined;
  const recorded = JSON.parse(fs.readFileSync(file, 'utf8')) as RenderSource;
  const root = path.resolve(manifestsDir, '..');
  return { config: path.resolve(root, recorded.config), outputs: path.resolve(root, recorded.outputs) };
}

/** The charts of a region, in the order Argo CD applies them. Each renders to `<name>.yaml`. */
export const CHART_NAMES = ['platform', 'data', 'apps', 'edge'] as const;
export type ChartName = (typeof CHART_NAMES)[number];

/** Labels every object of every chart carries. */
function chartLabels(): Record<string, string> {
  return { [LABELS.partOf]: PART_OF, [LABELS.managedBy]: MANAGED_BY };
}

/** Builds every chart of one region into `app`. */
export function buildRegion(app: App, input: RenderInput, region: RegionConfig): Record<ChartName, Chart> {
  const { config, outputs } = input;
  const regional = outputs.regions[region.name];
  if (!regional) throw new Error(`no outputs for region ${region.name}: deploy its stack with --outputs-file`);
  const labels = chartLabels();
  return {
    platform: new PlatformChart(app, 'platform', { labels, config, region, platformVersion: input.platformVersion }),
    data: new DataChart(app, 'data', { labels, config, region, outputs: regional, platformVersion: input.platformVersion }),
    apps: new AppsChart(app, 'apps', { labels, config, region, outputs: { global: outputs.global, regional } }),
    edge: new EdgeChart(app, 'edge', { labels, config, region, outputs: regional, platformVersion: input.platformVersion }),
  };
}

/** The Argo CD files of a region, in argocd/<region>/. */
export const ARGOCD_CHART_NAMES = ['bootstrap', 'applications'] as const;

/**
 * Renders every region into `outDir/<region>/<chart>.yaml` and, when `argocdDir` is given, the Argo CD
 * objects into `argocdDir/<region>/`, atomically: everything is rendered into a staging folder and
 * checked, and only then swapped in. A failure leaves both folders exactly as they were (Argo CD
 * would prune the shop if it saw an empty or half-written folder). Returns the written files,
 * relative to their folder.
 */
export function renderManifests(input: RenderInput, outDir: string, argocdDir?: string): string[] {
  const targets = { manifests: path.resolve(outDir), argocd: argocdDir ? path.resolve(argocdDir) : undefined };
  fs.mkdirSync(path.dirname(targets.manifests), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(targets.manifests), '.render-tmp-'));
  fs.chmodSync(staging, 0o755); // mkdtemp makes it private; the manifests are not
  try {
    for (const region of input.config.regions) {
      const app = new App({ outdir: path.join(staging, 'manifests', region.name), outputFileExtension: '.yaml' });
      const charts = buildRegion(app, input, region);
      app.synth();
      if (targets.argocd) {
        const gitops = new App({ outdir: path.join(staging, 'argocd', region.name), outputFileExtension: '.yaml' });
        for (const id of ARGOCD_CHART_NAMES) {
          new ArgoCdChart(gitops, id, { labels: chartLabels(), config: input.config, region, charts, platformVersion: input.platformVersion });
        }
        gitops.synth();
      }
    }
    if (input.source) fs.writeFileSync(path.join(staging, 'manifests', ENVIRONMENT_FILE), `${JSON.stringify(input.source, null, 2)}\n`);
    const files = listRendered(path.join(staging, 'manifests'));
    checkComplete(input.config, files, path.join(staging, 'manifests'), CHART_NAMES);
    if (targets.argocd) checkComplete(input.config, listRendered(path.join(staging, 'argocd')), path.join(staging, 'argocd'), ARGOCD_CHART_NAMES);
    swapIn(path.join(staging, 'manifests'), targets.manifests);
    if (targets.argocd) swapIn(path.join(staging, 'argocd'), targets.argocd);
    return files;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Every region must have every chart, and no file may be empty. */
function checkComplete(config: PlatformConfig, files: string[], root: string, charts: readonly string[]): void {
  for (const region of config.regions) {
    for (const chart of charts) {
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
  const backup = `${path.dirname(staging)}-previous-${path.basename(target)}`;
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
