export * from './endpoint-policies';
export * from './image-cache';
export * from './partner-endpoints';
export * from './regional-network';
export * from './vpc-endpoints';
