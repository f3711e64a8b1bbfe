import {
  NOTIFICATION_EVENTS,
  renderMessage,
  TEMPLATES,
  TemplateVariableError,
  TemplateVars,
  NotificationEvent,
} from '../../../src/notifications/templates';

const FULL: TemplateVars = {
  reference: 'LF-2026-0007',
  title: '核心交易系统勒索软件感染',
  grade: 'II',
  previousGrade: 'III',
  category: 'ransomware',
  dueAt: '2026-11-20T06:30:00Z',
  timer: 'initial',
  level: 'orange',
  orgName: '某省电力公司',
  phase: 'containment',
  reportKind: 'initial',
  recipient: 'protection-department',
};

const EXPECTED_EVENTS = [
  'incident.declared',
  'incident.confirmed',
  'incident.regraded',
  'incident.dismissed',
  'incident.closed',
  'phase.advanced',
  'deadline.reminder',
  'deadline.missed',
  'escalation',
  'report.submitted',
  'report.acknowledged',
  'report.info-requested',
  'warning.received',
  'warning.feedback-overdue',
];

describe('renderMessage', () => {
  it('covers exactly the agreed events', () => {
    expect([...NOTIFICATION_EVENTS].sort()).toEqual([...EXPECTED_EVENTS].sort());
  });

  describe.each(NOTIFICATION_EVENTS.map((e) => [e]))('%s', (event: NotificationEvent) => {
    it('renders in zh-CN and en, distinct and non-empty, with no unresolved placeholders', () => {
      const zh = renderMessage(event, 'zh-CN', FULL);
      const en = renderMessage(event, 'en', FULL);
      for (const m of [zh, en]) {
        expect(m.title.length).toBeGreaterThan(3);
        expect(m.text.length).toBeGreaterThan(10);
        expect(m.drill).toBe(false);
        expect(m.event).toBe(event);
        expect(`${m.title}\n${m.text}`).not.toMatch(/undefined|null|\$\{|\{\{|NaN/);
      }
      expect(zh.locale).toBe('zh-CN');
      expect(en.locale).toBe('en');
      expect(zh.text).not.toBe(en.text);
      expect(zh.text).toMatch(/[\u4e00-\u9fff]/);
      // English text has no CJK of its own; the only CJK allowed is from the variables (title, orgName).
      const enOwn = `${en.title}\n${en.text}`.replaceAll(FULL.title!, '').replaceAll(FULL.orgName!, '');
      expect(enOwn).not.toMatch(/[\u4e00-\u9fff]/);
    });

    it('stamps drills in the title and body, in both locales', () => {
      const zh = renderMessage(event, 'zh-CN', { ...FULL, drill: true });
      const en = renderMessage(event, 'en', { ...FULL, drill: true });
      expect(zh.title.startsWith('【演练】')).toBe(true);
      expect(en.title.startsWith('[DRILL] ')).toBe(true);
      expect(zh.drill && en.drill).toBe(true);
      expect(zh.text).toContain('应急演练');
      expect(en.text).toContain('[DRILL]');
      expect(renderMessage(event, 'zh-CN', FULL).title).not.toContain('演练');
    });

    it('names each missing required variable', () => {
      for (const name of TEMPLATES[event].required) {
        for (const absent of [undefined, '', '   ']) {
          const vars: TemplateVars = { ...FULL, [name]: absent };
          let caught: unknown;
          try {
            renderMessage(event, 'en', vars);
          } catch (err) {
            caught = err;
          }
          expect(caught).toBeInstanceOf(TemplateVariableError);
          expect((caught as TemplateVariableError).variables).toEqual([name]);
          expect((caught as Error).message).toContain(`"${name}"`);
          expect((caught as Error).message).toContain(event);
        }
      }
    });
  });

  it('lists every missing variable at once', () => {
    expect(() => renderMessage('deadline.reminder', 'zh-CN', { reference: 'LF-1' })).toThrow(
      'template "deadline.reminder": missing required variables "title", "timer", "dueAt"',
    );
  });

  it('shows deadlines in Beijing time and grade/category/level labels', () => {
    const zh = renderMessage('incident.declared', 'zh-CN', FULL);
    expect(zh.text).toContain('2026-11-20 14:30（北京时间）');
    expect(zh.text).toContain('重大（II 级）');
    expect(zh.text).toContain('勒索软件事件');
    const en = renderMessage('incident.declared', 'en', { ...FULL, dueAt: new Date('2026-12-31T16:05:00Z') });
    expect(en.text).toContain('2027-01-01 00:05 (UTC+8, Beijing time)');
    expect(en.text).toContain('Grade II (major)');
    const warn = renderMessage('warning.received', 'zh-CN', FULL);
    expect(warn.title).toContain('【橙色预警】');
    expect(renderMessage('warning.received', 'en', FULL).title).toContain('[Orange warning]');
  });

  it('rejects malformed grade, level, dueAt, url and drill values by name', () => {
    const cases: Array<[NotificationEvent, TemplateVars, string]> = [
      ['incident.confirmed', { ...FULL, grade: 'V' }, 'grade'],
      ['warning.received', { ...FULL, level: 'purple' }, 'level'],
      ['deadline.reminder', { ...FULL, dueAt: 'next tuesday' }, 'dueAt'],
      ['incident.closed', { ...FULL, url: 'javascript:alert(1)' }, 'url'],
      ['incident.closed', { ...FULL, drill: 'yes' as unknown as boolean }, 'drill'],
    ];
    for (const [event, vars, name] of cases) {
      expect(() => renderMessage(event, 'en', vars)).toThrow(TemplateVariableError);
      expect(() => renderMessage(event, 'en', vars)).toThrow(`"${name}"`);
    }
  });

  it('keeps unknown category/timer codes readable instead of failing', () => {
    const m = renderMessage('deadline.missed', 'en', { ...FULL, timer: 'custom-check' });
    expect(m.title).toContain('custom-check');
  });

  it('neutralises line breaks, links and tags smuggled in through variables', () => {
    const m = renderMessage('incident.declared', 'zh-CN', {
      ...FULL,
      title: 'x\n# 伪造标题\n[点我](https://evil.example) <font color="warning">y</font>',
    });
    expect(m.text).not.toMatch(/^# /m);
    expect(m.text).not.toContain('](https://evil.example)');
    expect(m.text).not.toContain('<font');
    expect(m.title).not.toContain('\n');
  });

  it('appends a console link when url is given', () => {
    const m = renderMessage('incident.closed', 'en', { ...FULL, url: 'https://lianfang.example.cn/incidents/7' });
    expect(m.text).toContain('[Open in the console](https://lianfang.example.cn/incidents/7)');
  });

  it('refuses unknown events and locales', () => {
    expect(() => renderMessage('incident.exploded' as NotificationEvent, 'en', FULL)).toThrow(
      /unknown notification event/,
    );
    expect(() => renderMessage('incident.closed', 'fr' as 'en', FULL)).toThrow(/unsupported locale "fr"/);
  });
});
