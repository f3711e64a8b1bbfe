import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { incidentQuery } from '../../api/incidents';
import { queryKeys } from '../../api/query-keys';
import type { Incident } from './workflow-state';

/**
 * The incident page's server state. Every key starts with ['incident', id] (api/query-keys.ts), so the
 * live stream's change of this incident, of its deadlines or of its reports refreshes all of it.
 */
export function useIncident(id: string) {
  return useQuery(incidentQuery(id));
}

/** The service answers a timeline TIMELINE_PAGE entries at a time; the page shows up to TIMELINE_PAGES of them. */
const TIMELINE_PAGE = 1000;
const TIMELINE_PAGES = 5;

export function useTimeline(id: string) {
  return useQuery({
    queryKey: queryKeys.incident(id, 'timeline'),
    queryFn: async () => {
      const entries: Schemas['TimelineEntryView'][] = [];
      for (let n = 0; n < TIMELINE_PAGES; n++) {
        const after = entries.length ? entries[entries.length - 1]!.seq : undefined;
        const page = await unwrap(
          api.GET('/api/v1/incidents/{id}/timeline', {
            params: { path: { id }, query: { limit: TIMELINE_PAGE, ...(after === undefined ? {} : { after }) } },
          }),
        );
        entries.push(...page);
        if (page.length < TIMELINE_PAGE) break;
      }
      return entries;
    },
  });
}

export function useCompliance(id: string) {
  return useQuery({
    queryKey: queryKeys.incident(id, 'compliance'),
    queryFn: () => unwrap(api.GET('/api/v1/incidents/{id}/compliance', { params: { path: { id } } })),
  });
}

/** A workflow version's description never changes while the service runs. */
export function useWorkflow(id: string, version: number) {
  return useQuery({
    queryKey: queryKeys.workflow(id, version),
    queryFn: () =>
      unwrap(api.GET('/api/v1/workflows/{id}', { params: { path: { id }, query: { version: String(version) } } })),
    staleTime: Infinity,
  });
}

/** A requirement's text (catalogue data, loaded at start-up): fetched once per page load, on first hover. */
export function useRequirement(id: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.requirement(id),
    queryFn: () => unwrap(api.GET('/api/v1/requirements/{id}', { params: { path: { id } } })),
    staleTime: Infinity,
    enabled,
  });
}

export type EventBody = Schemas['IncidentEventBody'];

/**
 * Sends a workflow event with the version the page shows (expectedVersion), so a colleague's change in
 * between is refused (409) rather than overridden. The answer is the incident as it is now.
 */
export function useApplyEvent(incident: Incident) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Omit<EventBody, 'expectedVersion'>) =>
      unwrap(
        api.POST('/api/v1/incidents/{id}/events', {
          params: { path: { id: incident.id } },
          body: { ...body, expectedVersion: incident.version },
        }),
      ),
    onSuccess: (next) => afterChange(qc, incident.id, next as Incident),
    onError: () => void qc.invalidateQueries({ queryKey: queryKeys.incident(incident.id) }),
  });
}

export function useStepAction(incident: Incident) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (
      a: { stepId: string } & (
        { kind: 'complete'; note?: string; evidence?: string[] } | { kind: 'reopen'; reason?: string }
      ),
    ) => {
      const params = { path: { id: incident.id, stepId: a.stepId } };
      const expectedVersion = incident.version;
      return a.kind === 'complete'
        ? unwrap(
            api.POST('/api/v1/incidents/{id}/steps/{stepId}/complete', {
              params,
              body: {
                expectedVersion,
                ...(a.note ? { note: a.note } : {}),
                ...(a.evidence?.length ? { evidence: a.evidence } : {}),
              },
            }),
          )
        : unwrap(
            api.POST('/api/v1/incidents/{id}/steps/{stepId}/reopen', {
              params,
              body: { expectedVersion, ...(a.reason ? { reason: a.reason } : {}) },
            }),
          );
    },
    onSuccess: (next) => afterChange(qc, incident.id, next as Incident),
    onError: () => void qc.invalidateQueries({ queryKey: queryKeys.incident(incident.id) }),
  });
}

function afterChange(qc: ReturnType<typeof useQueryClient>, id: string, next: Incident): void {
  // The answer is the whole incident (no Prefer: return=minimal): shown at once, the rest refetched.
  qc.setQueryData(queryKeys.incident(id), next);
  void qc.invalidateQueries({ queryKey: queryKeys.incident(id), predicate: (q) => q.queryKey.length > 2 });
  void qc.invalidateQueries({ queryKey: ['deadline'] });
  void qc.invalidateQueries({ queryKey: ['report'] });
}
