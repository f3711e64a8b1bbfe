import { webhookData } from '../../../src/notifications/fanout.service';
import type { FanoutPayload } from '../../../src/notifications/fanout-payload';

describe('webhookData (the structured part of a generic webhook body)', () => {
  const base: FanoutPayload = {
    orgId: 'org-1',
    event: 'incident.confirmed',
    data: { timer: 'initial-report', seq: 3 },
    drill: false,
    incidentId: 'inc-1',
    grade: 'II',
  };
  const facts = {
    reference: 'INC-2026-000001',
    title: 't',
    grade: 'II',
    category: 'ddos',
    nextDueAt: null,
    timerDueAt: null,
  };

  it('keeps the event data and adds the ids a receiver correlates on', () => {
    expect(webhookData(base, facts)).toEqual({
      timer: 'initial-report',
      seq: 3,
      orgId: 'org-1',
      drill: false,
      incidentId: 'inc-1',
      reference: 'INC-2026-000001',
      grade: 'II',
      category: 'ddos',
    });
  });

  it('lets our ids win over same-named event data, and omits what the event does not have', () => {
    const out = webhookData(
      { ...base, data: { orgId: 'spoofed', drill: true }, incidentId: null, warningId: 'w-1', role: 'leader' },
      null,
    );
    expect(out).toEqual({ orgId: 'org-1', drill: false, warningId: 'w-1', role: 'leader' });
  });

  it('drops a __proto__ key instead of letting it set the prototype', () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    const out = webhookData({ ...base, data }, null);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(out))).toEqual({ ok: 1, orgId: 'org-1', drill: false, incidentId: 'inc-1' });
  });
});
