import type { Locale } from '../channels/types';

/**
 * Display labels for the fixed vocabulary. Category names follow requirements/taxonomy.yaml; they
 * are duplicated here so rendering stays a pure function with no file access, and a unit test
 * (test/unit/notifications/labels.spec.ts) fails when a taxonomy category has no label or a
 * different name. An unknown code is shown as the code itself rather than failing.
 */

type Labels = Record<string, { 'zh-CN': string; en: string }>;

export const GRADE_LABELS: Labels = {
  I: { 'zh-CN': '特别重大（I 级）', en: 'Grade I (especially major)' },
  II: { 'zh-CN': '重大（II 级）', en: 'Grade II (major)' },
  III: { 'zh-CN': '较大（III 级）', en: 'Grade III (relatively major)' },
  IV: { 'zh-CN': '一般（IV 级）', en: 'Grade IV (general)' },
};

export const WARNING_LEVEL_LABELS: Labels = {
  red: { 'zh-CN': '红色', en: 'red' },
  orange: { 'zh-CN': '橙色', en: 'orange' },
  yellow: { 'zh-CN': '黄色', en: 'yellow' },
  blue: { 'zh-CN': '蓝色', en: 'blue' },
};

export const CATEGORY_LABELS: Labels = {
  malware: { 'zh-CN': '恶意程序事件', en: 'malicious program' },
  'network-attack': { 'zh-CN': '网络攻击事件', en: 'network attack' },
  'data-security': { 'zh-CN': '数据安全事件', en: 'data security' },
  'information-content': { 'zh-CN': '信息内容安全事件', en: 'information content security' },
  'equipment-failure': { 'zh-CN': '设备设施故障事件', en: 'equipment and facility failure' },
  'non-compliant-operation': { 'zh-CN': '违规操作事件', en: 'non-compliant operation' },
  'security-hazard': { 'zh-CN': '安全隐患事件', en: 'security hazard' },
  'abnormal-behaviour': { 'zh-CN': '异常行为事件', en: 'abnormal behaviour' },
  'force-majeure': { 'zh-CN': '不可抗力事件', en: 'force majeure' },
  other: { 'zh-CN': '其他事件', en: 'other' },
  'computer-virus': { 'zh-CN': '计算机病毒事件', en: 'computer virus' },
  worm: { 'zh-CN': '网络蠕虫事件', en: 'network worm' },
  trojan: { 'zh-CN': '特洛伊木马事件', en: 'trojan horse' },
  botnet: { 'zh-CN': '僵尸网络事件', en: 'botnet' },
  ransomware: { 'zh-CN': '勒索软件事件', en: 'ransomware' },
  cryptomining: { 'zh-CN': '挖矿病毒事件', en: 'cryptomining malware' },
  intrusion: { 'zh-CN': '网络入侵事件', en: 'intrusion' },
  'network-scanning': { 'zh-CN': '网络扫描探测事件', en: 'network scanning and probing' },
  phishing: { 'zh-CN': '网络钓鱼事件', en: 'phishing' },
  'vulnerability-exploitation': { 'zh-CN': '漏洞利用事件', en: 'vulnerability exploitation' },
  'backdoor-implant': { 'zh-CN': '后门植入事件', en: 'backdoor implantation' },
  'credential-attack': { 'zh-CN': '凭据攻击事件', en: 'credential attack' },
  ddos: { 'zh-CN': '拒绝服务事件', en: 'denial of service' },
  'web-defacement': { 'zh-CN': '网页篡改事件', en: 'web defacement' },
  'domain-hijacking': { 'zh-CN': '域名劫持事件', en: 'domain-name hijacking' },
  'compromised-host': { 'zh-CN': '失陷主机事件', en: 'compromised host' },
  'supply-chain-compromise': { 'zh-CN': '供应链攻击事件', en: 'supply-chain compromise' },
  apt: { 'zh-CN': 'APT事件', en: 'advanced persistent threat' },
  'data-tampering': { 'zh-CN': '数据篡改事件', en: 'data tampering' },
  'data-leak': { 'zh-CN': '数据泄露事件', en: 'data leak' },
  'data-theft': { 'zh-CN': '数据窃取事件', en: 'data theft' },
  'data-poisoning': { 'zh-CN': '数据投毒事件', en: 'data poisoning' },
  'data-loss': { 'zh-CN': '数据损失事件', en: 'data loss' },
  'online-fraud': { 'zh-CN': '网络欺诈事件', en: 'online fraud' },
  'technical-failure': { 'zh-CN': '技术故障事件', en: 'technical failure' },
  'supporting-facility-failure': { 'zh-CN': '配套设施故障事件', en: 'supporting-facility failure' },
  'physical-damage': { 'zh-CN': '物理损害事件', en: 'physical damage' },
  'service-outage': { 'zh-CN': '服务中断事件', en: 'service outage' },
  misoperation: { 'zh-CN': '误操作事件', en: 'misoperation' },
  'network-vulnerability': { 'zh-CN': '网络漏洞事件', en: 'network vulnerability' },
  'access-anomaly': { 'zh-CN': '访问异常事件', en: 'access anomaly' },
  'traffic-anomaly': { 'zh-CN': '流量异常事件', en: 'traffic anomaly' },
  'natural-disaster': { 'zh-CN': '自然灾害事件', en: 'natural disaster' },
};

