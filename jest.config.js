/**
 * Tests run transpile-only (isolatedModules in tsconfig.json): `npm test` type-checks the whole project once with
 * `tsc --noEmit` first, instead of ts-jest type-checking every suite (~10 s and 1.6 GB each).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 120000,
};
