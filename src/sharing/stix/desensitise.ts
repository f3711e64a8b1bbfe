import { isIPv4, isIPv6 } from 'node:net';
import { matchesHostPattern } from '../../accounts';
import type { IncidentExportInput, SharedIndicator } from './stix-types';

/**
 * Desensitisation rules, as data so an operator can tune them per sharing partner. Applied to the plain export
 * input before any STIX is built, so nothing sensitive ever reaches a STIX object.
 */
export interface DesensitiseRules {
  /** Host names ending in one of these (case-insensitive) are internal. */
  internalHostSuffixes: string[];
  /** Exact internal host names without a telling suffix (e.g. `DC01`), case-insensitive. */
  internalHostnames: string[];
  /** The organisation's internal naming patterns (e.g. `trade-app-*`; see host-patterns.ts), case-insensitive. */
  internalHostPatterns: string[];
  replaceInternalHosts: boolean;
  /** RFC 1918, loopback, link-local, shared address space (RFC 6598), IPv6 ULA/link-local/loopback. */
  replacePrivateIps: boolean;
  /** Mainland-China mobile numbers (1[3-9] + 9 digits, optional +86 and separators). */
  stripMobileNumbers: boolean;
  /** 18-character resident identity card numbers. */
  stripResidentIds: boolean;
  /** E-mail addresses in free text, except ones that are themselves shared e-mail indicators. */
  stripEmails: boolean;
  /** Replace the organisation's identity (and its name in free text) with an anonymous one. */
  anonymiseOrganisation: boolean;
  /** Drop indicators that point inside the organisation (private IPs, internal hosts, URLs and mailboxes on
   *  them): they are victim details, not shareable IOCs. */
  dropInternalIndicators: boolean;
}

export const DEFAULT_DESENSITISE_RULES: Readonly<DesensitiseRules> = Object.freeze({
  internalHostSuffixes: ['.internal', '.local', '.localdomain', '.corp', '.lan', '.intranet', '.home.arpa'],
  internalHostnames: [],
  internalHostPatterns: [],
  replaceInternalHosts: true,
  replacePrivateIps: true,
  stripMobileNumbers: true,
  stripResidentIds: true,
  stripEmails: true,
  anonymiseOrganisation: true,
  dropInternalIndicators: true,
});

export type RemovalRule =
  | 'internal-host'
  | 'private-ip'
  | 'mobile-number'
  | 'resident-id'
  | 'email'
  | 'organisation'
  | 'private-ip-indicator'
  | 'internal-host-indicator';

export interface Removal {
  /** The value taken out; personal data (phones, ID numbers, e-mails) is masked even here, since this list
   *  may end up in logs or the audit trail. */
  what: string;
  /** Where it was, e.g. `incident.description`, `incident.affectedSystems[2]`, `indicators[4]`. */
  where: string;
  rule: RemovalRule;
}

export interface DesensitiseResult {
  input: IncidentExportInput;
  removed: Removal[];
}

export const ANONYMOUS_ORGANISATION_NAME = 'Anonymised operator';

const ID_NUMBER =
  /(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])/g;
const MOBILE = /(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])/g;
const HOST_TOKEN = /[A-Za-z0-9_.-]+/g;
const IPV4_TOKEN = /(?<![0-9.])[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?:\/[0-9]{1,2})?(?![0-9])/g;
const IPV6_TOKEN = /[0-9A-Fa-f:]+(?:\/[0-9]{1,3})?/g;

export function mergeRules(rules: Partial<DesensitiseRules> | true | undefined): DesensitiseRules {
  const given = rules === true || rules === undefined ? {} : rules;
  return {
    ...DEFAULT_DESENSITISE_RULES,
    ...given,
    internalHostSuffixes: [...(given.internalHostSuffixes ?? DEFAULT_DESENSITISE_RULES.internalHostSuffixes)],
    internalHostnames: [...(given.internalHostnames ?? DEFAULT_DESENSITISE_RULES.internalHostnames)],
    internalHostPatterns: [...(given.internalHostPatterns ?? DEFAULT_DESENSITISE_RULES.internalHostPatterns)],
  };
}

