/**
 * The synth command as CI and users run it: exit codes, messages, and the promise that a failed render
 * leaves the previous manifests exactly as they were.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { CHART_NAMES, renderManifests } from '../charts/render';
import { defaultConfigData, defaultInput, readTree, ROOT, tmpDir } from './helpers';

const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function synth(args: string[]) {
  const result = spawnSync(TSX, [path.join(ROOT, 'charts', 'main.ts'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** An output folder holding a previous render plus a marker, so any change to it shows. */
function previousRender(): string {
  const out = path.join(tmpDir('cli-'), 'manifests');
  renderManifests(defaultInput(), out);
  fs.writeFileSync(path.join(out, 'us-east-1', 'apps.yaml'), '# previous render\n');
  return out;
}

const siblingsOf = (dir: string) => fs.readdirSync(path.dirname(dir)).sort();

describe('npm run synth', () => {
  test('renders every region of a config file into --out', () => {
    const out = path.join(tmpDir('cli-ok-'), 'manifests');
    const { code, stdout } = synth(['--out', out]);
    expect(code).toBe(0);
    const expected = ['us-east-1', 'us-west-2'].flatMap((r) => CHART_NAMES.map((c) => `${r}/${c}.yaml`)).sort();
    expect(stdout).toContain(`rendered ${expected.length} files for us-east-1, us-west-2`);
    const tree = readTree(out);
    expect(Object.keys(tree)).toEqual(['environment.json', ...expected]);
    // Which environment was rendered, so CI and the resilience report re-check that one.
    expect(JSON.parse(tree['environment.json'])).toEqual({ config: 'config/environments/prod.yaml', outputs: 'config/outputs/prod.json' });
    // A render elsewhere never touches the repository's argocd/: Argo CD files only where asked.
    expect(siblingsOf(out)).toEqual(['manifests']);
    expect(stdout).toContain('Argo CD files not rendered: pass --argocd-out DIR');
  });

  test('--argocd-out renders the Argo CD files where asked', () => {
    const dir = tmpDir('cli-argocd-');
    const { code } = synth(['--out', path.join(dir, 'm'), '--argocd-out', path.join(dir, 'a')]);
    expect(code).toBe(0);
    expect(Object.keys(readTree(path.join(dir, 'a')))).toEqual(['us-east-1/applications.yaml', 'us-east-1/bootstrap.yaml', 'us-west-2/applications.yaml', 'us-west-2/bootstrap.yaml']);
  });

  test('a missing outputs file fails before anything is written, CloudFormation templates included', () => {
    const dir = tmpDir('cli-outputs-');
    const data = defaultConfigData();
    data.name = 'staging';
    const file = path.join(dir, 'staging.yaml');
    fs.writeFileSync(file, YAML.stringify(data));
    const result = spawnSync(TSX, [path.join(ROOT, 'scripts', 'synth.ts'), '--config', file, '--out', path.join(dir, 'm'), '--cdk-out', path.join(dir, 'cdk.out')], { encoding: 'utf8', cwd: ROOT });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/outputs\/staging\.json:\n {2}- outputs file: cannot read it \(ENOENT\): run "cdk deploy --all --outputs-file/);
    expect(fs.readdirSync(dir)).toEqual(['staging.yaml']);
  });

  test('bad config: exit 1, the path and the fix on stderr, manifests untouched', () => {
    const out = previousRender();
    const before = readTree(out);
    const data = defaultConfigData();
    data.services.ui.regions['us-west-2'].minReplicas = 1;
    const file = path.join(path.dirname(out), 'bad.yaml');
    fs.writeFileSync(file, YAML.stringify(data));

    const { code, stderr } = synth(['--config', file, '--out', out]);
    expect(code).toBe(1);
    expect(stderr).toContain('services.ui.regions.us-west-2.minReplicas: must be at least 2');
    expect(stderr).toContain('nothing was written');
    expect(readTree(out)).toEqual(before);
    expect(siblingsOf(out)).toEqual(['bad.yaml', 'manifests']);
  });

  test('missing config file: exit 1 and the file named', () => {
    const { code, stderr } = synth(['--config', '/nonexistent/env.yaml']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/\/nonexistent\/env\.yaml:\n {2}- cannot read the file \(ENOENT\)/);
  });

  test('unknown flag: exit 2 with usage', () => {
    const { code, stderr } = synth(['--confg', 'x.yaml']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/usage: npm run synth -- \[--config FILE\]/);
  });
});

describe('cdk8s synth (the cdk8s CLI, as CI jobs and people run it)', () => {
  const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');

  test('renders the recorded environment into its own output folder, identical to manifests/, and leaves manifests/ alone', () => {
    const before = readTree(path.join(ROOT, 'manifests'));
    const out = path.join(tmpDir('cdk8s-cli-'), 'cdk8s.out');
    // --check-upgrade=false: the CLI's update check would need the network.
    const result = spawnSync(CDK8S, ['synth', '--check-upgrade=false', '--output', out], { encoding: 'utf8', cwd: ROOT });
    expect(result.stderr).not.toContain('ERROR');
    expect(result.status).toBe(0);
    expect(readTree(out)).toEqual(before);
    expect(readTree(path.join(ROOT, 'manifests'))).toEqual(before);
  });
});

describe('renderManifests', () => {
  test('a failure in any region leaves the previous manifests and argocd trees whole and no staging folder behind', () => {
    const out = previousRender();
    const argocd = path.join(path.dirname(out), 'argocd');
    renderManifests(defaultInput(), path.join(tmpDir('x-'), 'm'), argocd);
    const before = [readTree(out), readTree(argocd)];
    const input = defaultInput();
    const broken = { ...input, outputs: { ...input.outputs, regions: { 'us-east-1': input.outputs.regions['us-east-1'] } } };
    expect(() => renderManifests(broken, out, argocd)).toThrow(/no outputs for region us-west-2/);
    expect([readTree(out), readTree(argocd)]).toEqual(before);
    expect(siblingsOf(out)).toEqual(['argocd', 'manifests']);
  });

  test('a successful render replaces the previous one completely', () => {
    const out = previousRender();
    fs.writeFileSync(path.join(out, 'stale.yaml'), 'kind: Stale\n');
    renderManifests(defaultInput(), out);
    const tree = readTree(out);
    expect(tree).not.toHaveProperty(['stale.yaml']);
    expect(tree['us-east-1/apps.yaml']).toContain('kind: Deployment');
    expect(siblingsOf(out)).toEqual(['manifests']);
  });
});
