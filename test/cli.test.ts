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
