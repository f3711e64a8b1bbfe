import type request from 'supertest';
import { bearer } from './harness';
import { waitFor } from './wait';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the department's view as JSON, checked by the suites
type DepartmentWarning = any;

/**
 * Issuing a warning answers 202 at once; each operator's workflow is created by the fan-out jobs
 * after it. Waits until the department's view says the fan-out is done and returns that view (with
 * every target), so a suite goes on from where the old one-request issue left it.
 */
export async function fannedOut(
  http: () => ReturnType<typeof request>,
  warningId: string,
  departmentToken: string,
  timeoutMs = 20_000,
): Promise<DepartmentWarning> {
  return waitFor(
    `the fan-out of warning ${warningId}`,
    async () => {
      const res = await http().get(`/api/v1/warnings/${warningId}`).set(bearer(departmentToken));
      return res.status === 200 && res.body.fanout?.status === 'done' ? (res.body as DepartmentWarning) : undefined;
    },
    timeoutMs,
    25,
  );
}
