import {
  EVIDENCE_KINDS,
  GRADES,
  PHASES,
  type EvidenceKind,
  type Grade,
  type LocalizedText,
  type Phase,
  type Role,
  type StepTemplate,
} from '../../workflows/types';
import { durationMs, OPERATOR_ROLES } from '../common';

/**
 * An organisation's emergency plan (应急预案) as data: what a shipped playbook (workflows/playbooks/) says,
 * plus conditions. The phases are the incident workflow's own (triage … reidentification): the machine's
 * phase gates are fixed and versioned code, a plan decides which steps each phase holds, who does them and
 * whether they gate it.
 */
export interface PlanDocument {
  title: LocalizedText;
  /** Taxonomy codes the plan serves (it also serves their sub-categories unless a more specific plan exists). */
  categories: string[];
  steps: PlanStep[];
}

export interface PlanEvidence {
  kind: EvidenceKind;
  description: LocalizedText;
}

export interface PlanStep {
  id: string;
  phase: Phase;
  title: LocalizedText;
  /** Instructions for whoever does the step. */
  guidance: LocalizedText;
  roles: Role[];
  mandatory: boolean;
  evidence: PlanEvidence[];
  /** Requirement ids (requirements/) the step meets. */
  requirements: string[];
  /** The step is part of an incident only when this holds at declaration; absent: always. */
  condition?: Condition;
  /**
   * A sub-plan step: at declaration it is replaced by the steps of this version of another plan of the
   * organisation, in this step's phase, their ids prefixed with this step's (`<id>--<sub-step id>`), each
   * under this step's condition as well as its own. Saved without `version`, it takes that plan's latest.
   */
  subPlan?: { planId: string; version?: number };
  /**
   * An approval step: `role` decides yes or no with a reason (POST /incidents/:id/steps/:stepId/approval). It
   * is mandatory, so its phase cannot complete until it is approved; `timeout` (ISO 8601 duration) runs from
   * the moment the incident reaches the phase, and an undecided approval then escalates through the clocks
   * module (APPROVAL_TIMEOUT). Its `roles` are `[role]`: the deciding role is the one that completes it.
   */
  approval?: { role: Role; timeout: string };
  /**
   * A notification step: when the incident reaches the step's phase, the organisation's notification
   * subscriptions on `channel` (any channel when absent) that serve `role` (any role when absent) are told,
   * once. Nobody completes it, so it is never mandatory and is not a checklist item of the incident.
   */
  notify?: { role?: NotifyRole; channel?: NotifyChannel };
  /**
   * A service-provider step: the named provider of the organisation's register (src/providers) owes the
   * operator its report; the step is completed by recording the report's receipt, with evidence
   * (POST /incidents/:id/steps/:stepId/provider-report).
   */
  provider?: { providerId: string };
}

/** What a step is: a checklist item (the default), or one of the kinds with their own behaviour. */
export type StepKind = 'checklist' | 'sub-plan' | 'approval' | 'notification' | 'service-provider';

export function stepKind(s: PlanStep): StepKind {
  if (s.subPlan) return 'sub-plan';
  if (s.approval) return 'approval';
  if (s.notify) return 'notification';
  if (s.provider) return 'service-provider';
  return 'checklist';
}

