/**
 * The Argo CD bootstrap of every region (argocd/<region>/): projects, the root application, one
 * Application per chart in waves, and the safety rules that keep data from being pruned.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseConfig } from '../config/load';
import { ArgoCdChart } from '../charts/argocd-chart';
import { chartApplication, PROJECTS, rootApplication, ROOT_APP, WAVES } from '../charts/gitops';
import { ARGOCD_CHART_NAMES, buildRegion, CHART_NAMES } from '../charts/render';
import { ACK_KINDS } from '../cluster/addons/gitops-bootstrap/health-checks';
import { committedInput, defaultConfigData, K8sObject, parseDocs, renderRegion, ROOT } from './helpers';

// The committed argocd/ belongs to the environment the repository renders (manifests/environment.json).
const input = committedInput();
const { config } = input;
const committed = (region: string): K8sObject[] =>
  ARGOCD_CHART_NAMES.flatMap((f) => parseDocs(fs.readFileSync(path.join(ROOT, 'argocd', region, `${f}.yaml`), 'utf8')));

describe.each(config.regions.map((r) => r.name))('argocd/%s', (region) => {
  const objects = committed(region);
  const apps = objects.filter((o) => o.kind === 'Application');
  const children = apps.filter((a) => a.metadata.name !== ROOT_APP);
  const root = apps.find((a) => a.metadata.name === ROOT_APP)!;
  const project = (name: string) => objects.find((o) => o.kind === 'AppProject' && o.metadata.name === name)!;

  test('every chart of the region is covered by exactly one Application, whose path and file exist', () => {
    const covered = children.map((a) => `${a.spec.source.path}/${a.spec.source.directory.include}`).sort();
    expect(covered).toEqual(CHART_NAMES.map((c) => `manifests/${region}/${c}.yaml`).sort());
    for (const file of covered) expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
    for (const a of children) expect(a.spec.source.directory.recurse).toBe(false);
  });

  test('waves run platform -> data -> apps -> edge', () => {
    const wave = (chart: string) => Number(children.find((a) => a.spec.source.directory.include === `${chart}.yaml`)!.metadata.annotations!['argocd.argoproj.io/sync-wave']);
    expect(['platform', 'data', 'apps', 'edge'].map(wave)).toEqual([0, 1, 2, 3]);
    expect(Object.keys(WAVES).sort()).toEqual([...CHART_NAMES].sort());
  });

  test('no Application uses the default project; children are in the shop project, the root in the bootstrap one', () => {
    for (const a of apps) expect(a.spec.project).not.toBe('default');
    for (const a of children) expect(a.spec.project).toBe(PROJECTS.shop);
    expect(root.spec.project).toBe(PROJECTS.bootstrap);
  });

  test('children sync automatically with prune and self-heal, never allowEmpty, with retries and server-side apply', () => {
    for (const a of children) {
      expect(a.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(a.spec.syncPolicy.automated).not.toHaveProperty('allowEmpty');
      expect(a.spec.syncPolicy.retry).toMatchObject({ limit: expect.any(Number), backoff: { duration: expect.any(String), factor: expect.any(Number), maxDuration: expect.any(String) } });
      expect(a.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['ServerSideApply=true', 'RespectIgnoreDifferences=true']));
      expect(a.spec.syncPolicy.syncOptions).not.toContain('CreateNamespace=true');
      expect(a.spec.ignoreDifferences).toEqual([{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }]);
      expect(a.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: config.namespace });
    }
    expect(JSON.stringify(apps)).not.toContain('allowEmpty');
  });

  test('the namespace is rendered by the platform chart, so nothing needs CreateNamespace', () => {
    expect(renderRegion(input, region).platform.some((o) => o.kind === 'Namespace' && o.metadata.name === config.namespace)).toBe(true);
  });

  test('removing things takes a deliberate act: no resources finalizers, the root never prunes its children', () => {
    for (const a of apps) expect(a.metadata).not.toHaveProperty('finalizers');
    for (const a of children) expect(a.metadata.annotations!['argocd.argoproj.io/sync-options']).toBe('Prune=false');
    expect(root.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
  });

  test('the root syncs this folder, itself included, from the configured repository', () => {
    expect(root.spec.source).toMatchObject({ repoURL: config.gitops.repoUrl, targetRevision: config.gitops.targetRevision, path: `argocd/${region}` });
    expect(root.spec.destination.namespace).toBe('argocd');
    expect(root).toEqual(expect.objectContaining({ spec: rootApplication(config, region).spec }));
  });

  test('the shop project: this repository, the shop namespace on this cluster, only the kinds the charts render', () => {
    const shop = project(PROJECTS.shop).spec;
    expect(shop.sourceRepos).toEqual([config.gitops.repoUrl]);
    expect(shop.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: config.namespace }]);
    expect(shop.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace' },
      { group: 'karpenter.sh', kind: 'NodePool' },
    ]);
    // Warns, except about what other controllers put in the namespace without an owner reference.
    expect(shop.orphanedResources.warn).toBe(true);
    expect(shop.orphanedResources.ignore).toEqual([
      { group: '', kind: 'Secret', name: 'catalog-db' },
      { group: '', kind: 'Secret', name: 'checkout-redis' },
      { group: '', kind: 'Secret', name: 'orders-db' },
      { group: '', kind: 'Secret', name: 'rds-ca-bundle' },
      { group: 'external-secrets.io', kind: 'ExternalSecret' },
      { group: 'networking.k8s.aws', kind: 'PolicyEndpoint' },
      { group: 'elbv2.k8s.aws', kind: 'TargetGroupBinding' },
    ]);
    // Nothing the charts render is among them: an ignored kind must never hide our own objects.
    const ignoredKinds = new Set(shop.orphanedResources.ignore.map((i: any) => `${i.group}/${i.kind}`));
    for (const o of Object.values(renderRegion(input, region)).flat()) {
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
      expect(ignoredKinds.has(`${group}/${o.kind}`)).toBe(false);
    }
    const allowed = new Set([...shop.clusterResourceWhitelist, ...shop.namespaceResourceWhitelist].map((k: any) => `${k.group}/${k.kind}`));
    const rendered = Object.values(renderRegion(input, region)).flat();
    for (const o of rendered) {
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
      expect(allowed).toContain(`${group}/${o.kind}`);
    }
    expect(shop.namespaceResourceWhitelist.some((k: any) => k.kind === '*' || k.group === '*')).toBe(false);
    // KEDA's ScaledObjects are rendered; HPAs are not (KEDA makes them), but stay permitted so that the
    // apps Application can let go of the plain HPAs a cluster had before KEDA (charts/argocd-chart.ts).
    expect(shop.namespaceResourceWhitelist).toContainEqual({ group: 'keda.sh', kind: 'ScaledObject' });
    expect(shop.namespaceResourceWhitelist).toContainEqual({ group: 'autoscaling', kind: 'HorizontalPodAutoscaler' });
    expect(rendered.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    // A drill window (drills.allowPodFaults) renders no kind the project does not already allow, so
    // opening the window is one sync of the apps Application.
    const data = defaultConfigData();
    data.drills = { allowPodFaults: true };
    for (const o of Object.values(renderRegion({ ...input, config: parseConfig(data) }, region)).flat()) {
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
      expect(allowed).toContain(`${group}/${o.kind}`);
    }
  });

  test('the bootstrap project may only manage Argo CD Applications and AppProjects in the argocd namespace', () => {
    const bootstrap = project(PROJECTS.bootstrap).spec;
    expect(bootstrap.sourceRepos).toEqual([config.gitops.repoUrl]);
    expect(bootstrap.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }]);
    expect(bootstrap.clusterResourceWhitelist).toEqual([]);
    expect(bootstrap.namespaceResourceWhitelist).toEqual([
      { group: 'argoproj.io', kind: 'Application' },
      { group: 'argoproj.io', kind: 'AppProject' },
    ]);
  });

  test('Argo CD health checks cover every ACK kind the data tier renders', () => {
    const ack = renderRegion(input, region).data.filter((o) => o.apiVersion.includes('services.k8s.aws'));
    for (const o of ack) expect(ACK_KINDS[o.apiVersion.split('/')[0]]).toContain(o.kind);
  });
});

test('repository URL and revision come from the config', () => {
  const data = defaultConfigData();
  data.gitops = { repoUrl: 'https://git.example.com/team/fork.git', targetRevision: 'release-1' };
  const other = parseConfig(data);
  const region = other.regions[0];
  const charts = buildRegion(new App(), { ...input, config: other }, region);
  const chart = new ArgoCdChart(new App(), 'applications', { config: other, region, charts, platformVersion: 'x' });
  const sources = chart.toJson().map((o: any) => o.spec.source);
  expect(sources).toHaveLength(CHART_NAMES.length);
  for (const s of sources) expect(s).toMatchObject({ repoURL: 'https://git.example.com/team/fork.git', targetRevision: 'release-1' });
  expect(chartApplication(other, region, 'data').spec.source).toMatchObject({ repoURL: 'https://git.example.com/team/fork.git' });
});
