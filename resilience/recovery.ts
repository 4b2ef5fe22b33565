/**
 * Recovering data that replication cannot save (a bad migration, a deleted table, a malicious delete,
 * a lost region's backups) and what RDS Proxy changes in a database failover: pure functions of the
 * config, with the published figures they rest on.
 */
import { PlatformConfig } from '../config/schema';
import { FIGURES } from './figures';

/** Published figures about restores and the proxy, each with its source. */
export const RECOVERY_FIGURES = {
  dynamoRestore: {
    seconds: 3600,
    source:
      'DynamoDB: "95 percent of customers\' table restores complete in less than one hour"; restore times are "not always correlated directly to the size of the table" (DynamoDB Developer Guide, "Point-in-time recovery for DynamoDB")',
  },
  auroraRestore: {
    seconds: null,
    source:
      'Aurora: a point-in-time restore creates a new cluster and replays the logs, which "might take several hours to complete" depending on their quantity (Aurora User Guide, restoring to a point in time); AWS publishes no figure, and AWS Backup restores the cluster without an instance ("Restoring an Amazon Aurora cluster"), which is then added',
  },
  auroraLatestRestorable: {
    seconds: 300,
    source: 'Aurora: the latest restorable time is "typically within 5 minutes of the current time" (Aurora User Guide, "Overview of backing up and restoring an Aurora DB cluster")',
  },
  proxyFailoverReduction: {
    percent: 66,
    source:
      'RDS Proxy: "reduce failover times by up to 66% for Aurora Multi-AZ databases"; clients keep the proxy\'s address (no DNS change to wait for), requests queue while the writer is unavailable, and only connections in a transaction are cancelled (Aurora User Guide, "High availability for Amazon Aurora" and "Using RDS Proxy with Aurora global databases")',
  },
  proxyBorrowTimeout: {
    seconds: 120,
    source: 'RDS Proxy ConnectionBorrowTimeout default: a client waits up to 120 s for a database connection, e.g. during a failover (RDS API, ConnectionPoolConfiguration)',
  },
} as const;

/** One way data is lost, and how it comes back. */
export interface RecoveryScenario {
  readonly scenario: string;
  readonly stores: string;
  readonly rpo: string;
  readonly rto: string;
  /** Section of docs/operations.md with the commands. */
  readonly runbook: string;
}

/** How a failover looks to clients without and with RDS Proxy, from the published figures. */
export interface ProxyFailover {
  readonly withoutProxySeconds: number;
  readonly withProxySeconds: number;
  readonly borrowTimeoutSeconds: number;
}

/** The Multi-AZ writer failover as clients see it, with the proxy's published reduction applied. */
export function proxyFailover(): ProxyFailover {
  const without = FIGURES.auroraMultiAzFailover.seconds;
  return {
    withoutProxySeconds: without,
    withProxySeconds: Math.round(without * (1 - RECOVERY_FIGURES.proxyFailoverReduction.percent / 100)),
    borrowTimeoutSeconds: RECOVERY_FIGURES.proxyBorrowTimeout.seconds,
  };
}

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** The recovery scenarios of the environment, beside zone and region loss. */
export function recoveryScenarios(config: PlatformConfig): RecoveryScenario[] {
  const pitr = config.data.backupRetentionDays;
  const b = config.data.backup;
  const others = config.regions.length - 1;
  return [
    {
      scenario: 'A bad migration or a deleted or corrupted table or row',
      stores: 'orders, catalog (Aurora)',
      rpo: `to the second before the damage, any time in the last ${days(pitr)} (continuous backups; the latest restorable time trails by up to ~${RECOVERY_FIGURES.auroraLatestRestorable.seconds / 60} min)`,
      rto: 'the restore (size-dependent: AWS publishes no figure, "several hours" for a large log) + one instance + the fix-up: copy the rows back, or repoint the service',
      runbook: 'docs/operations.md#restoring-a-database-to-a-point-in-time',
    },
    {
      scenario: 'A deleted or corrupted cart item or table',
      stores: 'carts (DynamoDB)',
      rpo: `to the second before the damage, any time in the last ${days(pitr)} (DynamoDB point-in-time recovery, every replica)`,
      rto: `< ${RECOVERY_FIGURES.dynamoRestore.seconds / 60} min for 95 % of restores (AWS), into a new table, then copied back or swapped in`,
      runbook: 'docs/operations.md#restoring-the-carts-table',
    },
    {
      scenario: "A region's backups lost with the region",
      stores: 'orders, catalog, carts, media',
      rpo: `the last daily copy in the other region${others > 1 ? 's' : ''} (≤ 24 h + the copy's time; daily ${days(b.dailyRetentionDays)}, monthly ${days(b.monthlyRetentionDays)}); the live data itself is in the other region's replicas`,
      rto: 'as a restore above, from the copy in the surviving vault (restore tests prove the copies every week)',
      runbook: 'docs/operations.md#restoring-from-the-other-regions-copies',
    },
    {
      scenario: 'A malicious or mistaken delete (databases, table, backups)',
      stores: 'every protected store',
      rpo: `seconds while the continuous recovery point survives (the vault keeps it ${days(pitr)}); else the last daily backup (≤ 24 h)`,
      rto: `as a restore above. The vault lock (compliance mode, immutable ${days(b.vaultLockGraceDays)} after creation) refuses any early delete of a recovery point, the root user's included; deletion protection refuses deleting the clusters and the table`,
      runbook: 'docs/operations.md#after-a-malicious-delete',
    },
    {
      scenario: 'Redis lost or corrupted',
      stores: 'checkout (Redis)',
      rpo: "checkout sessions in progress (the cart and orders are elsewhere): restarting empty is the recovery; ElastiCache's daily snapshots are kept " + days(pitr) + ', not copied to the other region',
      rto: `a Multi-AZ failover (~${FIGURES.elastiCacheFailover.seconds} s) or an empty replacement; customers restart their checkout`,
      runbook: 'docs/operations.md#redis-snapshots',
    },
  ];
}
