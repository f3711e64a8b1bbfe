import { api, unwrap } from './client';
import { queryKeys } from './query-keys';

/**
 * One incident as the API answers it (GET /api/v1/incidents/{id}): the incident page's query, and what the
 * shell prefetches beside the session when the console is opened at an incident's address (app/App.tsx), so
 * the answer is on its way while the page's code loads.
 */
export const incidentQuery = (id: string) => ({
  queryKey: queryKeys.incident(id),
  queryFn: () => unwrap(api.GET('/api/v1/incidents/{id}', { params: { path: { id } } })),
});

const INCIDENT_PATH = /^\/incidents\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/;

/** The incident id in a console path (`/incidents/:id/…`), if it names one. */
export function incidentIdIn(pathname: string): string | undefined {
  return INCIDENT_PATH.exec(pathname)?.[1];
}
