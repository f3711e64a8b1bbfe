/**
 * Message templates, one per event and locale. Each declares the variables it cannot do without;
 * renderMessage refuses to render when one is missing rather than sending "undefined" to a
 * responder at 3 a.m. Optional variables add lines only when present.
 *
 * Wording is ours. Bodies use the markdown subset the channels understand (see channels/markdown.ts).
 */

export const NOTIFICATION_EVENTS = [
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
] as const;

export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const VAR_NAMES = [
  'reference',
  'title',
  'grade',
  'previousGrade',
  'category',
  'dueAt',
  'timer',
  'level',
  'orgName',
  'phase',
  'reportKind',
  'recipient',
  'reason',
  'note',
  'url',
] as const;

export type VarName = (typeof VAR_NAMES)[number];

/** Formatted values: labels resolved, dates in Beijing time, '' for an absent optional variable. */
export type Formatted = { readonly [K in VarName]: string };

export interface TemplateParts {
  title: string;
  /** Body lines; empty or falsy entries (an absent optional line) are dropped. */
  lines: Array<string | false | undefined | null>;
}

export interface TemplateDef {
  required: readonly VarName[];
  'zh-CN': (f: Formatted) => TemplateParts;
  en: (f: Formatted) => TemplateParts;
}

const ref = (f: Formatted) => (f.reference ? `[${f.reference}] ` : '');

