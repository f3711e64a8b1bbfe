import type { FanoutPayload } from '../../../src/notifications/fanout-payload';
import { deliverJobId } from '../../../src/notifications/fanout.service';
import { jitteredBackoff } from '../../../src/queues/backoff';
import {
  renderFor,
  SUBSCRIBABLE_EVENTS,
  subscriptionWants,
  templateEventFor,
  type SubscriptionFilter,
} from '../../../src/notifications/routing';
import { redactConfig } from '../../../src/notifications/subscriptions.service';
import { TemplateVariableError } from '../../../src/notifications/templates';

const payload = (over: Partial<FanoutPayload> = {}): FanoutPayload => ({
  orgId: 'o1',
  incidentId: 'i1',
  event: 'incident.confirmed',
  data: {},
  drill: false,
  grade: 'II',
  ...over,
});
const sub = (over: Partial<SubscriptionFilter> = {}): SubscriptionFilter => ({
  events: ['incident.confirmed'],
  grades: [],
  drill: 'include',
  roles: [],
  ...over,
});
const facts = {
  reference: 'INC-2026-000007',
  title: 'Ransomware on trade-app-01',
  grade: 'II',
  category: 'ransomware',
  nextDueAt: '2026-11-25T03:10:00.000Z',
  timerDueAt: '2026-11-25T04:00:00.000Z',
};

