/**
 * The recovery scenarios and the proxy's failover figures in the resilience report (issue 14,
 * requirement 3), by hand-computed cases, and the runbook sections they point to.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig, parseConfig } from '../config/load';
import { FIGURES } from '../resilience/figures';
import { proxyFailover, RECOVERY_FIGURES, recoveryScenarios } from '../resilience/recovery';
import { buildReport, readRendered } from '../resilience/report';
import { defaultConfigData, ROOT } from './helpers';

const OPERATIONS = fs.readFileSync(path.join(ROOT, 'docs', 'operations.md'), 'utf8');

/** GitHub's heading anchors: lowercase, punctuation other than '-' and '_' dropped, spaces to '-'. */
const anchors = new Set(
  OPERATIONS.split('\n')
    .filter((l) => /^#{1,6} /.test(l))
    .map((l) =>
      l
        .replace(/^#+ /, '')
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
);

describe('RDS Proxy in a failover', () => {
  test('the Multi-AZ failover shortened by the published 66 %: 30 s becomes 10 s; clients wait up to the 120 s borrow timeout', () => {
    expect(FIGURES.auroraMultiAzFailover.seconds).toBe(30);
    expect(RECOVERY_FIGURES.proxyFailoverReduction.percent).toBe(66);
    // 30 × (1 − 0.66) = 10.2, rounded.
    expect(proxyFailover()).toEqual({ withoutProxySeconds: 30, withProxySeconds: 10, borrowTimeoutSeconds: 120 });
  });
});

describe('recovery scenarios', () => {
  test('the default environment: 35 days of point-in-time recovery, daily 35 d and monthly 365 d copies, a 3-day grace', () => {
    const rows = recoveryScenarios(loadConfig());
    expect(rows.map((r) => r.scenario)).toEqual([
      'A bad migration or a deleted or corrupted table or row',
      'A deleted or corrupted cart item or table',
      "A region's backups lost with the region",
      'A malicious or mistaken delete (databases, table, backups)',
      'Redis lost or corrupted',
    ]);
    expect(rows[0].rpo).toContain('any time in the last 35 days');
    expect(rows[0].rpo).toContain('up to ~5 min');
    expect(rows[1].rto).toBe('< 60 min for 95 % of restores (AWS), into a new table, then copied back or swapped in');
    expect(rows[2].rpo).toContain('daily 35 days, monthly 365 days');
    expect(rows[3].rto).toContain('immutable 3 days after creation');
    expect(rows[4].rpo).toContain('kept 35 days, not copied to the other region');
  });

  test('a variant: 7 days of PITR, 14-day dailies, a 10-day grace, three regions', () => {
    const data = defaultConfigData();
    data.data.backupRetentionDays = 7;
    data.data.backup.dailyRetentionDays = 14;
    data.data.backup.vaultLockGraceDays = 10;
    data.regions.push({ name: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], vpcCidr: '10.30.0.0/16' });
    for (const service of Object.values(data.services) as Array<{ regions: Record<string, unknown> }>) service.regions['eu-west-1'] = { minReplicas: 2, maxReplicas: 4 };
    // The partner (network.partners) needs its endpoint service in the new region too.
    for (const partner of data.network.partners) partner.serviceNames['eu-west-1'] = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0a1b2c3d4e5f60003';
    const rows = recoveryScenarios(parseConfig(data));
    expect(rows[0].rpo).toContain('any time in the last 7 days');
    expect(rows[2].rpo).toContain('the last daily copy in the other regions');
    expect(rows[2].rpo).toContain('daily 14 days');
    expect(rows[3].rpo).toContain('the vault keeps it 7 days');
    expect(rows[3].rto).toContain('immutable 10 days after creation');
  });

  test('every scenario points at a runbook section that exists', () => {
    for (const r of recoveryScenarios(loadConfig())) {
      const [file, anchor] = r.runbook.split('#');
      expect(file).toBe('docs/operations.md');
      expect({ anchor, exists: anchors.has(anchor) }).toEqual({ anchor, exists: true });
    }
  });

  test('the report carries them; no proxy section while the services use the clusters\' endpoints (data.rdsProxy off)', () => {
    const config = loadConfig();
    const report = buildReport(config, readRendered(path.join(ROOT, 'manifests'), config));
    expect(report.recovery).toEqual(recoveryScenarios(config));
    expect(report.proxy).toBeNull();
    expect(report.markdown).toContain('## Recovering data that replication cannot save');
    expect(report.markdown).not.toContain('### RDS Proxy in a database failover');
    expect(report.markdown).toContain(`- 66 %: ${RECOVERY_FIGURES.proxyFailoverReduction.source}`);
  });
});
