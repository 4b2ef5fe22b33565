/** The project's own promises about tooling: pinned dependencies, CI in step with the config, README. */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../config/load';
import { ROOT } from './helpers';

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json'));

describe('project', () => {
  test('every dependency is pinned to an exact version', () => {
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect({ name, version }).toEqual({ name, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    }
  });

  test('aws-cdk-lib and aws-cdk are the versions EKS Blueprints pins as peers', () => {
    const blueprints = JSON.parse(read('node_modules/@aws-quickstart/eks-blueprints/package.json'));
    expect(pkg.dependencies['aws-cdk-lib']).toBe(blueprints.peerDependencies['aws-cdk-lib']);
    expect(pkg.devDependencies['aws-cdk']).toBe(blueprints.peerDependencies['aws-cdk']);
  });

  test('jest stays on 29 and TypeScript below 7 (ts-jest 29 needs both)', () => {
    expect(pkg.devDependencies.jest).toMatch(/^29\./);
    expect(pkg.devDependencies['ts-jest']).toMatch(/^29\./);
    expect(Number(pkg.devDependencies.typescript.split('.')[0])).toBeLessThan(7);
  });

  test('CI validates against the Kubernetes version the config deploys', () => {
    const ci = read('.ci/run');
    expect(ci).toMatch(/^\s*if npm ci\b/m);
    expect(ci).toMatch(/^npm test$/m);
    expect(ci).toContain(`KUBE_VERSION=${loadConfig().kubernetesVersion}.0`);
  });

  test('the README opens with exactly the two set-up commands', () => {
    const firstScreen = read('README.md').split('\n').slice(0, 25).join('\n');
    const commands = [...firstScreen.matchAll(/^```(?:sh|bash)\n([\s\S]*?)```/gm)].map((m) => m[1].trim());
    expect(commands).toEqual(['npm ci && npm run synth', 'npm test']);
    expect(pkg.scripts.test).toContain('jest');
    expect(pkg.scripts.synth).toBeDefined();
  });

  test('generated caches are ignored, not committed', () => {
    const ignored = read('.gitignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules/', 'cdk.out/']));
  });
});