describe('notification routing', () => {
  it(
    'maps the workflow report events onto report.submitted and a warning ' + 'deadline onto warning.feedback-overdue',
    () => {
      expect(templateEventFor(payload({ event: 'report.initial-submitted' }))).toBe('report.submitted');
      expect(templateEventFor(payload({ event: 'report.final-submitted' }))).toBe('report.submitted');
      expect(templateEventFor(payload({ event: 'deadline.missed' }))).toBe('deadline.missed');
      expect(templateEventFor(payload({ event: 'deadline.missed', incidentId: null, warningId: 'w1' }))).toBe(
        'warning.feedback-overdue',
      );
      expect(templateEventFor(payload({ event: 'step.completed' }))).toBeNull();
      expect(SUBSCRIBABLE_EVENTS).toEqual(
        expect.arrayContaining(['report.submitted', 'report.initial-submitted', 'step.completed', 'escalation']),
      );
    },
  );

  it('matches on the event, its template, grade, drill and (for escalation) role', () => {
    expect(subscriptionWants(sub(), payload())).toBe(true);
    expect(subscriptionWants(sub({ events: ['incident.declared'] }), payload())).toBe(false);
    expect(
      subscriptionWants(sub({ events: ['report.submitted'] }), payload({ event: 'report.followup-submitted' })),
    ).toBe(true);
    expect(
      subscriptionWants(sub({ events: ['report.final-submitted'] }), payload({ event: 'report.initial-submitted' })),
    ).toBe(false);
    expect(subscriptionWants(sub({ grades: ['I'] }), payload())).toBe(false);
    expect(subscriptionWants(sub({ grades: ['I', 'II'] }), payload())).toBe(true);
    // A warning has no grade: a grade filter has nothing to exclude it on.
    expect(
      subscriptionWants(
        sub({ events: ['warning.received'], grades: ['I'] }),
        payload({ event: 'warning.received', grade: null, incidentId: null }),
      ),
    ).toBe(true);
    expect(subscriptionWants(sub({ drill: 'exclude' }), payload({ drill: true }))).toBe(false);
    expect(subscriptionWants(sub({ drill: 'only' }), payload({ drill: false }))).toBe(false);
    expect(subscriptionWants(sub({ drill: 'only' }), payload({ drill: true }))).toBe(true);
    const esc = payload({ event: 'escalation', role: 'leader' });
    expect(subscriptionWants(sub({ events: ['escalation'], roles: ['leader'] }), esc)).toBe(true);
    expect(subscriptionWants(sub({ events: ['escalation'], roles: ['commander'] }), esc)).toBe(false);
    expect(subscriptionWants(sub({ events: ['escalation'] }), esc)).toBe(true);
    // Roles only filter escalations.
    expect(subscriptionWants(sub({ roles: ['commander'] }), payload())).toBe(true);
  });

  it('renders from the incident facts, with per-event variables', () => {
    const regraded = renderFor(
      payload({ event: 'incident.regraded', data: { from: 'III', to: 'I' } }),
      'en',
      'Grid Co',
      facts,
    );
    expect(regraded.template).toBe('incident.regraded');
    expect(regraded.message.text).toContain('from Grade III (relatively major) to **Grade I (especially major)**');
    const final = renderFor(
      payload({ event: 'report.final-submitted', data: { reportId: 'r1' } }),
      'zh-CN',
      'Grid Co',
      facts,
    );
    expect(final.message.title).toBe('[INC-2026-000007] 总结报告已报送');
    const missed = renderFor(
      payload({ event: 'deadline.missed', data: { timer: 'initial-report', generation: 1 } }),
      'en',
      'Grid Co',
      facts,
    );
    expect(missed.message.text).toContain('2026-11-25 12:00 (UTC+8, Beijing time)');
    const drill = renderFor(
      payload({ event: 'step.completed', drill: true, data: { stepId: 'contain-hosts' } }),
      'en',
      'Grid Co',
      facts,
    );
    expect(drill.template).toBe('generic');
    expect(drill.message.title).toBe('[DRILL] [INC-2026-000007] Step completed: Ransomware on trade-app-01');
    expect(drill.message.text).toContain('- stepId: contain-hosts');
  });

  it('refuses to render a message missing a required variable', () => {
    expect(() =>
      renderFor(payload({ event: 'deadline.missed', data: { timer: 'initial-report' } }), 'en', 'Grid Co', {
        ...facts,
        timerDueAt: null,
      }),
    ).toThrow(TemplateVariableError);
  });

  it('builds deterministic deliver job ids that fit the outbox id column', () => {
    const subId = '3f1e2d4c-0000-4000-8000-000000000001';
    expect(deliverJobId('nt.abc.12.0', subId)).toBe(`dv.nt.abc.12.0.${subId}`);
    const long = deliverJobId(`nt.${'x'.repeat(100)}`, subId);
    expect(long.length).toBeLessThanOrEqual(120);
    expect(long).toBe(deliverJobId(`nt.${'x'.repeat(100)}`, subId));
    expect(long).not.toBe(deliverJobId(`nt.${'y'.repeat(100)}`, subId));
  });

  it('backs off exponentially with jitter between half and all of base·2^(n-1)', () => {
    const job = { opts: { backoff: { type: 'jittered-exponential', delay: 1000 } } };
    for (let n = 1; n <= 5; n++) {
      const seen = Array.from({ length: 200 }, () => jitteredBackoff(n, 'jittered-exponential', undefined, job));
      const ceiling = 1000 * 2 ** (n - 1);
      expect(Math.min(...seen)).toBeGreaterThanOrEqual(ceiling / 2);
      expect(Math.max(...seen)).toBeLessThanOrEqual(ceiling);
      expect(new Set(seen).size).toBeGreaterThan(1);
    }
    expect(jitteredBackoff(40, 'jittered-exponential', undefined, job)).toBeLessThanOrEqual(3_600_000);
  });

  it('hides robot tokens carried in URLs', () => {
    expect(redactConfig({ url: 'https://oapi.dingtalk.com/robot/send?access_token=abc123456' }).url).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=***',
    );
    expect(redactConfig({ url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-123456' }).url).toBe(
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***',
    );
    expect(redactConfig({ url: 'https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d' }).url).toBe(
      'https://open.feishu.cn/open-apis/bot/v2/hook/***',
    );
    expect(redactConfig({ url: 'https://siem.example/hook', timeoutMs: 5000 })).toEqual({
      url: 'https://siem.example/hook',
      timeoutMs: 5000,
    });
  });
});
