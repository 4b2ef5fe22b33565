/** Every command-line entry point answers --help with its usage (exit 0) and refuses unknown flags (exit 2). */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ROOT } from './helpers';

const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const run = (script: string, args: string[]) => spawnSync(TSX, [path.join(ROOT, 'scripts', script), ...args], { encoding: 'utf8', cwd: ROOT });

describe.each([
  ['synth.ts', 'npm run synth'],
  ['resilience.ts', 'npm run resilience'],
  ['promote.ts', 'npm run data:promote'],
  ['drill.ts', 'npm run drill'],
])('%s', (script, command) => {
  test.each(['--help', '-h'])('%s prints the usage on stdout and exits 0, doing nothing else', (flag) => {
    const result = run(script, [flag]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`usage: ${command} --`);
    expect(result.stderr).not.toContain('error');
  });

  test('an unknown flag exits 2 with the usage on stderr', () => {
    const result = run(script, ['--no-such-flag']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`usage: ${command} --`);
  });
});

describe('npm run drill', () => {
  test('prints a plan for every scenario in every region of the committed environment', () => {
    for (const [scenario, region] of [['az-power', 'us-east-1'], ['pod-delete', 'us-west-2'], ['pod-cpu-stress', 'us-east-1']]) {
      const result = run('drill.ts', ['--scenario', scenario, '--region', region]);
      expect([scenario, result.status, result.stderr]).toEqual([scenario, 0, '']);
      expect(result.stdout).toContain(`# Drill ${scenario} in ${region}`);
      expect(result.stdout).toContain('aws fis start-experiment');
      expect(result.stdout).toContain('## What the models predict');
    }
  });

  test('the AZ drill of a given zone reads its template from that zone’s stack output', () => {
    const result = run('drill.ts', ['--scenario', 'az-power', '--region', 'us-east-1', '--zone', 'us-east-1b']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("OutputKey=='DrillAzPowerUsEast1b'");
  });

  test('pod faults on read-only root filesystems: the plan says what to change first', () => {
    const result = run('drill.ts', ['--scenario', 'pod-delete', '--region', 'us-east-1']);
    expect(result.stdout).toContain('**Not ready yet**');
    expect(result.stdout).toContain('drills.allowPodFaults: true');
  });

  test.each([
    [['--scenario', 'meteor', '--region', 'us-east-1'], 2, '--scenario "meteor" is not one of az-power, pod-delete, pod-cpu-stress'],
    [['--scenario', 'az-power'], 2, '--region is required'],
    [['--scenario', 'az-power', '--region', 'eu-west-1'], 1, "--region eu-west-1 is not one of the environment's regions (us-east-1, us-west-2)"],
    [['--scenario', 'az-power', '--region', 'us-east-1', '--zone', 'us-east-1f'], 1, '--zone us-east-1f is not a zone of us-east-1'],
    [['--scenario', 'pod-delete', '--region', 'us-east-1', '--zone', 'us-east-1a'], 1, '--zone applies to the az-power scenario only'],
  ])('%j exits %i naming the problem', (args, status, message) => {
    const result = run('drill.ts', args as string[]);
    expect(result.status).toBe(status);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });
});
