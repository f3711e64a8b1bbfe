import type { Locale, RenderedMessage } from '../channels/types';
import { Formatted, NOTIFICATION_EVENTS, NotificationEvent, TEMPLATES, VarName, VAR_NAMES } from './catalog';
import {
  CATEGORY_LABELS,
  formatBeijing,
  GRADE_LABELS,
  label,
  PHASE_LABELS,
  RECIPIENT_LABELS,
  REPORT_KIND_LABELS,
  TIMER_LABELS,
  WARNING_LEVEL_LABELS,
} from './labels';

export { NOTIFICATION_EVENTS, TEMPLATES, VAR_NAMES } from './catalog';
export type { NotificationEvent, VarName, TemplateDef } from './catalog';
export { formatBeijing } from './labels';

export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
export const DRILL_TITLE_STAMP: Readonly<Record<Locale, string>> = { 'zh-CN': '【演练】', en: '[DRILL] ' };
const DRILL_NOTICE: Readonly<Record<Locale, string>> = {
  'zh-CN': '> 【演练】本消息来自应急演练，不是真实事件。',
  en: '> [DRILL] This message comes from an exercise, not a real incident.',
};
const LINK_TEXT: Readonly<Record<Locale, string>> = { 'zh-CN': '在控制台查看', en: 'Open in the console' };
const MAX_VAR_CHARS = 500;

export interface TemplateVars {
  reference?: string;
  title?: string;
  /** I | II | III | IV */
  grade?: string;
  previousGrade?: string;
  /** Taxonomy code, e.g. `ransomware`. */
  category?: string;
  /** Date, ISO-8601 string or epoch milliseconds; shown in Beijing time. */
  dueAt?: Date | string | number;
  /** Timer / deadline code, e.g. `initial`, `final`, `warning-feedback`. */
  timer?: string;
  /** Early-warning level: red | orange | yellow | blue. */
  level?: string;
  orgName?: string;
  phase?: string;
  /** initial | followUp | final | onward */
  reportKind?: string;
  /** Recipient kind code (e.g. `protection-department`) or a free-text name. */
  recipient?: string;
  reason?: string;
  note?: string;
  /** Link to the incident in the console; http(s) only. */
  url?: string;
  drill?: boolean;
}

export class TemplateVariableError extends Error {
  constructor(
    readonly event: string,
    /** The variable names at fault, e.g. ['dueAt']. */
    readonly variables: string[],
    problem: string,
  ) {
    super(`template "${event}": ${problem}`);
    this.name = 'TemplateVariableError';
  }
}

export function isNotificationEvent(value: unknown): value is NotificationEvent {
  return typeof value === 'string' && (NOTIFICATION_EVENTS as readonly string[]).includes(value);
}

function isMissing(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** Longest input we look at: variables are cut to MAX_VAR_CHARS anyway, and this bounds the work on a huge one. */
const MAX_SCAN_CHARS = 4 * MAX_VAR_CHARS;
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const NEEDS_SANITIZING = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff[\]<>*_`~.:]/;
/** Line and paragraph breaks of every kind, VT and FF included (each would start a new markdown line), and tabs. */
// eslint-disable-next-line no-control-regex -- line-breaking controls are what it looks for
const LINE_BREAKS = /[\t\n\r\u000b\u000c\u0085\u2028\u2029]+/g;
const MARKUP = /[[\]<>*`~]/g;
const FULL_WIDTH: Readonly<Record<string, string>> = {
  '[': '［',
  ']': '］',
  '<': '＜',
  '>': '＞',
  '*': '＊',
  '`': '｀',
  '~': '～',
};
/**
 * Other C0/C1 controls (tab becomes a space), zero-width characters and bidirectional controls:
 * invisible, they could hide or reorder what a reader sees, or split a URL so our checks miss it.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- control characters are what it removes
  /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
/**
 * Host names and file names with a final alphabetic label (evil.example, www.evil.cn, malware.zip): linked by chat
 * clients.
 */
const DOMAIN_LIKE = /[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}(?![A-Za-z0-9-])/g;
const DOTTED_QUAD = /(?<![0-9.])\d{1,3}(?:\.\d{1,3}){3}(?![0-9])/g;

/**
 * Variables often carry user input (incident titles, notes, a SIEM's alert text). Everything a chat
 * client would render or act on is made inert, the same way for every channel (the rendered text
 * is channel-neutral markdown, and email's HTML part renders `**` too):
 * - line breaks of every kind (LF, CR, VT, FF, NEL, U+2028/2029) become spaces, so a variable cannot
 *   forge extra lines, headings, quotes or list items; other control, zero-width and bidi characters go;
 * - brackets and angle brackets become their full-width forms, so no markdown link, image, WeCom
 *   `<font>` tag or `<@user>` mention can be formed;
 * - markdown emphasis and code markers (`*`, `` ` ``, `~`, and `_` at a word edge) become full-width,
 *   so `**bold**` stays literal text;
 * - URLs and host names are defanged (`hxxps[:]//evil[.]example`, `10[.]0[.]0[.]1`), the usual way
 *   indicators are written in security messages: WeCom and DingTalk turn bare URLs and domain-like
 *   text into links, and a link in an incident alert is a lure.
 */
