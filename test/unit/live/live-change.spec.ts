import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CommittedAuditEntry } from '../../../src/audit';
import { classifyAction, liveChanges } from '../../../src/live';

const SRC = join(__dirname, '..', '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

/**
 * Every audit action the code writes, as spelt where it is written (`action: '…'`, `const action =
 * … ? '…' : '…'`, `action: \`incident.event.${…}\``): the literals, and for a template its fixed
 * start with a sample event.
 */
function writtenActions(): Array<{ action: string; where: string }> {
  const found: Array<{ action: string; where: string }> = [];
  for (const file of sources(SRC)) {
    const rel = relative(SRC, file);
    if (rel.startsWith('audit/') || rel.startsWith('live/')) continue;
    const text = readFileSync(file, 'utf8');
    if (!text.includes('audit.append(')) continue;
    text.split('\n').forEach((line, i) => {
      if (!/\baction(?::| =)/.test(line)) return;
      const where = `${rel}:${i + 1}`;
      for (const m of line.matchAll(/'([a-z][a-z-]*(?:\.[a-z][a-z-]*)+)'/g)) found.push({ action: m[1], where });
      for (const m of line.matchAll(/`([a-z][a-z-]*(?:\.[a-z][a-z-]*)*\.)\$\{/g))
        found.push({ action: `${m[1]}SAMPLE_EVENT`, where });
    });
  }
  return found;
}

const entry = (over: Partial<CommittedAuditEntry>): CommittedAuditEntry => ({
  seq: 7,
  at: '2026-12-01T02:00:00.000Z',
  orgId: 'op',
  incidentId: null,
  action: 'incident.declared',
  payload: {},
  concerns: [],
  ...over,
});

describe('live updates: which audit actions become which messages', () => {
  it('knows every audit action the code writes (a new one must be mapped or named quiet)', () => {
    const actions = writtenActions();
    // The scan itself works: it finds actions of every domain and both template forms.
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'incident.declared',
        'incident.event.SAMPLE_EVENT',
        'warning.event.SAMPLE_EVENT',
        'report.delivered',
        'report.ack-escalated',
        'report.submitted',
        'token.revoked',
      ]),
    );
    expect(actions.filter((a) => classifyAction(a.action) === undefined)).toEqual([]);
  });

  it('an incident change goes to its organisation; a deadline reminder is a deadline', () => {
    expect(liveChanges(entry({ incidentId: 'inc', action: 'incident.event.COMPLETE_STEP' }))).toEqual([
      {
        orgId: 'op',
        change: {
          kind: 'incident',
          id: 'inc',
          incidentId: 'inc',
          action: 'incident.event.COMPLETE_STEP',
          at: entry({}).at,
        },
      },
    ]);
    expect(
      liveChanges(
        entry({
          incidentId: 'inc',
          action: 'incident.event.DEADLINE_MISSED',
          payload: { event: { type: 'DEADLINE_MISSED', timer: 'initial-report' } },
        }),
      ).map((d) => d.change),
    ).toEqual([expect.objectContaining({ kind: 'deadline', id: 'initial-report', incidentId: 'inc' })]);
    expect(
      liveChanges(
        entry({ incidentId: 'inc', action: 'deadline.acknowledged', payload: { timer: 'final-report' } }),
      ).map((d) => d.change.id),
    ).toEqual(['final-report']);
  });

  it('a submitted report is a report for the operator, an inbox item (no incident) for each department', () => {
    const out = liveChanges(
      entry({
        incidentId: 'inc',
        action: 'report.submitted',
        payload: { reportId: 'r1', title: 'never sent' },
        concerns: [{ orgId: 'dept1' }, { orgId: 'dept2' }],
      }),
    );
    expect(out.map((d) => [d.orgId, d.change.kind, d.change.id, d.change.incidentId])).toEqual([
      ['op', 'report', 'r1', 'inc'],
      ['dept1', 'inbox', 'r1', undefined],
      ['dept2', 'inbox', 'r1', undefined],
    ]);
    expect(JSON.stringify(out)).not.toContain('never sent');
  });

  it("a department's acknowledgement is its inbox item, and the operator's report with the operator's incident", () => {
    const out = liveChanges(
      entry({
        orgId: 'dept',
        action: 'report.acknowledged',
        payload: { reportId: 'r1', operatorOrgId: 'op' },
        concerns: [{ orgId: 'op', incidentId: 'inc' }],
      }),
    );
    expect(out.map((d) => [d.orgId, d.change.kind, d.change.id, d.change.incidentId])).toEqual([
      ['dept', 'inbox', 'r1', undefined],
      ['op', 'report', 'r1', 'inc'],
    ]);
  });

  it('an external delivery attempt is a delivery; warnings go to both sides; administration to nobody', () => {
    expect(
      liveChanges(entry({ incidentId: 'inc', action: 'report.delivery-failed', payload: { deliveryId: 'd1' } })).map(
        (d) => [d.change.kind, d.change.id],
      ),
    ).toEqual([['delivery', 'd1']]);
    expect(
      liveChanges(
        entry({ action: 'warning.event.FEEDBACK_SENT', payload: { warningId: 'w1' }, concerns: [{ orgId: 'dept' }] }),
      ).map((d) => [d.orgId, d.change.kind, d.change.id]),
    ).toEqual([
      ['op', 'warning', 'w1'],
      ['dept', 'warning', 'w1'],
    ]);
    for (const action of ['user.created', 'token.issued', 'session.signed-in', 'notification-subscription.created'])
      expect(liveChanges(entry({ action }))).toEqual([]);
    expect(liveChanges(entry({ action: 'something.new' }))).toEqual([]);
  });
});
