/**
 * Git and the clusters agree after a Region switch: the plan changes which region holds the writers and
 * takes the traffic, in AWS, and nothing in git describes that choice, so Argo CD has nothing to undo
 * and the next render is the same. Each test below is one way a render could disagree with a switched
 * AWS, checked against the pinned controllers' source.
 *
 * "Both orders": whether a render is applied before the switch or after it, the clusters receive the
 * same objects (the render has no input that names the active region), so each check below is made
 * against both AWS states: the home region holding the writers, and the other one.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { ACK_RDS_CALLS } from './support/ack-calls';
import { committedInput, K8sObject, renderRegion, ROOT } from './helpers';
import { RDS_GLOBAL_DB_RPO } from '../charts/constructs/aurora-global-database';
import { EXTERNAL_DNS_PREFIX } from '../charts/constants';

const input = committedInput();
const { config } = input;
const home = config.primaryRegion;
const regions = config.regions.map((r) => r.name);
const rendered = Object.fromEntries(regions.map((r) => [r, Object.values(renderRegion(input, r)).flat()])) as Record<string, K8sObject[]>;
const ofKind = (region: string, kind: string) => rendered[region].filter((o) => o.kind === kind);

/**
 * DBCluster spec fields ACK never reads back from AWS, so no value in git can differ from AWS for it
 * (rds-controller v1.11.1 pkg/resource/db_cluster/sdk.go: sdkFind starts from a copy of the desired
 * object, sdk.go:91, and overwrites only what DescribeDBClusters returns; GlobalClusterIdentifier,
 * EnableGlobalWriteForwarding and MasterUserPassword are not among them). The password is compared by
 * its Secret reference (hooks.go:396-406), which does not change with the role.
 */
const NEVER_READ_BACK = ['globalClusterIdentifier', 'enableGlobalWriteForwarding', 'masterUserPassword'];

/**
 * Fields DescribeDBClusters returns with a different value once a cluster changes role: a secondary
 * reports the primary's ARN as its replication source (and the roles swap at each switch). Rendered,
 * ACK would call ModifyDBCluster each time they differ (delta.go; custom_update.go:74-91).
 */
const ROLE_DEPENDENT = ['replicationSourceIdentifier'];

/**
 * Fields AWS returns unchanged for the life of a cluster, whatever its role ("This same name is returned
 * for the life of the DB cluster", RDS API reference, DBCluster.DatabaseName; the master user likewise):
 * rendered only on the home's cluster, they match AWS in both states.
 */
const FOR_LIFE = ['databaseName', 'masterUsername'];

test('ACK has no call that moves a global database\'s writer: a render cannot undo a switch', () => {
  // Every RDS call the controller makes for the kinds the data tier renders (test/support/ack-calls.ts).
  const actions = new Set(ACK_RDS_CALLS.map((c) => c.action));
  for (const undo of ['rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster', 'rds:RemoveFromGlobalCluster', 'rds:PromoteReadReplicaDBCluster']) expect(actions.has(undo)).toBe(false);
});

describe.each(regions)('%s', (region) => {
  test.each(['orders', 'catalog'])('%s: no rendered DBCluster field differs from AWS in either role', (db) => {
    const spec = ofKind(region, 'DBCluster').find((c) => c.metadata.name === db)!.spec;
    for (const field of ROLE_DEPENDENT) expect({ field, rendered: field in spec }).toEqual({ field, rendered: false });
    // What the home alone renders is either never read back or the same for the cluster's life.
    const homeOnly = Object.keys(ofKind(home, 'DBCluster').find((c) => c.metadata.name === db)!.spec).filter((k) => !(k in ofKind(regions.find((r) => r !== home)!, 'DBCluster').find((c) => c.metadata.name === db)!.spec));
    for (const field of homeOnly) expect([...NEVER_READ_BACK, ...FOR_LIFE]).toContain(field);
  });

  test('the services\' database hosts are the clusters\' own endpoints, the same name in both roles', () => {
    const exports = ofKind(region, 'FieldExport').filter((e) => e.spec.from.resource.kind === 'DBCluster');
    expect(exports.map((e) => e.spec.from.path)).toEqual(['.status.endpoint', '.status.endpoint']);
    for (const d of ofKind(region, 'Deployment')) {
      const refs = d.spec.template.spec.containers.flatMap((c: any) => c.env ?? []).map((e: any) => e.valueFrom?.configMapKeyRef).filter(Boolean);
      // No proxy endpoint: neither of a proxy's endpoints serves both roles.
      for (const ref of refs) expect(ref.name).not.toMatch(/proxy/);
    }
  });

  test('Argo CD leaves the Deployments\' replica count to the autoscaler and the plan: a scale is never reverted', () => {
    // The rendered count is only the first one: every Application ignores /spec/replicas and keeps the
    // live value when it syncs (RespectIgnoreDifferences), so ARC's scale and the HPA's stand: argo-cd
    // v3.4.4 controller/sync.go:261-271 normalizes the sync's targets with the live values of the ignored
    // fields when the option is set, and :455-458 copies them into what it applies.
    const apps = YAML.parseAllDocuments(fs.readFileSync(path.join(ROOT, 'argocd', region, 'applications.yaml'), 'utf8')).map((d) => d.toJSON());
    const shop = apps.filter((a) => a?.kind === 'Application' && a.spec.destination.namespace === config.namespace);
    expect(shop.length).toBeGreaterThan(0);
    for (const a of shop) {
      expect(a.spec.ignoreDifferences).toContainEqual({ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] });
      expect(a.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
    }
  });

  test('every region runs the same number of database instances: whichever holds the writer is Multi-AZ', () => {
    for (const db of ['orders', 'catalog']) {
      const count = ofKind(region, 'DBInstance').filter((i) => i.metadata.name.startsWith(`${db}-`)).length;
      expect({ db, count }).toEqual({ db, count: config.data[db as 'orders' | 'catalog'].instances });
    }
  });
});

test('the home keeps what only the global databases\' creator holds; the other region renders none of it', () => {
  const other = regions.find((r) => r !== home)!;
  expect(ofKind(home, 'GlobalCluster').map((g) => g.metadata.name).sort()).toEqual(['catalog', 'orders']);
  expect(ofKind(other, 'GlobalCluster')).toEqual([]);
  const bound = (region: string) => ofKind(region, 'DBClusterParameterGroup').filter((g) => RDS_GLOBAL_DB_RPO in (g.spec.parameterOverrides ?? {})).length;
  expect([bound(home), bound(other)]).toEqual([config.data.ordersRpoBoundSeconds === null ? 0 : 1, 0]);
});

test('the failover records keep their roles: the home is PRIMARY, the plan\'s health check (not git) decides who answers', () => {
  const role = (region: string) => ofKind(region, 'Ingress').map((i) => i.metadata.annotations?.[`${EXTERNAL_DNS_PREFIX}aws-failover`]).find(Boolean);
  expect(Object.fromEntries(regions.map((r) => [r, role(r)]))).toEqual(Object.fromEntries(regions.map((r) => [r, r === home ? 'PRIMARY' : 'SECONDARY'])));
});

test('rendering twice gives the same objects: nothing in the render depends on time or on AWS', () => {
  const again = Object.fromEntries(regions.map((r) => [r, Object.values(renderRegion(input, r)).flat()]));
  expect(again).toEqual(rendered);
});
