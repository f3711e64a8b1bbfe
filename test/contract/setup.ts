import { afterAll, afterEach } from '@jest/globals';
import { formatViolations, takeViolations } from './contract-recorder';

/**
 * Every test file runs with this (jest.config.js setupFilesAfterEnv): a response that disagrees
 * with the OpenAPI document fails the test that received it. There is no switch to turn it off;
 * responses that arrive after the last test (a file's own afterAll) are failed by the run's
 * global teardown instead (test/contract/global-teardown.ts).
 */
const fail = () => {
  const violations = takeViolations();
  if (violations.length) {
    throw new Error(`Responses that disagree with the OpenAPI document:\n${formatViolations(violations)}`);
  }
};

afterEach(fail);
afterAll(fail);
