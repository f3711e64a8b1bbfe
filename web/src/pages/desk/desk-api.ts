import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import type { SessionView } from '../../api/session';

export type InboxItem = Schemas['InboxItemView'];
export type InboxQuery = {
  grade?: 'I' | 'II' | 'III' | 'IV';
  category?: string;
  status?: 'unacknowledged' | 'acknowledged' | 'info-requested' | 'onward-pending' | 'forwarded';
  overdue?: boolean;
  drill?: boolean;
  incidentId?: string;
  page?: number;
  pageSize?: number;
};
export type IssuedWarning = Schemas['DepartmentWarningView'];
export type WarningTarget = Schemas['WarningTargetView'];
export type TargetStatus = Schemas['TargetStatusView'];
export type CreateWarning = Schemas['CreateWarningBody'];

/**
 * The department desk's server state. Inbox keys start with 'inbox' and warning keys with 'warning'
 * (api/query-keys.ts): a report submitted to the department, or an operator's feedback, reaches the open
 * page through the live stream without a reload.
 */
export function useInbox(query: InboxQuery) {
  return useQuery({
    queryKey: queryKeys.inbox('list', query),
    queryFn: () => unwrap(api.GET('/api/v1/inbox/reports', { params: { query } })),
  });
}

export function useInboxItem(id: string) {
  return useQuery({
    queryKey: queryKeys.inbox(id),
    queryFn: () => unwrap(api.GET('/api/v1/inbox/reports/{id}', { params: { path: { id } } })),
  });
}

function useAfterInboxChange() {
  const qc = useQueryClient();
  return (item: InboxItem) => {
    qc.setQueryData(queryKeys.inbox(item.report.id), item);
    void qc.invalidateQueries({ queryKey: ['inbox'], predicate: (q) => q.queryKey[1] !== item.report.id });
  };
}

export function useAcknowledge(id: string) {
  const after = useAfterInboxChange();
  return useMutation({
    mutationFn: (note?: string) =>
      unwrap(
        api.POST('/api/v1/inbox/reports/{id}/acknowledge', {
          params: { path: { id } },
          body: note ? { note } : {},
        }),
      ),
    onSuccess: after,
  });
}

export function useRequestInfo(id: string) {
  const after = useAfterInboxChange();
  return useMutation({
    mutationFn: (message: string) =>
      unwrap(api.POST('/api/v1/inbox/reports/{id}/request-info', { params: { path: { id } }, body: { message } })),
    onSuccess: after,
  });
}

export function useForward(id: string) {
  const after = useAfterInboxChange();
  return useMutation({
    mutationFn: (body: { reference: string; forwardedAt?: string }) =>
      unwrap(api.POST('/api/v1/inbox/reports/{id}/forward', { params: { path: { id } }, body })),
    onSuccess: after,
  });
}

export function useIssuedWarnings(page: number, pageSize: number, drill?: boolean) {
  const query = { page, pageSize, ...(drill === undefined ? {} : { drill }) };
  return useQuery({
    queryKey: queryKeys.warnings('issued', query),
    queryFn: () => unwrap(api.GET('/api/v1/warnings', { params: { query } })),
  });
}

export function useIssuedWarning(id: string) {
  return useQuery({
    queryKey: queryKeys.warnings(id),
    queryFn: async () =>
      // The department's view of its own warning (fan-out and counts; the operators are paged apart).
      (await unwrap(api.GET('/api/v1/warnings/{id}', { params: { path: { id } } }))) as IssuedWarning,
    // Asked again as the feedback deadline passes, so the overdue count turns with the rows.
    refetchInterval: (query) => {
      const due = query.state.data ? Date.parse(query.state.data.feedbackDueAt) - Date.now() : -1;
      // At most a day apart: a timer further out than 2^31 ms would fire at once in a browser.
      return due > 0 ? Math.min(due + 1000, 24 * 3600_000) : false;
    },
  });
}

export type TargetAnswer = NonNullable<TargetStatus['answer']>;
export type TargetPageQuery = { page: number; pageSize: number; answer?: TargetAnswer };

/** One page of the operators a warning reached, overdue first (the server's order). */
export function useWarningTargetPage(id: string, query: TargetPageQuery) {
  return useQuery({
    queryKey: queryKeys.warnings(id, 'targets', query),
    queryFn: () => unwrap(api.GET('/api/v1/warnings/{id}/targets', { params: { path: { id }, query } })),
    // The next page of a table being paged through keeps the rows on screen until it arrives.
    placeholderData: (previous) => previous,
  });
}

/** Every operator a warning reached (for the CSV export), read a page of 100 at a time. */
export async function allWarningTargets(id: string, answer?: TargetAnswer): Promise<TargetStatus[]> {
  const all: TargetStatus[] = [];
  for (let page = 1; ; page++) {
    const res = await unwrap(
      api.GET('/api/v1/warnings/{id}/targets', {
        params: { path: { id }, query: { page, pageSize: 100, ...(answer ? { answer } : {}) } },
      }),
    );
    all.push(...res.items);
    if (res.items.length < 100 || all.length >= res.total) return all;
  }
}

/** The department's sector and the first 50 of its operators whose name contains `search` (all without it). */
export function useWarningTargets(search = '') {
  const query = { pageSize: 50, ...(search ? { q: search } : {}) };
  return useQuery({
    queryKey: queryKeys.warnings('targets', query),
    queryFn: () => unwrap(api.GET('/api/v1/warnings/targets', { params: { query } })),
    // The options stay while the next search is asked.
    placeholderData: (previous) => previous,
  });
}

export function useIssueWarning() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateWarning) => unwrap(api.POST('/api/v1/warnings', { body })),
    // The answer is the warning with its fan-out just queued, not the department's view of it: the
    // tracker fetches that view and follows the fan-out through the live stream.
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['warning'] });
    },
  });
}

type User = SessionView['user'];

/** Who may act on the desk (the controllers' @Roles), so nothing the API would refuse is offered. */
export const mayHandleInbox = (u: User) =>
  u.orgKind === 'department' && ['department-officer', 'admin'].includes(u.role);
export const mayIssueWarning = (u: User) => u.orgKind === 'department' && u.role === 'department-officer';