export function sanitize(v: string): string {
  // Most values (ids, grades, plain Chinese titles) contain none of these: one test instead of many passes.
  if (!NEEDS_SANITIZING.test(v)) {
    const t = v.trim();
    return t.length > MAX_VAR_CHARS ? `${t.slice(0, MAX_VAR_CHARS)}…` : t;
  }
  const s = v
    .slice(0, MAX_SCAN_CHARS)
    .replace(LINE_BREAKS, ' ')
    .replace(INVISIBLE, '')
    .replace(MARKUP, (c) => FULL_WIDTH[c]!)
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '＿')
    .replace(/\b(h)tt(ps?)(?=:)/gi, (_m, h: string, rest: string) => `${h}xx${rest}`)
    .replace(/:\/\//g, '[:]//')
    .replace(DOMAIN_LIKE, (m) => m.replace(/\./g, '[.]'))
    .replace(DOTTED_QUAD, (m) => m.replace(/\./g, '[.]'))
    .trim();
  return s.length > MAX_VAR_CHARS ? `${s.slice(0, MAX_VAR_CHARS)}…` : s;
}

function toDate(event: string, v: Date | string | number): Date {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime()))
    throw new TemplateVariableError(event, ['dueAt'], `variable "dueAt" is not a valid date`);
  return d;
}

function formatVars(event: NotificationEvent, locale: Locale, vars: TemplateVars): Formatted {
  const out = {} as Record<VarName, string>;
  for (const name of VAR_NAMES) {
    const raw = vars[name];
    if (isMissing(raw)) {
      out[name] = '';
      continue;
    }
    switch (name) {
      case 'dueAt':
        out[name] = formatBeijing(toDate(event, raw as Date | string | number), locale);
        break;
      case 'grade':
      case 'previousGrade': {
        const code = String(raw).trim();
        if (!GRADE_LABELS[code]) {
          throw new TemplateVariableError(
            event,
            [name],
            `variable "${name}" must be one of I, II, III, IV (got "${sanitize(code)}")`,
          );
        }
        out[name] = label(GRADE_LABELS, code, locale);
        break;
      }
      case 'level': {
        const code = String(raw).trim();
        if (!WARNING_LEVEL_LABELS[code]) {
          throw new TemplateVariableError(
            event,
            [name],
            `variable "level" must be one of red, orange, yellow, blue (got "${sanitize(code)}")`,
          );
        }
        out[name] = label(WARNING_LEVEL_LABELS, code, locale);
        break;
      }
      case 'url': {
        const s = String(raw).trim();
        if (!/^https?:\/\/[^\s()<>[\]]+$/.test(s)) {
          throw new TemplateVariableError(
            event,
            [name],
            'variable "url" must be an http(s) URL without spaces, brackets or parentheses',
          );
        }
        out[name] = s;
        break;
      }
      case 'category':
        out[name] = sanitize(label(CATEGORY_LABELS, String(raw).trim(), locale));
        break;
      case 'timer':
        out[name] = sanitize(label(TIMER_LABELS, String(raw).trim(), locale));
        break;
      case 'reportKind':
        out[name] = sanitize(label(REPORT_KIND_LABELS, String(raw).trim(), locale));
        break;
      case 'recipient':
        out[name] = sanitize(label(RECIPIENT_LABELS, String(raw).trim(), locale));
        break;
      case 'phase':
        out[name] = sanitize(label(PHASE_LABELS, String(raw).trim(), locale));
        break;
      default:
        out[name] = sanitize(String(raw));
    }
  }
  return out;
}

/**
 * Renders the message for one event in one locale. Throws TemplateVariableError naming every
 * missing required variable (and any malformed one), and a plain Error for an unknown event or locale.
 */
export function renderMessage(event: NotificationEvent, locale: Locale, vars: TemplateVars): RenderedMessage {
  if (!isNotificationEvent(event)) {
    throw new Error(`unknown notification event "${String(event)}" (known: ${NOTIFICATION_EVENTS.join(', ')})`);
  }
  if (!LOCALES.includes(locale))
    throw new Error(`unsupported locale "${String(locale)}" (supported: ${LOCALES.join(', ')})`);
  const def = TEMPLATES[event];
  const missing = def.required.filter((name) => isMissing(vars[name]));
  if (missing.length > 0) {
    const list = missing.map((m) => `"${m}"`).join(', ');
    throw new TemplateVariableError(
      event,
      missing,
      `missing required variable${missing.length > 1 ? 's' : ''} ${list}`,
    );
  }
  if (vars.drill !== undefined && typeof vars.drill !== 'boolean') {
    throw new TemplateVariableError(event, ['drill'], 'variable "drill" must be true or false');
  }
  const drill = vars.drill === true;
  const parts = def[locale](formatVars(event, locale, vars));
  const lines = parts.lines.filter((l): l is string => typeof l === 'string' && l !== '');
  if (vars.url) lines.push('', `[${LINK_TEXT[locale]}](${vars.url.trim()})`);
  if (drill) lines.unshift(DRILL_NOTICE[locale], '');
  return {
    title: drill ? `${DRILL_TITLE_STAMP[locale]}${parts.title}` : parts.title,
    text: lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
    locale,
    drill,
    event,
  };
}
