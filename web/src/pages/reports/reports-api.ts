import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { useI18n } from '../../i18n';

export type Report = Schemas['ReportView'];
export type IncidentReports = Schemas['IncidentReportsView'];
export type Delivery = Schemas['ReportDeliveryView'];
export type OutOfBand = Schemas['OutOfBandDeliveryDto'];
export type ReportKind = Report['kind'];
export type ReportListQuery = { status?: Report['status']; kind?: ReportKind; page?: number; pageSize?: number };

/**
 * The reports' server state. Keys start with 'report' (api/query-keys.ts): the live stream's report and
 * delivery changes (a department acknowledging, a delivery going through) refresh every report view.
 */
export function useIncidentReports(incidentId: string) {
  return useQuery({
    queryKey: queryKeys.reports('incident', incidentId),
    queryFn: () => unwrap(api.GET('/api/v1/incidents/{id}/reports', { params: { path: { id: incidentId } } })),
  });
}

export function useReport(id: string) {
  return useQuery({
    queryKey: queryKeys.reports(id),
    queryFn: () => unwrap(api.GET('/api/v1/reports/{id}', { params: { path: { id } } })),
  });
}

export function useReportList(query: ReportListQuery) {
  return useQuery({
    queryKey: queryKeys.reports('list', query),
    queryFn: () => unwrap(api.GET('/api/v1/reports', { params: { query } })),
  });
}

/** Report field labels in both languages (the report answer carries the Chinese ones only): catalogue data. */
export function useFieldLabels(): (code: string, fallback?: string) => string {
  const { pick } = useI18n();
  const rules = useQuery({
    queryKey: queryKeys.reportingRules,
    queryFn: () => unwrap(api.GET('/api/v1/reporting-rules')),
    staleTime: Infinity,
  });
  const labels = useMemo(() => {
    const out = new Map<string, { zh: string; en: string }>();
    for (const rule of rules.data?.rules ?? []) {
      const r = rule.reports;
      for (const f of [
        ...r.initial.requiredFields,
        ...r.initial.minimumFields,
        ...r.followUp.requiredFields,
        ...r.final.requiredFields,
      ]) {
        out.set(f.code, f.label);
      }
    }
    return out;
  }, [rules.data]);
  return (code, fallback) => {
    const label = labels.get(code);
    return label ? pick(label) : (fallback ?? code);
  };
}

/** After a change: the report's answer shown at once; its incident (state, reports) and every list refetched. */
function useAfterChange() {
  const qc = useQueryClient();
  return (report: Report) => {
    qc.setQueryData(queryKeys.reports(report.id), report);
    void qc.invalidateQueries({ queryKey: ['report'], predicate: (q) => q.queryKey[1] !== report.id });
    void qc.invalidateQueries({ queryKey: queryKeys.incident(report.incident.id) });
    void qc.invalidateQueries({ queryKey: ['deadline'] });
  };
}

export function useDraftReport(incidentId: string) {
  const after = useAfterChange();
  return useMutation({
    mutationFn: (body: Schemas['CreateReportDto']) =>
      unwrap(api.POST('/api/v1/incidents/{id}/reports', { params: { path: { id: incidentId } }, body })),
    onSuccess: after,
  });
}

export function useUpdateReport(report: Report) {
  const after = useAfterChange();
  return useMutation({
    mutationFn: (body: { fields?: Record<string, string | null>; partial?: boolean }) =>
      unwrap(
        api.PATCH('/api/v1/reports/{id}', {
          params: { path: { id: report.id } },
          body: { ...body, expectedVersion: report.version },
        }),
      ),
    onSuccess: after,
  });
}

export function useApproveReport(report: Report) {
  const after = useAfterChange();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/reports/{id}/approve', { params: { path: { id: report.id } } })),
    onSuccess: after,
  });
}

export function useSubmitReport(report: Report) {
  const after = useAfterChange();
  return useMutation({
    mutationFn: (outOfBand: OutOfBand[]) =>
      unwrap(
        api.POST('/api/v1/reports/{id}/submit', {
          params: { path: { id: report.id } },
          body: outOfBand.length ? { outOfBand } : {},
        }),
      ),
    onSuccess: after,
  });
}

export function useAcknowledgeDelivery(report: Report) {
  const after = useAfterChange();
  return useMutation({
    mutationFn: (a: { deliveryId: string; note?: string }) =>
      unwrap(
        api.POST('/api/v1/reports/{id}/deliveries/{deliveryId}/acknowledge', {
          params: { path: { id: report.id, deliveryId: a.deliveryId } },
          body: a.note ? { note: a.note } : {},
        }),
      ),
    onSuccess: after,
  });
}

/** Who may do what with reports (the controller's @Roles), so nothing else is offered. */
export const REPORT_ROLES = {
  draft: ['liaison', 'commander', 'leader'],
  edit: ['liaison'],
  approve: ['commander', 'leader'],
  submit: ['liaison'],
  acknowledge: ['liaison', 'commander', 'leader'],
} as const;

export function may(action: keyof typeof REPORT_ROLES, role: string): boolean {
  return (REPORT_ROLES[action] as readonly string[]).includes(role);
}

/** The workflow event a report's submission sends to its incident. */
export const SUBMIT_EVENT: Record<ReportKind, string> = {
  initial: 'INITIAL_REPORT_SUBMITTED',
  followUp: 'FOLLOWUP_REPORT_SUBMITTED',
  final: 'FINAL_REPORT_SUBMITTED',
};

/**
 * The kinds the incident's workflow will take a report of now (its reporting region), so drafting is offered
 * only where the report can also go out: initial while due (or to complete a partial one), follow-ups after
 * the first report, the final report once it is due.
 */
export function draftableKinds(reporting: string | null): ReportKind[] {
  switch (reporting) {
    case 'initialDue':
      return ['initial'];
    case 'initialPartial':
      return ['initial', 'followUp'];
    case 'initialSubmitted':
      return ['followUp'];
    case 'finalDue':
      return ['followUp', 'final'];
    default:
      return [];
  }
}