/** Returns a desensitised deep copy of the export input and the list of what was taken out. */
export function desensitiseExportInput(
  input: IncidentExportInput,
  rules?: Partial<DesensitiseRules> | true,
): DesensitiseResult {
  const r = mergeRules(rules);
  const removed: Removal[] = [];
  const cleaner = new TextCleaner(r, removed, input.organisation.name);

  const indicators: SharedIndicator[] = [];
  input.indicators.forEach((indicator, index) => {
    const rule = r.dropInternalIndicators ? internalIndicatorRule(indicator, r) : undefined;
    if (rule) {
      removed.push({ what: `${indicator.type} ${indicator.value}`, where: `indicators[${index}]`, rule });
      return;
    }
    indicators.push({ ...indicator });
    if (indicator.type === 'email-addr') cleaner.keepEmail(indicator.value);
  });
  indicators.forEach((indicator, index) => {
    if (indicator.description !== undefined) {
      indicator.description = cleaner.clean(indicator.description, `indicators[${index}].description`);
    }
  });

  const { incident, organisation } = input;
  const output: IncidentExportInput = {
    incident: {
      ...incident,
      title: cleaner.clean(incident.title, 'incident.title'),
      description: cleaner.clean(incident.description, 'incident.description'),
      affectedSystems: incident.affectedSystems.map((s, i) => cleaner.clean(s, `incident.affectedSystems[${i}]`)),
    },
    organisation: { ...organisation },
    indicators,
  };
  if (r.anonymiseOrganisation) {
    removed.push({ what: organisation.name, where: 'organisation.name', rule: 'organisation' });
    output.organisation = { ...organisation, name: ANONYMOUS_ORGANISATION_NAME };
  }
  return { input: output, removed };
}

/** Free-text cleaning with placeholders numbered consistently across all fields of one export. */
class TextCleaner {
  private readonly hostPlaceholders = new Map<string, string>();
  private readonly ipPlaceholders = new Map<string, string>();
  private readonly keptEmails = new Set<string>();

  constructor(
    private readonly rules: DesensitiseRules,
    private readonly removed: Removal[],
    private readonly organisationName: string,
  ) {}

  keepEmail(email: string): void {
    this.keptEmails.add(email.toLowerCase());
  }

  clean(text: string, where: string): string {
    let out = text;
    const r = this.rules;
    if (r.anonymiseOrganisation && this.organisationName.trim().length > 0 && out.includes(this.organisationName)) {
      out = out.split(this.organisationName).join('[organisation]');
      this.record(this.organisationName, where, 'organisation');
    }
    if (r.stripResidentIds) {
      out = out.replace(ID_NUMBER, (m) => {
        this.record(maskDigits(m, 6, 4), where, 'resident-id');
        return '[id-number-removed]';
      });
    }
    if (r.stripMobileNumbers) {
      out = out.replace(MOBILE, (m) => {
        this.record(maskDigits(m, 3, 4), where, 'mobile-number');
        return '[phone-removed]';
      });
    }
    if (r.stripEmails) out = this.replaceEmails(out, where);
    if (r.replaceInternalHosts) {
      out = out.replace(HOST_TOKEN, (token) => {
        const host = token.replace(/^\.+|\.+$/g, '');
        if (!isInternalHostname(host, r)) return token;
        this.record(host, where, 'internal-host');
        return token.replace(host, this.placeholder(this.hostPlaceholders, host.toLowerCase(), 'internal-host'));
      });
    }
    if (r.replacePrivateIps) {
      const replaceIp = (token: string): string => {
        const address = token.split('/')[0];
        if (!isNonPublicIp(address)) return token;
        this.record(token, where, 'private-ip');
        return this.placeholder(this.ipPlaceholders, token.toLowerCase(), 'private-ip');
      };
      out = out.replace(IPV4_TOKEN, replaceIp);
      out = out.replace(IPV6_TOKEN, (token) =>
        // a bare "::" is punctuation far more often than the unspecified address
        token.includes(':') && /[0-9A-Fa-f]/.test(token) ? replaceIp(token) : token,
      );
    }
    return out;
  }

  /** Linear scan around each "@": a regex with a repeated local part would backtrack quadratically on long
   *  input, and incident text can come from a webhook an attacker influences. */
  private replaceEmails(text: string, where: string): string {
    let out = '';
    let copied = 0;
    let at = text.indexOf('@');
    while (at >= 0) {
      let start = at;
      while (start > copied && /[A-Za-z0-9._%+-]/.test(text[start - 1])) start--;
      let end = at + 1;
      while (end < text.length && /[A-Za-z0-9.-]/.test(text[end])) end++;
      while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
      const domain = text.slice(at + 1, end);
      const email = text.slice(start, end);
      if (start < at && isMailDomain(domain) && !this.keptEmails.has(email.toLowerCase())) {
        out += text.slice(copied, start) + '[email-removed]';
        copied = end;
        this.record(maskEmail(email), where, 'email');
      }
      at = text.indexOf('@', Math.max(at + 1, copied));
    }
    return out + text.slice(copied);
  }

