/**
 * Jest runs everything under test/ (unit and e2e); npm test runs two suites at a time (--maxWorkers=2).
 * Each e2e suite starts its own redis-server on a free loopback port with its own SQLite file in a temp
 * directory, and the contract log is one file per worker process, so suites share nothing. Many suites
 * spend much of their time waiting (child processes starting, timers falling due), which a second
 * worker fills even on two cores. The Postgres run (jest.postgres.config.js) stays one at a time: its
 * suites share one database.
 *
 * NestJS 12 ships as ES modules only. Node 24 loads them from our CommonJS build natively
 * (require(esm)), but Jest's own module runtime does not, so under Jest the @nestjs
 * packages are compiled to CommonJS by Babel (import.meta rewritten to what a CommonJS module
 * has, see test/support/babel-import-meta.js). The application code under test is the same;
 * only Jest's loader differs.
 */
// otplib's base32 and HMAC plugins use @scure/base and @noble/hashes 2, which are ES modules only too.
const esmOnly = [
  '@nestjs',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  '@scure',
  '@noble',
];

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  // test/browser/ holds Playwright's specs (npm run test:browser), run after Jest by npm test.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    '^.+\\.m?js$': [
      'babel-jest',
      {
        babelrc: false,
        configFile: false,
        plugins: [
          require.resolve('./test/support/babel-import-meta.js'),
          '@babel/plugin-transform-dynamic-import',
          '@babel/plugin-transform-modules-commonjs',
        ],
      },
    ],
  },
  // Also where npm nests them inside another package (otplib's plugins keep their own @noble/hashes).
  transformIgnorePatterns: [`/node_modules/(?!(?:(?:@[^/]+/)?[^/]+/node_modules/)*(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testTimeout: 30000,
  // Every response an e2e test receives is checked against the OpenAPI document (test/contract/).
  setupFilesAfterEnv: ['<rootDir>/test/contract/setup.ts'],
  globalSetup: '<rootDir>/test/contract/global-setup.ts',
  globalTeardown: '<rootDir>/test/contract/global-teardown.ts',
};
