/**
 * What one audit entry says for the figures: a pure function of the entry, so the facts kept live
 * (MetricsProjection, from committed entries) and the facts rebuilt from the whole trail are made by
 * the same code. Each change is an order-independent merge (see metrics.entities.ts).
 */

/** The part of an audit entry the projection reads (a committed entry, or a stored row). */
export interface ProjectedEntry {
  seq: number;
  at: string;
  orgId: string | null;
  incidentId: string | null;
  action: string;
  payload: Readonly<Record<string, unknown>>;
}

export type FactChange =
  | {
      kind: 'incident-declared';
      incidentId: string;
      orgId: string;
      grade: string;
      seq: number;
      category: string;
      drill: boolean;
      at: string;
    }
  | { kind: 'incident-grade'; incidentId: string; grade: string; seq: number }
  | { kind: 'incident-time'; incidentId: string; column: 'confirmed_at' | 'contained_at' | 'closed_at'; at: string }
  | { kind: 'incident-dismissed'; incidentId: string }
  | { kind: 'deadline-missed'; incidentId: string; orgId: string; timer: string }
  | { kind: 'deadline-submitted'; incidentId: string; orgId: string; timer: string; seq: number; late: boolean }
  | { kind: 'deadline-escalated'; incidentId: string; orgId: string; timer: string; level: number }
  | { kind: 'report-timing'; reportId: string; late: boolean }
  | {
      kind: 'delivery';
      deliveryId: string;
      departmentOrgId: string;
      operatorOrgId: string;
      reportId: string;
      incidentReference: string;
      reportKind: string;
      grade: string;
      category: string;
      drill: boolean;
      receivedAt: string;
      onwardRequired: boolean;
    }
  | { kind: 'onward-missed'; deliveryId: string }
  | { kind: 'onward-forwarded'; deliveryId: string; status: string }
  | {
      kind: 'warning-target';
      warningId: string;
      operatorOrgId: string;
      departmentOrgId: string;
      reference: string;
      level: string;
      drill: boolean;
      issuedAt: string;
      dueAt: string;
    }
  | { kind: 'warning-feedback'; warningId: string; operatorOrgId: string; at: string };

/** The deadline each submission event meets (workflows/incident: meetDeadline). */
const SUBMISSION_TIMERS: Readonly<Record<string, string>> = {
  INITIAL_REPORT_SUBMITTED: 'initial-report',
  FINAL_REPORT_SUBMITTED: 'final-report',
  POLICE_REPORT_FILED: 'police-report',
};

/** Handling sub-states past containment, and top states after handling: containment is done. */
const PAST_CONTAINMENT = new Set(['eradication', 'recovery', 'done']);
const AFTER_RESPONSE = new Set(['review', 'reidentification', 'closed']);

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** Monday (UTC) of the week holding `iso`, as YYYY-MM-DD. */
export function weekOf(iso: string): string {
  const d = new Date(iso);
  const day = (d.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day));
  return monday.toISOString().slice(0, 10);
}

function handlingOf(stateValue: unknown): string | null {
  const response = obj(obj(stateValue)?.response);
  return response ? str(response.handling) : null;
}

