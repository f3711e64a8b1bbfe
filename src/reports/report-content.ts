import { createHash } from 'node:crypto';
import { canonicalJson, escapeHtml } from '../common';
import type { IncidentContext } from '../../workflows/incident/types';
import type { OrganisationRecord } from '../accounts';
import type { IncidentRecord } from '../incidents';
import {
  CATEGORY_LABELS,
  formatBeijing,
  GRADE_LABELS,
  label,
  RECIPIENT_LABELS,
  REPORT_KIND_LABELS,
} from '../notifications';
import type { Catalogue, ReportKind, FactDefinition, ReportingRule } from '../requirements';
import type { ReportKindCode } from './report.entities';

export const MAX_FIELD_CHARS = 20_000;

const yesNo = (v: unknown) => (v === true ? '是' : v === false ? '否' : String(v));

/**
 * The impact facts as report lines, "label：value", in the catalogue's order and labelled by its
 * grade-suggestion facts (enum values by their value labels). Incidents declared before the facts
 * followed the grading guide store other names (outageHours, personalRecordsAffected, ciiAffected…);
 * those follow, under their stored name and unchanged, rather than under a label that would misstate them.
 */
export function impactLines(
  impact: Record<string, unknown> | null | undefined,
  facts: readonly FactDefinition[],
): string[] {
  const entered = impact ?? {};
  const has = (name: string) =>
    Object.prototype.hasOwnProperty.call(entered, name) && entered[name] !== undefined && entered[name] !== null;
  const known = facts
    .filter((f) => has(f.name))
    .map((f) => {
      const value = entered[f.name];
      const shown = typeof value === 'string' ? (f.valueLabels?.[value]?.zh ?? value) : yesNo(value);
      return `${f.label.zh}：${shown}`;
    });
  const stored = Object.keys(entered)
    .filter((name) => has(name) && !facts.some((f) => f.name === name))
    .map((name) => `${name}：${yesNo(entered[name])}`);
  return [...known, ...stored];
}

/** Required field codes of `kind` under `rule` for `category`, plus the minimum set of a partial initial report. */
export function fieldSets(
  catalogue: Catalogue,
  rule: ReportingRule,
  kind: ReportKindCode,
  category: string,
): { required: string[]; minimum: string[] } {
  const required = catalogue.requiredReportFields(rule, kind as ReportKind, category);
  if (kind !== 'initial') return { required, minimum: required };
  // The minimum set uses the same category condition as the required set (ransomDetails).
  const minimum = rule.reports.initial.minimumFields.filter((code) => required.includes(code));
  return { required, minimum };
}

export const isFilled = (v: string | undefined): boolean => typeof v === 'string' && v.trim() !== '';

export function missing(codes: readonly string[], fields: Record<string, string>): string[] {
  return codes.filter((c) => !isFilled(fields[c]));
}

/**
 * A first draft from what the incident already records. Only declared facts and the titles of
 * completed steps go in: step notes and evidence are internal until the liaison chooses to copy
 * them into a field, because everything in a submitted report is seen by the recipients.
 */
export function draftFields(
  incident: IncidentRecord,
  org: OrganisationRecord,
  context: IncidentContext,
  contact: string,
  gradeFacts: readonly FactDefinition[],
): Record<string, string> {
  const f: Record<string, string> = {};
  f.organisation = org.name;
  if (contact) f.contact = contact;
  if (incident.affectedSystems.length) f.affectedSystems = incident.affectedSystems.join('、');
  if (incident.affectedBusiness.length) f.affectedBusiness = incident.affectedBusiness.join('、');
  if (incident.occurredAt) f.occurredAt = formatBeijing(new Date(incident.occurredAt), 'zh-CN');
  f.detectedAt = formatBeijing(new Date(incident.detectedAt), 'zh-CN');
  f.category = `${label(CATEGORY_LABELS, incident.category, 'zh-CN')}（${incident.category}）`;
  f.grade = label(GRADE_LABELS, incident.grade, 'zh-CN');
  const impact = impactLines(incident.impact, gradeFacts);
  if (incident.description) impact.unshift(incident.description);
  if (impact.length) f.impact = impact.join('；');
  const measures = context.steps
    .filter((s) => s.status === 'done' && ['containment', 'eradication', 'recovery'].includes(s.phase))
    .map((s) => s.title.zh);
  if (measures.length) f.measuresTaken = measures.join('；');
  return f;
}

export interface RenderableReport {
  id: string;
  reference: string;
  incidentReference: string;
  kind: ReportKindCode;
  status: string;
  partial: boolean;
  drill: boolean;
  grade: string;
  category: string;
  organisation: string;
  fields: Record<string, string>;
  requiredFields: string[];
  owedFields: string[];
  correctsReference: string | null;
  submittedAt: string | null;
  contentDigest: string | null;
  recipients: Array<{ kind: string; name: string }>;
}