export const TEMPLATES: { readonly [E in NotificationEvent]: TemplateDef } = {
  'incident.declared': {
    required: ['reference', 'title', 'grade', 'category', 'orgName'],
    'zh-CN': (f) => ({
      title: `${ref(f)}新事件宣告：${f.title}`,
      lines: [
        `**${f.orgName}** 宣告了一起网络安全事件，请相关人员立即响应。`,
        `- 事件编号：${f.reference}`,
        `- 事件名称：${f.title}`,
        `- 初判级别：${f.grade}`,
        `- 事件类别：${f.category}`,
        f.dueAt && `- 首个报告时限：**${f.dueAt}**`,
      ],
    }),
    en: (f) => ({
      title: `${ref(f)}Incident declared: ${f.title}`,
      lines: [
        `**${f.orgName}** has declared a cybersecurity incident. Responders, please act now.`,
        `- Reference: ${f.reference}`,
        `- Title: ${f.title}`,
        `- Initial grade: ${f.grade}`,
        `- Category: ${f.category}`,
        f.dueAt && `- First report due: **${f.dueAt}**`,
      ],
    }),
  },
  'incident.confirmed': {
    required: ['reference', 'title', 'grade'],
    'zh-CN': (f) => ({
      title: `${ref(f)}事件已确认：${f.title}`,
      lines: [
        `事件 **${f.reference}** 经研判确认为 **${f.grade}** 网络安全事件，进入处置流程。`,
        f.category && `- 事件类别：${f.category}`,
        f.dueAt && `- 报告时限：**${f.dueAt}**`,
      ],
    }),
    en: (f) => ({
      title: `${ref(f)}Incident confirmed: ${f.title}`,
      lines: [
        `Incident **${f.reference}** has been confirmed as **${f.grade}**; the response is under way.`,
        f.category && `- Category: ${f.category}`,
        f.dueAt && `- Report due: **${f.dueAt}**`,
      ],
    }),
  },
  'incident.regraded': {
    required: ['reference', 'title', 'grade', 'previousGrade'],
    'zh-CN': (f) => ({
      title: `${ref(f)}事件级别调整：${f.title}`,
      lines: [
        `事件 **${f.reference}** 的级别由 ${f.previousGrade} 调整为 **${f.grade}**。`,
        f.reason && `- 调整理由：${f.reason}`,
        f.dueAt && `- 新的报告时限：**${f.dueAt}**`,
      ],
    }),
    en: (f) => ({
      title: `${ref(f)}Incident regraded: ${f.title}`,
      lines: [
        `Incident **${f.reference}** has been regraded from ${f.previousGrade} to **${f.grade}**.`,
        f.reason && `- Reason: ${f.reason}`,
        f.dueAt && `- New report deadline: **${f.dueAt}**`,
      ],
    }),
  },
  'incident.dismissed': {
    required: ['reference', 'title'],
    'zh-CN': (f) => ({
      title: `${ref(f)}事件已排除：${f.title}`,
      lines: [
        `经研判，事件 **${f.reference}** 不构成网络安全事件，已排除并停止相关时限。`,
        f.reason && `- 排除理由：${f.reason}`,
      ],
    }),
    en: (f) => ({
      title: `${ref(f)}Incident dismissed: ${f.title}`,
      lines: [
        `After triage, **${f.reference}** is not a cybersecurity ` +
          `incident. It has been dismissed and its deadlines stopped.`,
        f.reason && `- Reason: ${f.reason}`,
      ],
    }),
  },
  'incident.closed': {
    required: ['reference', 'title'],
    'zh-CN': (f) => ({
      title: `${ref(f)}事件已关闭：${f.title}`,
      lines: [
        `事件 **${f.reference}** 处置完毕，已关闭。`,
        f.grade && `- 最终级别：${f.grade}`,
        f.note && `- 备注：${f.note}`,
      ],
    }),
    en: (f) => ({
      title: `${ref(f)}Incident closed: ${f.title}`,
      lines: [
        `Handling of **${f.reference}** has ended and the incident is closed.`,
        f.grade && `- Final grade: ${f.grade}`,
        f.note && `- Note: ${f.note}`,
      ],
    }),
  },
  'phase.advanced': {
    required: ['reference', 'title', 'phase'],
    'zh-CN': (f) => ({
      title: `${ref(f)}进入${f.phase}阶段：${f.title}`,
      lines: [`事件 **${f.reference}** 已进入 **${f.phase}** 阶段。`, f.note && `- 说明：${f.note}`],
    }),
    en: (f) => ({
      title: `${ref(f)}Now in ${f.phase}: ${f.title}`,
      lines: [`Incident **${f.reference}** has moved to the **${f.phase}** phase.`, f.note && `- Note: ${f.note}`],
    }),
  },
  'deadline.reminder': {
    required: ['reference', 'title', 'timer', 'dueAt'],
    'zh-CN': (f) => ({
      title: `${ref(f)}时限提醒：${f.timer}`,
      lines: [
        `事件 **${f.reference}**（${f.title}）的 **${f.timer}** 即将到期。`,
        `- 截止时间：**${f.dueAt}**`,
        f.recipient && `- 报送对象：${f.recipient}`,
      ],
    }),
    en: (f) => ({
      title: `${ref(f)}Deadline approaching: ${f.timer}`,
      lines: [
        `The **${f.timer}** for **${f.reference}** (${f.title}) is due soon.`,
        `- Due: **${f.dueAt}**`,
        f.recipient && `- Recipient: ${f.recipient}`,
      ],
    }),
  },
  'deadline.missed': {
    required: ['reference', 'title', 'timer', 'dueAt'],
    'zh-CN': (f) => ({
      title: `${ref(f)}已超过时限：${f.timer}`,
      lines: [
        `事件 **${f.reference}**（${f.title}）的 **${f.timer}** 已于 ${f.dueAt} 到期，尚未完成。`,
        '迟报、漏报可能被从重处理，请立即处理。',
        f.recipient && `- 报送对象：${f.recipient}`,
      ],
    }),
    en: (f) => ({
      title: `${ref(f)}Deadline missed: ${f.timer}`,
      lines: [
        `The **${f.timer}** for **${f.reference}** (${f.title}) passed at ${f.dueAt} and is not done.`,
        'Late or missing reports can be penalised more heavily; act now.',
        f.recipient && `- Recipient: ${f.recipient}`,
      ],
    }),
  },
  escalation: {
    required: ['reference', 'title', 'timer'],
    'zh-CN': (f) => ({
      title: `${ref(f)}升级通报：${f.timer}未完成`,
      lines: [
        `事件 **${f.reference}**（${f.title}）的 **${f.timer}** 已逾期未完成，现升级通报负责领导。`,
        f.dueAt && `- 原定时限：${f.dueAt}`,
        f.grade && `- 事件级别：${f.grade}`,
        f.note && `- 说明：${f.note}`,
      ],
    }),
    en: (f) => ({
      title: `${ref(f)}Escalation: ${f.timer} overdue`,
      lines: [
        `The **${f.timer}** for **${f.reference}** (${f.title}) is ` +
          `overdue; this is escalated to the responsible leader.`,
        f.dueAt && `- Was due: ${f.dueAt}`,
        f.grade && `- Grade: ${f.grade}`,
        f.note && `- Note: ${f.note}`,
      ],
    }),
  },
  'report.submitted': {
    required: ['reference', 'reportKind'],
    'zh-CN': (f) => ({
      title: `${ref(f)}${f.reportKind}已报送`,
      lines: [
        `事件 **${f.reference}**${f.title ? `（${f.title}）` : ''}的 **` +
          `${f.reportKind}** 已报送${f.recipient ? `至${f.recipient}` : ''}` +
          `。`,
      ],
    }),
    en: (f) => ({
      title: `${ref(f)}${cap(f.reportKind)} submitted`,
      lines: [
        `The **${f.reportKind}** for **${f.reference}**` +
          `${f.title ? ` (${f.title})` : ''} has been submitted` +
          `${f.recipient ? ` to the ${f.recipient}` : ''}.`,
      ],
    }),
  },
  'report.acknowledged': {
    required: ['reference', 'reportKind'],
    'zh-CN': (f) => ({
      title: `${ref(f)}${f.reportKind}已获签收`,
      lines: [
        `${f.recipient || '接收单位'}已签收事件 **${f.reference}** 的 **${f.reportKind}**。`,
        f.note && `- 备注：${f.note}`,
      ],
    }),
    en: (f) => ({
      title: `${ref(f)}${cap(f.reportKind)} acknowledged`,
      lines: [
        `The ${f.recipient || 'recipient'} has acknowledged the **${f.reportKind}** for **${f.reference}**.`,
        f.note && `- Note: ${f.note}`,
      ],
    }),
  },
  'report.info-requested': {
    required: ['reference', 'reportKind'],
    'zh-CN': (f) => ({
      title: `${ref(f)}${f.reportKind}需补充材料`,
      lines: [
        `${f.recipient || '接收单位'}要求补充事件 **${f.reference}** 的 **${f.reportKind}**。`,
        f.note && `- 补充要求：${f.note}`,
        f.dueAt && `- 补充时限：**${f.dueAt}**`,
      ],
    }),
    en: (f) => ({
      title: `${ref(f)}More information requested on the ${f.reportKind}`,
      lines: [
        `The ${f.recipient || 'recipient'} asks for more information ` +
          `on the **${f.reportKind}** for **${f.reference}**.`,
        f.note && `- Requested: ${f.note}`,
        f.dueAt && `- Due: **${f.dueAt}**`,
      ],
    }),
  },
  'warning.received': {
    required: ['title', 'level', 'orgName'],
    'zh-CN': (f) => ({
      title: `${ref(f)}【${f.level}预警】${f.title}`,
      lines: [
        `收到 **${f.orgName}** 发布的 **${f.level}** 预警，请研判影响并采取防范措施。`,
        f.category && `- 涉及类别：${f.category}`,
        f.dueAt && `- 反馈时限：**${f.dueAt}**`,
        f.note && `- 摘要：${f.note}`,
      ],
    }),
    en: (f) => ({
      title: `${ref(f)}[${cap(f.level)} warning] ${f.title}`,
      lines: [
        `**${f.orgName}** has issued a **${f.level}** early warning. Assess the impact and take protective measures.`,
        f.category && `- Category: ${f.category}`,
        f.dueAt && `- Feedback due: **${f.dueAt}**`,
        f.note && `- Summary: ${f.note}`,
      ],
    }),
  },
  'warning.feedback-overdue': {
    required: ['title', 'level', 'dueAt'],
    'zh-CN': (f) => ({
      title: `${ref(f)}预警反馈已逾期：${f.title}`,
      lines: [
        `**${f.level}** 预警“${f.title}”的反馈已于 ${f.dueAt} 到期，尚未提交。`,
        f.orgName && `- 发布单位：${f.orgName}`,
      ],
    }),
    en: (f) => ({
      title: `${ref(f)}Warning feedback overdue: ${f.title}`,
      lines: [
        `Feedback on the **${f.level}** warning "${f.title}" was due at ${f.dueAt} and has not been sent.`,
        f.orgName && `- Issued by: ${f.orgName}`,
      ],
    }),
  },
};

function cap(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}
