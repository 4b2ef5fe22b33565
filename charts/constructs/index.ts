export * from './aurora-global-database';
export * from './highly-available-service';
export * from './namespace-baseline';
export * from './redis-replication-group';
export * from './shop-node-pool';
export * from './failover-ingress';
export * from './fault-injection-access';
export * from './trace-collector';
