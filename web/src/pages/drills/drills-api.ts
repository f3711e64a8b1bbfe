import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import type { SessionView } from '../../api/session';

export type Drill = Schemas['DrillView'];
export type DrillCompliance = Schemas['DrillComplianceView'];
export type PlanDrills = Schemas['PlanDrillsView'];
export type Person = Schemas['DrillParticipantView'];
export type ScheduleDrill = Schemas['ScheduleDrillDto'];
export type EvaluateDrill = Schemas['EvaluateDrillDto'];

/** The API's rules: scheduling, cancelling and evaluating by an admin or leader; starting also by a commander. */
export const mayPlanDrills = (u: SessionView['user']) => u.role === 'admin' || u.role === 'leader';
export const mayStartDrills = (u: SessionView['user']) => mayPlanDrills(u) || u.role === 'commander';

export function useDrills() {
  return useQuery({ queryKey: queryKeys.drills('list'), queryFn: () => unwrap(api.GET('/api/v1/drills')) });
}

export function useDrill(id: string) {
  return useQuery({
    queryKey: queryKeys.drills(id),
    queryFn: () => unwrap(api.GET('/api/v1/drills/{id}', { params: { path: { id } } })),
  });
}

export function useDrillCompliance() {
  return useQuery({
    queryKey: queryKeys.drills('compliance'),
    queryFn: () => unwrap(api.GET('/api/v1/drills/compliance')),
  });
}

export function usePeople(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.drills('people'),
    enabled,
    queryFn: () => unwrap(api.GET('/api/v1/drills/people')),
  });
}

/** Writes that change drills: every drills query is refetched after them (and plans: a start pins a version). */
export function useDrillsMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['drills'] });
      void qc.invalidateQueries({ queryKey: ['plans'] });
    },
  });
}

export const drillCalls = {
  schedule: (body: ScheduleDrill) => unwrap(api.POST('/api/v1/drills', { body })),
  start: (id: string) => unwrap(api.POST('/api/v1/drills/{id}/start', { params: { path: { id } } })),
  cancel: (id: string, reason: string) =>
    unwrap(api.POST('/api/v1/drills/{id}/cancellation', { params: { path: { id } }, body: { reason } })),
  evaluate: (id: string, body: EvaluateDrill) =>
    unwrap(api.POST('/api/v1/drills/{id}/evaluation', { params: { path: { id } }, body })),
  completeFollowUp: (id: string, followUpId: string) =>
    unwrap(
      api.POST('/api/v1/drills/{id}/follow-ups/{followUpId}/completion', {
        params: { path: { id, followUpId } },
        body: {},
      }),
    ),
};

export const STATUS_COLOURS: Record<string, string | undefined> = {
  scheduled: 'blue',
  started: 'orange',
  evaluated: 'green',
  cancelled: undefined,
};
