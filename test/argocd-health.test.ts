/**
 * The Lua health checks given to Argo CD, run in a real Lua VM (Argo CD runs them in gopher-lua,
 * Lua 5.1; the scripts stay within what 5.1 and 5.4 share).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ACK_HEALTH, APPLICATION_HEALTH, FIELD_EXPORT_HEALTH } from '../cluster/addons/gitops-bootstrap/health-checks';
import { ROOT } from './helpers';

type Health = { status: string; message: string };
const ack = (...conditions: Array<{ type: string; status: string; message?: string }>) => ({ status: { conditions } });

const cases: Array<[string, string, unknown, Partial<Health>]> = [
  ['ACK: no status yet is Progressing', ACK_HEALTH, {}, { status: 'Progressing' }],
  ['ACK: Ready is Healthy', ACK_HEALTH, ack({ type: 'Ready', status: 'True', message: 'available' }), { status: 'Healthy', message: 'available' }],
  ['ACK: ACK.ResourceSynced (older runtimes) is Healthy', ACK_HEALTH, ack({ type: 'ACK.ResourceSynced', status: 'True' }), { status: 'Healthy' }],
  [
    'ACK: terminal beats synced, with the controller’s message',
    ACK_HEALTH,
    ack({ type: 'ACK.ResourceSynced', status: 'True' }, { type: 'ACK.Terminal', status: 'True', message: 'InvalidParameterCombination' }),
    { status: 'Degraded', message: 'InvalidParameterCombination' },
  ],
  [
    'ACK: recoverable errors stay Progressing, with the reason',
    ACK_HEALTH,
    ack({ type: 'ACK.Recoverable', status: 'True', message: 'throttled' }, { type: 'Ready', status: 'False' }),
    { status: 'Progressing', message: 'throttled' },
  ],
  ['FieldExport: a done export has no conditions and is Healthy', FIELD_EXPORT_HEALTH, { status: {} }, { status: 'Healthy' }],
  ['FieldExport: an empty condition list is Healthy', FIELD_EXPORT_HEALTH, ack(), { status: 'Healthy' }],
  ['FieldExport: a terminal export is Degraded', FIELD_EXPORT_HEALTH, ack({ type: 'ACK.Terminal', status: 'True', message: 'no such path' }), { status: 'Degraded', message: 'no such path' }],
  ['FieldExport: a recoverable export is Progressing', FIELD_EXPORT_HEALTH, ack({ type: 'ACK.Recoverable', status: 'True' }), { status: 'Progressing' }],
  ['Application: a degraded child is Degraded, so its wave waits', APPLICATION_HEALTH, { status: { health: { status: 'Degraded', message: 'DBCluster failing' } } }, { status: 'Degraded', message: 'DBCluster failing' }],
  ['Application: a healthy child is Healthy', APPLICATION_HEALTH, { status: { health: { status: 'Healthy' } } }, { status: 'Healthy' }],
  ['Application: no status yet is Progressing', APPLICATION_HEALTH, {}, { status: 'Progressing' }],
];

let results: Health[];
beforeAll(() => {
  const run = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(__dirname, 'support', 'run-lua.ts')], {
    input: JSON.stringify(cases.map(([, script, obj]) => ({ script, obj }))),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`Lua runner failed: ${run.stderr}`);
  results = JSON.parse(run.stdout);
});

test.each(cases.map((c, i) => [c[0], i, c[3]] as const))('%s', (_name, i, expected) => {
  expect(results[i]).toMatchObject(expected);
});
