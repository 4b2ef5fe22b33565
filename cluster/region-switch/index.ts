export * from './execution-role';
export * from './region-switch-plan';
export * from './region-switch-stack';
export * from './scaling-access';
