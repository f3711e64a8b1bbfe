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

/**
 * Every operator a department's warning reached, read a page at a time from GET /warnings/:id/targets
 * (`answer` keeps one kind), in the endpoint's order; fails if the pages and their totals disagree.
 */
export async function allTargets(
  http: () => ReturnType<typeof request>,
  warningId: string,
  departmentToken: string,
  answer?: string,
): Promise<DepartmentWarning[]> {
  const items: DepartmentWarning[] = [];
  for (let page = 1; ; page++) {
    const res = await http()
      .get(`/api/v1/warnings/${warningId}/targets`)
      .query({ page, pageSize: 100, ...(answer ? { answer } : {}) })
      .set(bearer(departmentToken));
    if (res.status !== 200) throw new Error(`targets page ${page}: ${res.status} ${JSON.stringify(res.body)}`);
    items.push(...res.body.items);
    if (res.body.items.length < 100) {
      if (items.length !== res.body.total)
        throw new Error(`read ${items.length} targets, total says ${res.body.total}`);
      return items;
    }
  }
}