  private placeholder(map: Map<string, string>, key: string, label: string): string {
    let p = map.get(key);
    if (!p) {
      p = `[${label}-${map.size + 1}]`;
      map.set(key, p);
    }
    return p;
  }

  private record(what: string, where: string, rule: RemovalRule): void {
    if (!this.removed.some((x) => x.what === what && x.where === where && x.rule === rule)) {
      this.removed.push({ what, where, rule });
    }
  }
}

function isMailDomain(domain: string): boolean {
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((l) => l.length > 0) && /^[A-Za-z]{2,}$/.test(labels[labels.length - 1]);
}

function maskDigits(value: string, keepStart: number, keepEnd: number): string {
  const compact = value.replace(/[^0-9Xx+]/g, '');
  if (compact.length <= keepStart + keepEnd) return '*'.repeat(compact.length);
  return compact.slice(0, keepStart) + '*'.repeat(compact.length - keepStart - keepEnd) + compact.slice(-keepEnd);
}

function maskEmail(email: string): string {
  const at = email.indexOf('@');
  return `${email[0]}***${email.slice(at)}`;
}

export function isInternalHostname(
  host: string,
  rules: Pick<DesensitiseRules, 'internalHostSuffixes' | 'internalHostnames'> &
    Partial<Pick<DesensitiseRules, 'internalHostPatterns'>>,
): boolean {
  const h = host.toLowerCase().replace(/\.+$/, '');
  if (h.length === 0) return false;
  if (rules.internalHostnames.some((n) => n.toLowerCase() === h)) return true;
  if (rules.internalHostPatterns?.some((p) => matchesHostPattern(p, h))) return true;
  return rules.internalHostSuffixes.some((suffix) => {
    const s = suffix.toLowerCase();
    const dotted = s.startsWith('.') ? s : `.${s}`;
    return h.endsWith(dotted) && h.length > dotted.length;
  });
}

/** True for addresses that never identify an attacker on the Internet: RFC 1918, loopback, link-local,
 *  RFC 6598 shared space, "this network", IPv6 loopback/unspecified/ULA/link-local and IPv4-mapped forms. */
export function isNonPublicIp(address: string): boolean {
  const a = address.trim();
  if (isIPv4(a)) {
    const [o1, o2] = a.split('.').map(Number);
    return (
      o1 === 10 ||
      o1 === 127 ||
      o1 === 0 ||
      (o1 === 172 && o2 >= 16 && o2 <= 31) ||
      (o1 === 192 && o2 === 168) ||
      (o1 === 169 && o2 === 254) ||
      (o1 === 100 && o2 >= 64 && o2 <= 127)
    );
  }
  if (isIPv6(a)) {
    const lower = a.toLowerCase().split('%')[0];
    if (lower === '::1' || lower === '::') return true;
    const mapped = /^::ffff:([0-9.]+)$/.exec(lower);
    if (mapped) return isNonPublicIp(mapped[1]);
    if (lower.startsWith('::')) return false;
    const first = parseInt(lower.split(':')[0], 16);
    return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
  }
  return false;
}

function internalIndicatorRule(indicator: SharedIndicator, r: DesensitiseRules): RemovalRule | undefined {
  const value = indicator.value.trim();
  switch (indicator.type) {
    case 'ipv4-addr':
    case 'ipv6-addr':
      return isNonPublicIp(value.split('/')[0]) ? 'private-ip-indicator' : undefined;
    case 'domain-name':
      return isInternalHostname(value, r) ? 'internal-host-indicator' : undefined;
    case 'email-addr': {
      const domain = value.slice(value.lastIndexOf('@') + 1);
      return isInternalHostname(domain, r) ? 'internal-host-indicator' : undefined;
    }
    case 'url': {
      let host: string;
      try {
        host = new URL(value).hostname;
      } catch {
        return undefined; // not parseable as a URL: nothing to judge the host by, the value is shared as given
      }
      const bare = host.replace(/^\[|\]$/g, '');
      if (isNonPublicIp(bare)) return 'private-ip-indicator';
      return isInternalHostname(bare, r) ? 'internal-host-indicator' : undefined;
    }
    default:
      return undefined;
  }
}