/** Report kinds as named in requirements/reporting-rules.yaml (`followUp`), plus the kebab spelling. */
export const REPORT_KIND_LABELS: Labels = {
  initial: { 'zh-CN': '初次报告', en: 'initial report' },
  followUp: { 'zh-CN': '续报', en: 'follow-up report' },
  'follow-up': { 'zh-CN': '续报', en: 'follow-up report' },
  final: { 'zh-CN': '总结报告', en: 'final (summary) report' },
  onward: { 'zh-CN': '逐级上报', en: 'onward report' },
};

/** Timers are named after the task they guard, so a reminder reads "the initial report is due". */
export const TIMER_LABELS: Labels = {
  ...REPORT_KIND_LABELS,
  'initial-report': REPORT_KIND_LABELS.initial!,
  'follow-up-report': REPORT_KIND_LABELS.followUp!,
  'final-report': REPORT_KIND_LABELS.final!,
  'onward-report': REPORT_KIND_LABELS.onward!,
  'warning-feedback': { 'zh-CN': '预警反馈', en: 'warning feedback' },
  'police-report': { 'zh-CN': '向公安机关报案', en: 'report to public security' },
};

export const RECIPIENT_LABELS: Labels = {
  'protection-department': { 'zh-CN': '保护工作部门', en: 'protection department' },
  'public-security': { 'zh-CN': '公安机关', en: 'public security' },
  'own-cyberspace-body': { 'zh-CN': '本单位网信工作机构', en: 'own cyberspace-affairs body' },
  'provincial-cyberspace-department': { 'zh-CN': '省级网信部门', en: 'provincial cyberspace-affairs department' },
  'sector-regulator': { 'zh-CN': '行业主管监管部门', en: 'sector regulator' },
};

export const PHASE_LABELS: Labels = {
  declared: { 'zh-CN': '已宣告', en: 'declared' },
  triage: { 'zh-CN': '研判', en: 'triage' },
  containment: { 'zh-CN': '遏制', en: 'containment' },
  eradication: { 'zh-CN': '根除', en: 'eradication' },
  recovery: { 'zh-CN': '恢复', en: 'recovery' },
  reporting: { 'zh-CN': '报告', en: 'reporting' },
  review: { 'zh-CN': '总结复盘', en: 'post-incident review' },
  closed: { 'zh-CN': '已关闭', en: 'closed' },
};

export function label(map: Labels, code: string, locale: Locale): string {
  return Object.prototype.hasOwnProperty.call(map, code) ? map[code]![locale] : code;
}

/**
 * Deadlines are shown in Beijing time, the clock every recipient works by. China has had no
 * daylight saving since 1991, so a fixed +08:00 offset is exact and needs no time-zone data.
 */
export function formatBeijing(date: Date, locale: Locale): string {
  const t = new Date(date.getTime() + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  const s =
    `${t.getUTCFullYear()}-${p(t.getUTCMonth() + 1)}-` +
    `${p(t.getUTCDate())} ${p(t.getUTCHours())}:` +
    `${p(t.getUTCMinutes())}`;
  return locale === 'zh-CN' ? `${s}（北京时间）` : `${s} (UTC+8, Beijing time)`;
}