export function project(e: ProjectedEntry): FactChange[] {
  const p = e.payload;
  if (e.action === 'incident.declared' && e.incidentId && e.orgId) {
    return [
      {
        kind: 'incident-declared',
        incidentId: e.incidentId,
        orgId: e.orgId,
        grade: String(p.grade),
        seq: e.seq,
        category: String(p.category),
        drill: p.drill === true,
        at: str(p.declaredAt) ?? e.at,
      },
    ];
  }
  if (e.action.startsWith('incident.event.') && e.incidentId && e.orgId) {
    const incidentId = e.incidentId;
    const event = obj(p.event) ?? {};
    const type = String(event.type ?? e.action.slice('incident.event.'.length));
    const out: FactChange[] = [];
    if ((type === 'CONFIRM' || type === 'REGRADE') && typeof event.grade === 'string')
      out.push({ kind: 'incident-grade', incidentId, grade: event.grade, seq: e.seq });
    if (type === 'CONFIRM') out.push({ kind: 'incident-time', incidentId, column: 'confirmed_at', at: e.at });
    const toState = str(p.toState);
    const handling = handlingOf(p.stateValue);
    if ((handling && PAST_CONTAINMENT.has(handling)) || (toState && AFTER_RESPONSE.has(toState)))
      out.push({ kind: 'incident-time', incidentId, column: 'contained_at', at: e.at });
    if (toState === 'closed') out.push({ kind: 'incident-time', incidentId, column: 'closed_at', at: e.at });
    if (toState === 'dismissed') out.push({ kind: 'incident-dismissed', incidentId });
    if (type === 'DEADLINE_MISSED' && typeof event.timer === 'string')
      out.push({ kind: 'deadline-missed', incidentId, orgId: e.orgId, timer: event.timer });
    const timer = SUBMISSION_TIMERS[type];
    // `late` is the runtime's decision from the submission time and the due time (workflow version 3).
    if (timer && typeof p.late === 'boolean') {
      out.push({ kind: 'deadline-submitted', incidentId, orgId: e.orgId, timer, seq: e.seq, late: p.late });
      const reportId = str(event.reportId);
      if (reportId) out.push({ kind: 'report-timing', reportId, late: p.late });
    }
    return out;
  }
  if (e.action === 'deadline.escalated' && e.incidentId && e.orgId && typeof p.timer === 'string')
    return [
      { kind: 'deadline-escalated', incidentId: e.incidentId, orgId: e.orgId, timer: p.timer, level: Number(p.level) },
    ];
  if (e.action === 'report.submitted' && e.orgId && Array.isArray(p.inbox)) {
    const reportId = String(p.reportId);
    return p.inbox.flatMap((raw): FactChange[] => {
      const d = obj(raw);
      if (!d || typeof d.deliveryId !== 'string' || typeof d.departmentOrgId !== 'string') return [];
      return [
        {
          kind: 'delivery',
          deliveryId: d.deliveryId,
          departmentOrgId: d.departmentOrgId,
          operatorOrgId: e.orgId!,
          reportId,
          incidentReference: String(p.incidentReference ?? ''),
          reportKind: String(p.kind),
          grade: String(p.grade ?? ''),
          category: String(p.category ?? ''),
          drill: p.drill === true,
          receivedAt: str(d.receivedAt) ?? e.at,
          onwardRequired: typeof d.onwardDueAt === 'string',
        },
      ];
    });
  }
  if (e.action === 'report.onward-missed' && typeof p.deliveryId === 'string')
    return [{ kind: 'onward-missed', deliveryId: p.deliveryId }];
  if (e.action === 'report.forwarded' && typeof p.deliveryId === 'string' && typeof p.status === 'string')
    return [{ kind: 'onward-forwarded', deliveryId: p.deliveryId, status: p.status }];
  // Warnings issued before fan-out was batched name every operator in `warning.issued`; since then each
  // `warning.fanned-out` batch names its own, with the time the warning was issued.
  if ((e.action === 'warning.issued' || e.action === 'warning.fanned-out') && e.orgId && Array.isArray(p.operators)) {
    const issuedAt = str(p.issuedAt) ?? e.at;
    return p.operators.flatMap((op): FactChange[] =>
      typeof op === 'string'
        ? [
            {
              kind: 'warning-target',
              warningId: String(p.warningId),
              operatorOrgId: op,
              departmentOrgId: e.orgId!,
              reference: String(p.reference),
              level: String(p.level),
              drill: p.drill === true,
              issuedAt,
              dueAt: String(p.feedbackDueAt),
            },
          ]
        : [],
    );
  }
  if (e.action === 'warning.event.FEEDBACK_SENT' && e.orgId && typeof p.warningId === 'string')
    return [{ kind: 'warning-feedback', warningId: p.warningId, operatorOrgId: e.orgId, at: e.at }];
  return [];
}
