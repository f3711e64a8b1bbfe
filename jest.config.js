/** Jest runs everything under test/ (unit and e2e) in one process, one file at a time (--runInBand):
 *  the e2e suites each start their own redis-server and SQLite file, and two cores do not gain
 *  from parallel workers fighting over them. */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
};
