export * from './locked-vault';
export * from './regional-backup';
export * from './restore-testing';
