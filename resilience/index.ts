/**
 * The models of the platform, as pure functions the report, the command-line entry points, the drills
 * and the charts share: capacity under zone spread and disruption (capacity), where the pods of a lost
 * zone go through both schedulers (zone-loss, and the report's scenarios in zone-loss-scenarios), DNS
 * failover (failover), the resilience report built from rendered manifests (report, chart), the region
 * promotion plan (promotion), scheduled peaks (schedules), a zone's NAT gateway failing (nat-loss) and
 * the figures they take as inputs (figures).
 */
export * from './capacity';
export * from './failover';
export * from './figures';
export * from './nat-loss';
export * from './promotion';
export * from './report';
export * from './schedules';
export * from './zone-loss';
export * from './zone-loss-scenarios';