/** SHA-256 over the RFC 8785 form of what was submitted (fields and the facts that frame them). */
export function contentDigest(content: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

const STATUS_ZH: Record<string, string> = { draft: '草稿', approved: '已审核待报送', submitted: '已报送' };

/**
 * The printable report: one self-contained HTML page (inline CSS, no scripts, no external
 * resources), in Chinese, with print styles. A drill report carries the 演练 stamp in the title,
 * a banner and a watermark on every printed page.
 */
export function renderReportHtml(r: RenderableReport, catalogue: Catalogue): string {
  const kind = label(REPORT_KIND_LABELS, r.kind, 'zh-CN');
  const title = `${r.drill ? '【演练】' : ''}网络安全事件${kind}${r.partial ? '（首报，部分内容后续补报）' : ''}`;
  const order = catalogue.reportFields.map((f) => f.code);
  const codes = [
    ...new Set([
      ...order.filter((c) => r.requiredFields.includes(c) || isFilled(r.fields[c])),
      ...Object.keys(r.fields).filter((c) => isFilled(r.fields[c])),
    ]),
  ];
  const rows = codes
    .map((code) => {
      const lbl = catalogue.reportFields.find((f) => f.code === code)?.label.zh ?? code;
      const value = r.fields[code];
      const owed = r.owedFields.includes(code);
      const cell = isFilled(value)
        ? escapeHtml(value!).replace(/\n/g, '<br>')
        : owed
          ? '<span class="owed">待补报</span>'
          : '<span class="empty">—</span>';
      return `<tr><th scope="row">${escapeHtml(lbl)}</th><td>${cell}</td></tr>`;
    })
    .join('\n');
  const recipients =
    r.recipients
      .map((x) => `${escapeHtml(x.name)}（${escapeHtml(label(RECIPIENT_LABELS, x.kind, 'zh-CN'))}）`)
      .join('、') || '—';
  const fieldLabel = (code: string) => catalogue.reportFields.find((f) => f.code === code)?.label.zh ?? code;
  const owed = r.owedFields.length
    ? `<p class="notice">以下事项待补报：${r.owedFields.map((c) => escapeHtml(fieldLabel(c))).join('、')}</p>`
    : '';
  const meta = [
    `报告编号 ${escapeHtml(r.reference)}`,
    `事件编号 ${escapeHtml(r.incidentReference)}`,
    escapeHtml(STATUS_ZH[r.status] ?? r.status),
    ...(r.submittedAt ? [`报送时间 ${escapeHtml(formatBeijing(new Date(r.submittedAt), 'zh-CN'))}`] : []),
  ].join(' ｜ ');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>${escapeHtml(title)} ${escapeHtml(r.reference)}</title>
<style>
  body { font-family: "Songti SC", "SimSun", "Noto Serif CJK SC", serif;
    margin: 2em auto; max-width: 800px; color: #000; }
  h1 { text-align: center; font-size: 1.6em; margin-bottom: 0.2em; }
  .meta { text-align: center; color: #333; margin-bottom: 1em; }
  table { width: 100%; border-collapse: collapse; }
  th, td { border: 1px solid #000; padding: 6px 8px; vertical-align: top; text-align: left; }
  th { width: 28%; background: #f2f2f2; font-weight: normal; }
  .owed { color: #a00; } .empty { color: #888; }
  .notice { border: 1px solid #a00; padding: 6px 8px; color: #a00; }
  .drill-banner { border: 3px solid #c00; color: #c00; text-align: center;
    font-size: 1.3em; font-weight: bold; padding: 4px; }
  .watermark { position: fixed; top: 40%; left: 0; right: 0; text-align: center; font-size: 120px;
    color: rgba(200,0,0,0.12); transform: rotate(-30deg); pointer-events: none; z-index: -1; }
  footer { margin-top: 1.5em; font-size: 0.85em; color: #333; }
  @page { size: A4; margin: 20mm; }
  @media print { body { margin: 0; max-width: none; }
    th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    .watermark { position: fixed; } }
</style></head>
<body>
${
  r.drill
    ? '<div class="watermark" aria-hidden="true">演练</div>\n<div ' +
      'class="drill-banner">演练 — 本报告来自应急演练，不是真实事件</div>'
    : ''
}
<h1>${escapeHtml(title)}</h1>
<div class="meta">${meta}</div>
${r.correctsReference ? `<p class="notice">本报告更正此前报送的报告 ${escapeHtml(r.correctsReference)}。</p>` : ''}
${owed}
<table>
<tr><th scope="row">报送单位</th><td>${escapeHtml(r.organisation)}</td></tr>
<tr><th scope="row">接收单位</th><td>${recipients}</td></tr>
${rows}
</table>
<footer>${r.contentDigest ? `内容摘要（SHA-256）：${escapeHtml(r.contentDigest)}` : '本报告尚未报送，内容可能变更。'}</footer>
</body></html>
`;
}