/** The roles a notification step may address: those notification subscriptions serve (as for escalations). */
export const NOTIFY_ROLES = ['commander', 'leader', 'admin'] as const;
export type NotifyRole = (typeof NOTIFY_ROLES)[number];
/** The notification channels (src/notifications/channels: a test holds the two lists equal). */
export const NOTIFY_CHANNELS = ['webhook', 'email', 'wecom', 'dingtalk', 'feishu'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

/** Bounds of an approval's timeout: at least a minute, at most 30 days. */
export const APPROVAL_TIMEOUT_BOUNDS = Object.freeze({ minMs: 60_000, maxMs: 30 * 86_400_000 });

/**
 * The condition language: a JSON term, small on purpose, so that a plan can be checked for every case it
 * distinguishes (plan-check.ts enumerates them). `gradeAtLeast: "II"` holds for grades I and II (grade I is
 * the most serious). `category` holds when the incident's category or one of its ancestors is listed.
 * `personalInformation` holds when the declared impact names people whose personal information leaked.
 */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { gradeAtLeast: Grade }
  | { category: string[] }
  | { drill: boolean }
  | { personalInformation: boolean };

export interface ConditionFacts {
  grade: Grade;
  /** The incident's category and its ancestors, most specific first. */
  categories: string[];
  drill: boolean;
  personalInformation: boolean;
}

export function holds(c: Condition, f: ConditionFacts): boolean {
  if ('all' in c) return c.all.every((x) => holds(x, f));
  if ('any' in c) return c.any.some((x) => holds(x, f));
  if ('not' in c) return !holds(c.not, f);
  if ('gradeAtLeast' in c) return GRADES.indexOf(f.grade) <= GRADES.indexOf(c.gradeAtLeast);
  if ('category' in c) return c.category.some((code) => f.categories.includes(code));
  if ('drill' in c) return f.drill === c.drill;
  return f.personalInformation === c.personalInformation;
}

/**
 * The steps an incident with these facts gets, as playbook step templates (its checklist). Notification steps
 * are not in it: nobody completes them (see planActionsFor).
 */
export function stepsFor(doc: PlanDocument, facts: ConditionFacts): StepTemplate[] {
  return doc.steps.filter((s) => !s.notify && (!s.condition || holds(s.condition, facts))).map(toTemplate);
}

/** A step of a kind with its own behaviour (approval, notification, service provider), as an incident keeps it. */
export interface PlanAction {
  stepId: string;
  kind: 'approval' | 'notification' | 'service-provider';
  phase: Phase;
  title: LocalizedText;
  approval?: PlanStep['approval'];
  notify?: PlanStep['notify'];
  provider?: PlanStep['provider'];
}

/** The approval, notification and service-provider steps an incident with these facts gets. */
export function planActionsFor(doc: PlanDocument, facts: ConditionFacts): PlanAction[] {
  return doc.steps
    .filter((s) => (s.approval || s.notify || s.provider) && (!s.condition || holds(s.condition, facts)))
    .map((s) => ({
      stepId: s.id,
      kind: stepKind(s) as PlanAction['kind'],
      phase: s.phase,
      title: s.title,
      ...(s.approval ? { approval: s.approval } : {}),
      ...(s.notify ? { notify: s.notify } : {}),
      ...(s.provider ? { provider: s.provider } : {}),
    }));
}

export function toTemplate(s: PlanStep): StepTemplate {
  return {
    id: s.id,
    phase: s.phase,
    title: s.title,
    guidance: s.guidance,
    // An approval is decided by its role alone (validation keeps `roles` equal to it).
    roles: s.approval ? [s.approval.role] : s.roles,
    mandatory: s.mandatory,
    evidence: s.evidence,
    requirements: s.requirements,
  };
}

/** One field's refusal: `field` is a path into the request body (`document.steps[3].condition.all[0]`). */
export interface FieldProblem {
  field: string;
  messages: string[];
}

export class PlanDocumentError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.messages.join('; ')}`).join('; '));
    this.name = 'PlanDocumentError';
  }
}

export interface DocumentRules {
  isCategory(code: string): boolean;
  isRequirement(id: string): boolean;
}

export const PLAN_LIMITS = Object.freeze({
  maxSteps: 200,
  maxCategories: 50,
  maxTextLength: 200,
  maxGuidanceLength: 4000,
  maxEvidence: 20,
  maxRequirements: 30,
  maxConditionDepth: 6,
  maxConditionTerms: 50,
});

// `--` joins a sub-plan step's id and its sub-step's (expandSubPlans), so an adopted copy keeps them.
const STEP_ID = /^[a-z0-9]+(?:-{1,2}[a-z0-9]+)*$/;
const STEP_KEYS = new Set([
  'id',
  'phase',
  'title',
  'guidance',
  'roles',
  'mandatory',
  'evidence',
  'requirements',
  'condition',
  'subPlan',
  'approval',
  'notify',
  'provider',
]);

/**
 * Checks an untrusted plan document and returns it in canonical form (keys in a fixed order, no extra
 * fields), or throws PlanDocumentError naming every offending field under `prefix`. Bounded: every list
 * and the condition terms have limits, so a hostile document costs little.
 */
export function validatePlanDocument(raw: unknown, rules: DocumentRules, prefix = 'document'): PlanDocument {
  const problems: FieldProblem[] = [];
  const bad = (field: string, message: string) => {
    if (problems.length < 50) problems.push({ field, messages: [message] });
  };
  if (!isObject(raw)) throw new PlanDocumentError([{ field: prefix, messages: ['must be an object'] }]);
  for (const key of Object.keys(raw))
    if (!['title', 'categories', 'steps'].includes(key)) bad(`${prefix}.${key}`, 'is not a field of a plan');
  const title = text(raw.title, `${prefix}.title`, PLAN_LIMITS.maxTextLength, true, bad);
  const categories: string[] = [];
  if (!Array.isArray(raw.categories) || raw.categories.length === 0)
    bad(`${prefix}.categories`, 'must be a non-empty list of category codes (GET /api/v1/taxonomy)');
  else if (raw.categories.length > PLAN_LIMITS.maxCategories)
    bad(`${prefix}.categories`, `at most ${PLAN_LIMITS.maxCategories} categories`);
  else
    raw.categories.forEach((c, i) => {
      if (typeof c !== 'string' || !rules.isCategory(c))
        bad(`${prefix}.categories[${i}]`, `${JSON.stringify(c)} is not a category of the taxonomy`);
      else if (categories.includes(c)) bad(`${prefix}.categories[${i}]`, `${c} is listed twice`);
      else categories.push(c);
    });
  const steps: PlanStep[] = [];
  if (!Array.isArray(raw.steps) || raw.steps.length === 0) bad(`${prefix}.steps`, 'must be a non-empty list');
  else if (raw.steps.length > PLAN_LIMITS.maxSteps) bad(`${prefix}.steps`, `at most ${PLAN_LIMITS.maxSteps} steps`);
  else {
    const ids = new Set<string>();
    raw.steps.forEach((s, i) => {
      const step = validateStep(s, `${prefix}.steps[${i}]`, rules, bad);
      if (!step) return;
      if (ids.has(step.id)) bad(`${prefix}.steps[${i}].id`, `step id ${step.id} is used twice`);
      ids.add(step.id);
      steps.push(step);
    });
    // Phase order: the checklist reads top to bottom, as the incident moves through its phases.
    steps.sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase));
  }
  if (problems.length) throw new PlanDocumentError(problems);
  return { title: title!, categories, steps };
}

type Bad = (field: string, message: string) => void;

function validateStep(raw: unknown, at: string, rules: DocumentRules, bad: Bad): PlanStep | null {
  if (!isObject(raw)) {
    bad(at, 'must be an object');
    return null;
  }
  let ok = true;
  const fail: Bad = (f, m) => {
    ok = false;
    bad(f, m);
  };
  for (const key of Object.keys(raw)) if (!STEP_KEYS.has(key)) fail(`${at}.${key}`, 'is not a field of a step');
  const id = raw.id;
  if (typeof id !== 'string' || id.length > 80 || !STEP_ID.test(id))
    fail(`${at}.id`, 'must be kebab-case (a-z, 0-9, hyphens between), at most 170 characters');
  if (typeof raw.phase !== 'string' || !(PHASES as readonly string[]).includes(raw.phase))
    fail(`${at}.phase`, `must be one of ${PHASES.join(', ')}`);
  const title = text(raw.title, `${at}.title`, PLAN_LIMITS.maxTextLength, true, fail);
  const guidance =
    raw.guidance === undefined
      ? { zh: '', en: '' }
      : text(raw.guidance, `${at}.guidance`, PLAN_LIMITS.maxGuidanceLength, false, fail);
  const roles: Role[] = [];
  if (!Array.isArray(raw.roles) || raw.roles.length === 0)
    fail(`${at}.roles`, `must be a non-empty list of ${OPERATOR_ROLES.join(', ')}`);
  else
    raw.roles.slice(0, 10).forEach((r, j) => {
      if (typeof r !== 'string' || !(OPERATOR_ROLES as readonly string[]).includes(r))
        fail(`${at}.roles[${j}]`, `must be one of ${OPERATOR_ROLES.join(', ')}`);
      else if (!roles.includes(r as Role)) roles.push(r as Role);
    });
  if (typeof raw.mandatory !== 'boolean') fail(`${at}.mandatory`, 'must be true or false');
  const evidence: PlanEvidence[] = [];
  if (raw.evidence !== undefined) {
    if (!Array.isArray(raw.evidence) || raw.evidence.length > PLAN_LIMITS.maxEvidence)
      fail(`${at}.evidence`, `must be a list of at most ${PLAN_LIMITS.maxEvidence} expectations`);
    else
      raw.evidence.forEach((e, j) => {
        const where = `${at}.evidence[${j}]`;
        if (!isObject(e)) return fail(where, 'must be an object with kind and description');
        for (const key of Object.keys(e))
          if (key !== 'kind' && key !== 'description') fail(`${where}.${key}`, 'is not a field of an evidence item');
        if (typeof e.kind !== 'string' || !(EVIDENCE_KINDS as readonly string[]).includes(e.kind))
          fail(`${where}.kind`, `must be one of ${EVIDENCE_KINDS.join(', ')}`);
        const description = text(e.description, `${where}.description`, PLAN_LIMITS.maxTextLength, true, fail);
        if (description && typeof e.kind === 'string') evidence.push({ kind: e.kind as EvidenceKind, description });
      });
  }
  const requirements: string[] = [];
  if (raw.requirements !== undefined) {
    if (!Array.isArray(raw.requirements) || raw.requirements.length > PLAN_LIMITS.maxRequirements)
      fail(`${at}.requirements`, `must be a list of at most ${PLAN_LIMITS.maxRequirements} requirement ids`);
    else
      raw.requirements.forEach((r, j) => {
        if (typeof r !== 'string' || !rules.isRequirement(r))
          fail(`${at}.requirements[${j}]`, `${JSON.stringify(r)} is not a requirement id (GET /api/v1/requirements)`);
        else if (!requirements.includes(r)) requirements.push(r);
      });
  }
  let condition: Condition | undefined;
  if (raw.condition !== undefined && raw.condition !== null) {
    const budget = { terms: 0 };
    condition = validateCondition(raw.condition, `${at}.condition`, 1, budget, rules, fail) ?? undefined;
  }
  let subPlan: PlanStep['subPlan'];
  if (raw.subPlan !== undefined && raw.subPlan !== null) {
    const sp = raw.subPlan;
    if (!isObject(sp) || typeof sp.planId !== 'string' || !UUID.test(sp.planId))
      fail(`${at}.subPlan.planId`, 'must be the id of another plan of your organisation');
    else if (Object.keys(sp).some((k) => k !== 'planId' && k !== 'version'))
      fail(`${at}.subPlan`, 'has only planId and version');
    else if (sp.version !== undefined && (!Number.isInteger(sp.version) || (sp.version as number) < 1))
      fail(`${at}.subPlan.version`, 'must be a version number (1 or more)');
    else subPlan = { planId: sp.planId, ...(sp.version !== undefined ? { version: sp.version as number } : {}) };
  }
  const kinds = (['subPlan', 'approval', 'notify', 'provider'] as const).filter(
    (k) => raw[k] !== undefined && raw[k] !== null,
  );
  if (kinds.length > 1) fail(`${at}.${kinds[1]}`, `a step is of one kind: it has ${kinds.join(' and ')}`);
  let approval: PlanStep['approval'];
  if (raw.approval !== undefined && raw.approval !== null) {
    const a = raw.approval;
    if (!isObject(a)) fail(`${at}.approval`, 'must be an object with role and timeout');
    else {
      for (const key of Object.keys(a))
        if (key !== 'role' && key !== 'timeout') fail(`${at}.approval.${key}`, 'is not a field of an approval');
      const role = a.role;
      const roleOk = typeof role === 'string' && (OPERATOR_ROLES as readonly string[]).includes(role);
      if (!roleOk) fail(`${at}.approval.role`, `must be one of ${OPERATOR_ROLES.join(', ')}`);
      const ms = timeoutMs(a.timeout);
      if (ms === null || ms < APPROVAL_TIMEOUT_BOUNDS.minMs || ms > APPROVAL_TIMEOUT_BOUNDS.maxMs)
        fail(`${at}.approval.timeout`, 'must be an ISO 8601 duration from PT1M to P30D (e.g. PT4H)');
      if (roleOk && (roles.length !== 1 || roles[0] !== role))
        fail(
          `${at}.roles`,
          `an approval step is decided by its approval.role alone: roles must be ["${String(role)}"]`,
        );
      if (raw.mandatory === false) fail(`${at}.mandatory`, 'an approval step blocks its phase: must be true');
      if (roleOk && ms !== null) approval = { role: role as Role, timeout: a.timeout as string };
    }
  }
  let notify: PlanStep['notify'];
  if (raw.notify !== undefined && raw.notify !== null) {
    const n = raw.notify;
    if (!isObject(n) || (n.role === undefined && n.channel === undefined))
      fail(`${at}.notify`, 'must be an object with role, channel or both');
    else {
      for (const key of Object.keys(n))
        if (key !== 'role' && key !== 'channel') fail(`${at}.notify.${key}`, 'is not a field of a notification');
      if (n.role !== undefined && !(NOTIFY_ROLES as readonly unknown[]).includes(n.role))
        fail(`${at}.notify.role`, `must be one of ${NOTIFY_ROLES.join(', ')}`);
      if (n.channel !== undefined && !(NOTIFY_CHANNELS as readonly unknown[]).includes(n.channel))
        fail(`${at}.notify.channel`, `must be one of ${NOTIFY_CHANNELS.join(', ')}`);
      if (raw.mandatory === true)
        fail(`${at}.mandatory`, 'a notification step is sent, not completed by anyone: must be false');
      notify = {
        ...(n.role !== undefined ? { role: n.role as NotifyRole } : {}),
        ...(n.channel !== undefined ? { channel: n.channel as NotifyChannel } : {}),
      };
    }
  }
  let provider: PlanStep['provider'];
  if (raw.provider !== undefined && raw.provider !== null) {
    const p = raw.provider;
    if (!isObject(p) || typeof p.providerId !== 'string' || !UUID.test(p.providerId))
      fail(`${at}.provider.providerId`, 'must be the id of a service provider of your organisation');
    else if (Object.keys(p).some((k) => k !== 'providerId')) fail(`${at}.provider`, 'has only providerId');
    else provider = { providerId: p.providerId };
  }
  if (!ok) return null;
  return {
    id: id as string,
    phase: raw.phase as Phase,
    title: title!,
    guidance: guidance!,
    roles,
    mandatory: raw.mandatory as boolean,
    evidence,
    requirements,
    ...(condition ? { condition } : {}),
    ...(subPlan ? { subPlan } : {}),
    ...(approval ? { approval } : {}),
    ...(notify ? { notify } : {}),
    ...(provider ? { provider } : {}),
  };
}

/** An approval's timeout in milliseconds, or null when it is no ISO 8601 duration. */
function timeoutMs(raw: unknown): number | null {
  if (typeof raw !== 'string') return null;
  try {
    return durationMs(raw);
  } catch {
    return null;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The sub-plans a document names, as `planId@version` (versions filled in). */
export function subPlanRefs(doc: PlanDocument): Array<{ planId: string; version: number }> {
  return doc.steps.flatMap((s) =>
    s.subPlan?.version ? [{ planId: s.subPlan.planId, version: s.subPlan.version }] : [],
  );
}

/**
 * The document with every sub-plan step replaced by the sub-plan's steps (see PlanStep.subPlan). One level:
 * a sub-plan's own sub-plan steps are not expanded (saving refuses such a reference).
 */
export function expandSubPlans(
  doc: PlanDocument,
  lookup: (planId: string, version: number) => PlanDocument | undefined,
): PlanDocument {
  if (!doc.steps.some((s) => s.subPlan)) return doc;
  const steps: PlanStep[] = [];
  for (const s of doc.steps) {
    if (!s.subPlan?.version) {
      steps.push(s);
      continue;
    }
    const sub = lookup(s.subPlan.planId, s.subPlan.version);
    for (const x of sub?.steps ?? []) {
      if (x.subPlan) continue;
      const condition = s.condition && x.condition ? { all: [s.condition, x.condition] } : (s.condition ?? x.condition);
      steps.push({ ...x, id: `${s.id}--${x.id}`, phase: s.phase, ...(condition ? { condition } : {}) });
    }
  }
  return { ...doc, steps };
}

const CONDITION_FORMS =
  'one of {"all": [...]}, {"any": [...]}, {"not": {...}}, {"gradeAtLeast": "I"|"II"|"III"|"IV"}, ' +
  '{"category": [codes]}, {"drill": true|false}, {"personalInformation": true|false}';

function validateCondition(
  raw: unknown,
  at: string,
  depth: number,
  budget: { terms: number },
  rules: DocumentRules,
  bad: Bad,
): Condition | null {
  if (++budget.terms > PLAN_LIMITS.maxConditionTerms) {
    bad(at, `a condition has at most ${PLAN_LIMITS.maxConditionTerms} terms`);
    return null;
  }
  if (depth > PLAN_LIMITS.maxConditionDepth) {
    bad(at, `a condition nests at most ${PLAN_LIMITS.maxConditionDepth} levels`);
    return null;
  }
  if (!isObject(raw) || Object.keys(raw).length !== 1) {
    bad(at, `must be ${CONDITION_FORMS}`);
    return null;
  }
  const [key] = Object.keys(raw) as [string];
  const value = raw[key];
  switch (key) {
    case 'all':
    case 'any': {
      if (!Array.isArray(value) || value.length === 0 || value.length > PLAN_LIMITS.maxConditionTerms) {
        bad(`${at}.${key}`, 'must be a non-empty list of conditions');
        return null;
      }
      const parts = value.map((v, i) => validateCondition(v, `${at}.${key}[${i}]`, depth + 1, budget, rules, bad));
      if (parts.some((p) => p === null)) return null;
      return key === 'all' ? { all: parts as Condition[] } : { any: parts as Condition[] };
    }
    case 'not': {
      const inner = validateCondition(value, `${at}.not`, depth + 1, budget, rules, bad);
      return inner ? { not: inner } : null;
    }
    case 'gradeAtLeast':
      if (typeof value !== 'string' || !(GRADES as readonly string[]).includes(value)) {
        bad(`${at}.gradeAtLeast`, `must be one of ${GRADES.join(', ')}`);
        return null;
      }
      return { gradeAtLeast: value as Grade };
    case 'category': {
      if (!Array.isArray(value) || value.length === 0 || value.length > PLAN_LIMITS.maxCategories) {
        bad(`${at}.category`, 'must be a non-empty list of category codes');
        return null;
      }
      const codes: string[] = [];
      value.forEach((c, i) => {
        if (typeof c !== 'string' || !rules.isCategory(c))
          bad(`${at}.category[${i}]`, `${JSON.stringify(c)} is not a category of the taxonomy`);
        else codes.push(c);
      });
      return codes.length === value.length ? { category: codes } : null;
    }
    case 'drill':
    case 'personalInformation':
      if (typeof value !== 'boolean') {
        bad(`${at}.${key}`, 'must be true or false');
        return null;
      }
      return key === 'drill' ? { drill: value } : { personalInformation: value };
    default:
      bad(`${at}.${key}`, `is not a condition; a condition is ${CONDITION_FORMS}`);
      return null;
  }
}

function text(raw: unknown, at: string, max: number, required: boolean, bad: Bad): LocalizedText | null {
  if (!isObject(raw)) {
    bad(at, 'must be an object with zh and en');
    return null;
  }
  let ok = true;
  for (const key of Object.keys(raw))
    if (key !== 'zh' && key !== 'en') {
      bad(`${at}.${key}`, 'is not a field of a text (zh, en)');
      ok = false;
    }
  for (const lang of ['zh', 'en'] as const) {
    const v = raw[lang];
    if (typeof v !== 'string' || v.length > max || (required && v.trim().length === 0)) {
      bad(
        `${at}.${lang}`,
        required ? `must be a non-empty string of at most ${max}` : `must be a string of at most ${max}`,
      );
      ok = false;
    }
  }
  return ok ? { zh: raw.zh as string, en: raw.en as string } : null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every grade, category, drill and personal-information case a plan's conditions can tell apart. */
export function conditionCases(doc: PlanDocument, ancestors: (code: string) => string[]): ConditionFacts[] {
  const mentioned = new Set<string>(doc.categories);
  const visit = (c: Condition): void => {
    if ('all' in c) c.all.forEach(visit);
    else if ('any' in c) c.any.forEach(visit);
    else if ('not' in c) visit(c.not);
    else if ('category' in c) c.category.forEach((x) => mentioned.add(x));
  };
  doc.steps.forEach((s) => s.condition && visit(s.condition));
  const cases: ConditionFacts[] = [];
  for (const category of mentioned)
    for (const grade of GRADES)
      for (const drill of [false, true])
        for (const personalInformation of [false, true])
          cases.push({ grade, categories: [category, ...ancestors(category)], drill, personalInformation });
  return cases;
}
