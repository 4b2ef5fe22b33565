import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig, parseConfig, readYamlFile } from '../config/load';
import { loadOutputs, PlatformOutputs } from '../config/outputs';
import { PlatformConfig } from '../config/schema';
import { buildRegion, ChartName, RenderInput } from '../charts/render';
import { renderedEnvironment } from '../charts/render';

export const ROOT = path.resolve(__dirname, '..');

/** A rendered Kubernetes object, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; [k: string]: any };

/** The embedded default environment as data, for tests that change one field. */
export function defaultConfigData(): Record<string, any> {
  return readYamlFile(DEFAULT_CONFIG_FILE) as Record<string, any>;
}

/** The default config's data with `mutate` applied. */
export function withChange(mutate: (c: any) => void): any {
  const data = defaultConfigData();
  mutate(data);
  return data;
}

/** Parses `data` and returns the problems it is refused for (fails the test if it is accepted). */
export function problemsOf(data: unknown): string[] {
  try {
    parseConfig(data, 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('config was accepted');
}

export function defaultInput(config: PlatformConfig = loadConfig()): RenderInput {
  return { config, outputs: loadOutputs(config), platformVersion: '0.0.0-test' };
}

/**
 * The environment the committed manifests/ were rendered from (manifests/environment.json), as the
 * render input that reproduces them: CI checks whatever environment the repository deploys.
 */
export function committedInput(): RenderInput {
  const recorded = renderedEnvironment(path.join(ROOT, 'manifests'));
  if (!recorded) throw new Error('manifests/environment.json is missing: run npm run synth');
  const config = loadConfig(recorded.config);
  const source = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifests', 'environment.json'), 'utf8'));
  const platformVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  return { config, outputs: loadOutputs(config, recorded.outputs), platformVersion, source };
}

/** Outputs without the regions' network keys: what the file holds before the endpoints are deployed. */
export function withoutNetwork(outputs: PlatformOutputs): PlatformOutputs {
  return { ...outputs, regions: Object.fromEntries(Object.entries(outputs.regions).map(([r, o]) => [r, { ...o, network: undefined }])) };
}

/** Renders one region in memory: objects per chart. */
export function renderRegion(input: RenderInput, regionName: string): Record<ChartName, K8sObject[]> {
  const region = input.config.regions.find((r) => r.name === regionName);
  if (!region) throw new Error(`no region ${regionName}`);
  const charts = buildRegion(Testing.app(), input, region);
  return Object.fromEntries(Object.entries(charts).map(([name, chart]) => [name, Testing.synth(chart) as K8sObject[]])) as Record<ChartName, K8sObject[]>;
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Reads every YAML document of every file under `dir`, keyed by relative path. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = path.join(dir, f);
    if (fs.statSync(full).isFile()) out[f] = fs.readFileSync(full, 'utf8');
  }
  return out;
}

export function parseDocs(text: string): K8sObject[] {
  return YAML.parseAllDocuments(text).map((d) => d.toJS() as K8sObject).filter(Boolean);
}
