/**
 * The models of the platform, as pure functions the report, the command-line entry points, the drills
 * and the charts share: capacity under zone spread and disruption (capacity), DNS failover (failover),
 * the resilience report built from rendered manifests (report, chart) and the region promotion plan
 * (promotion).
 */
export * from './capacity';
export * from './failover';
export * from './promotion';
export * from './report';
