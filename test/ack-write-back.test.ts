/**
 * No rendered ACK spec field is in a form its controller writes back differently (an alias for an ARN,
 * a short engine version, an identifier AWS lowercases): Argo CD's self-heal would re-apply ours and the
 * controller would rewrite it, forever. Every field must have been looked up in the controller's source
 * (test/support/ack-write-back.ts) before it can be rendered.
 */
import { ACK_WRITE_BACK, writeBackProblem } from './support/ack-write-back';
import { committedInput, K8sObject, renderRegion } from './helpers';

const input = committedInput();
const ackObjects: Array<{ region: string; o: K8sObject }> = input.config.regions.flatMap((r) =>
  Object.values(renderRegion(input, r.name))
    .flat()
    .filter((o) => o.apiVersion.split('/')[0].endsWith('services.k8s.aws'))
    .map((o) => ({ region: r.name, o })),
);

test('the data tier renders ACK objects in both regions', () => {
  expect(new Set(ackObjects.map((x) => x.region)).size).toBe(input.config.regions.length);
  expect(ackObjects.length).toBeGreaterThan(10);
});

test.each(ackObjects.map((x) => [`${x.region} ${x.o.kind}/${x.o.metadata.name}`, x.o] as const))('%s: every spec field is in the form the controller writes back', (_name, o) => {
  const kind = `${o.apiVersion.split('/')[0]}/${o.kind}`;
  const rules = ACK_WRITE_BACK[kind];
  expect({ kind, known: rules !== undefined }).toEqual({ kind, known: true });
  const problems = Object.entries(o.spec as Record<string, unknown>).flatMap(([field, value]) => {
    const rule = rules[field];
    if (!rule) return [`${kind}.spec.${field}: not looked up: read how the controller writes it back and add it to test/support/ack-write-back.ts`];
    const problem = writeBackProblem(rule, value, (o.spec as { engine?: string }).engine);
    return problem ? [`${kind}.spec.${field}: ${problem} (${rule.source})`] : [];
  });
  expect(problems).toEqual([]);
});

describe('the rule catches the forms the controllers rewrite', () => {
  const cluster = ACK_WRITE_BACK['rds.services.k8s.aws/DBCluster'];
  test('a KMS alias (the standby cluster once rendered alias/aws/rds)', () => {
    expect(writeBackProblem(cluster.kmsKeyID, 'alias/aws/rds')).toMatch(/rewritten to the key ARN/);
    expect(writeBackProblem(cluster.kmsKeyID, 'arn:aws:kms:us-west-2:111122223333:key/0e5a1c7e-0000-4000-8000-000000000002')).toBeUndefined();
  });
  test('a short engine version', () => {
    expect(writeBackProblem(cluster.engineVersion, '8.0', 'aurora-mysql')).toMatch(/full version/);
    expect(writeBackProblem(cluster.engineVersion, '8.0.mysql_aurora.3.08.0', 'aurora-mysql')).toBeUndefined();
    expect(writeBackProblem(cluster.engineVersion, '16', 'aurora-postgresql')).toMatch(/full version/);
  });
  test('an identifier with capitals', () => {
    expect(writeBackProblem(cluster.dbClusterIdentifier, 'SecureCart-prod-orders')).toMatch(/"securecart-prod-orders"/);
  });
  test('a field nobody looked up is refused', () => {
    expect(cluster.sourceRegion).toBeUndefined();
  });
});
