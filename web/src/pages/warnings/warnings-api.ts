import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { queryKeys } from '../../api/query-keys';

export type Warning = Schemas['OperatorWarningView'];
export type WarningSummary = Schemas['WarningSummaryView'];
export type WarningEvent = Schemas['WarningEventBody'];

/** Keys start with 'warning': the live stream's warning changes (a colleague's assessment) refresh them. */
export function useWarnings(page: number, pageSize: number) {
  return useQuery({
    queryKey: queryKeys.warnings('list', { page, pageSize }),
    queryFn: () => unwrap(api.GET('/api/v1/warnings', { params: { query: { page, pageSize } } })),
  });
}

/** An operator's view of a warning (the console's warnings pages are the operator's). */
export function useWarning(id: string) {
  return useQuery({
    queryKey: queryKeys.warnings(id),
    queryFn: async () => (await unwrap(api.GET('/api/v1/warnings/{id}', { params: { path: { id } } }))) as Warning,
  });
}

export function useWarningEvent(warning: Warning) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Omit<WarningEvent, 'expectedVersion'>) =>
      unwrap(
        api.POST('/api/v1/warnings/{id}/events', {
          params: { path: { id: warning.id } },
          body: { ...body, expectedVersion: warning.version },
        }),
      ),
    onSuccess: (next) => {
      qc.setQueryData(queryKeys.warnings(warning.id), next);
      void qc.invalidateQueries({ queryKey: queryKeys.warnings('list') });
    },
    onError: () => void qc.invalidateQueries({ queryKey: queryKeys.warnings(warning.id) }),
  });
}

/** The events an operator sends through the console, in workflow order (timer events are the service's). */
export const WARNING_EVENTS = ['START_ASSESSMENT', 'ASSESSED', 'ACTIONS_TAKEN', 'FEEDBACK_SENT', 'CLOSE'] as const;
export type WarningEventType = (typeof WARNING_EVENTS)[number];

export const LEVEL_COLOURS: Record<string, string> = { red: 'red', orange: 'orange', yellow: 'gold', blue: 'blue' };
