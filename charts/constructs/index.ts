export * from './highly-available-service';
export * from './namespace-baseline';
