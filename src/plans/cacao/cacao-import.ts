import { PHASES, type Phase } from '../../../workflows/types';
import type { PlanDocument, PlanStep } from '../plan-document';
import { LIANFANG_EXTENSION } from './cacao-ids';
import { cacaoValidator, successors, type CacaoProblem } from './cacao-validator';

/** Bounds for a CACAO playbook from outside, on top of the request body bounds every route has. */
export const CACAO_LIMITS = Object.freeze({
  /** Below the 256 members any one object of a request body may have, so this limit speaks first. */
  maxSteps: 250,
  maxDepth: 16,
  maxStringLength: 16 * 1024,
  maxValues: 10_000,
  maxDefinitions: 200,
});

export type CacaoInputErrorCode =
  | 'not-a-playbook'
  | 'unsupported-spec-version'
  | 'too-many-steps'
  | 'too-large'
  | 'too-deep'
  | 'string-too-long'
  | 'schema'
  | 'workflow'
  | 'nothing-to-import';

const STATUS: Record<CacaoInputErrorCode, number> = {
  'not-a-playbook': 422,
  'unsupported-spec-version': 422,
  'too-many-steps': 413,
  'too-large': 413,
  'too-deep': 422,
  'string-too-long': 422,
  schema: 422,
  workflow: 422,
  'nothing-to-import': 422,
};

export class CacaoInputError extends Error {
  readonly status: number;
  constructor(
    readonly code: CacaoInputErrorCode,
    message: string,
    readonly problems: CacaoProblem[] = [],
  ) {
    super(message);
    this.name = 'CacaoInputError';
    this.status = STATUS[code];
  }
}

/** A part of the playbook the import did not turn into the plan, and why. */
export interface Skipped {
  path: string;
  reason: string;
}

export interface Imported {
  /** Not yet validated as a plan: the caller runs the plan checks (fields, model check). */
  document: Omit<PlanDocument, 'categories'> & { categories: string[] | null };
  playbookId: string;
  skipped: Skipped[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Playbook-level properties the import reads (or that are metadata it need not keep). */
const READ = new Set([
  'type',
  'spec_version',
  'id',
  'name',
  'description',
  'created_by',
  'created',
  'modified',
  'workflow_start',
  'workflow',
  'agent_definitions',
  'extension_definitions',
  'playbook_extensions',
  'playbook_types',
  'playbook_activities',
  'labels',
  'revoked',
  'derived_from',
  'related_to',
  'priority',
  'severity',
  'impact',
  'industry_sectors',
  'external_references',
  'valid_from',
  'valid_until',
]);

/** CACAO activities that say which response phase an action belongs to. */
const PHASE_OF_ACTIVITY: Record<string, Phase> = {
  'scan-system': 'triage',
  'match-indicator': 'triage',
  'analyze-collected-data': 'triage',
  'identify-indicators': 'triage',
  'identify-audience': 'triage',
  'restrict-access': 'containment',
  'disconnect-system': 'containment',
  'eliminate-risk': 'eradication',
  'configure-systems': 'eradication',
  'scan-vulnerabilities': 'eradication',
  'revert-system': 'recovery',
  'restore-data': 'recovery',
  'restore-capabilities': 'recovery',
};

/**
 * Turns an untrusted CACAO 2.0 playbook into a plan document. Checks, in order: shape and bounds (depth,
 * string lengths, values, step count), the OASIS schemas and the workflow rules, then walks the workflow
 * from its start. `action` steps become checklist steps (their `manual` commands the instructions; other
 * command types are reported skipped), `playbook-action` a step that runs the named playbook by hand,
 * `parallel` and `if-condition` lead to all their branches (an if-condition of our own export carries its
 * exact condition; a foreign one is reported: both branches become steps), `while-` and
 * `switch-condition` are reported skipped with their branches still followed. Playbook parts with no
 * place in a plan (variables, targets, signatures, markings …) are reported skipped, never dropped unseen.
 */
export function importCacao(raw: unknown): Imported {
  if (!isObj(raw) || raw.type !== 'playbook')
    throw new CacaoInputError('not-a-playbook', 'expected a CACAO playbook object with "type": "playbook"');
  if (raw.spec_version !== 'cacao-2.0')
    throw new CacaoInputError(
      'unsupported-spec-version',
      `spec_version must be "cacao-2.0", got ${JSON.stringify(String(raw.spec_version).slice(0, 40))}`,
    );
  bound(raw);
  const workflow = raw.workflow;
  if (isObj(workflow) && Object.keys(workflow).length > CACAO_LIMITS.maxSteps)
    throw new CacaoInputError(
      'too-many-steps',
      `workflow has ${Object.keys(workflow).length} steps, more than ${CACAO_LIMITS.maxSteps}`,
    );
  for (const defs of ['agent_definitions', 'target_definitions', 'extension_definitions'])
    if (isObj(raw[defs]) && Object.keys(raw[defs]).length > CACAO_LIMITS.maxDefinitions)
      throw new CacaoInputError('too-large', `${defs} has more than ${CACAO_LIMITS.maxDefinitions} entries`);
  const problems = cacaoValidator().check(raw);
  if (problems.length) {
    const first = problems[0]!;
    const code = first.kind;
    throw new CacaoInputError(
      code,
      `not a valid CACAO 2.0 playbook: ${first.path || '/'} ${first.message}` +
        (problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''),
      problems,
    );
  }
  return walk(raw, workflow as Record<string, Obj>);
}

function walk(raw: Obj, workflow: Record<string, Obj>): Imported {
  const skipped: Skipped[] = [];
  for (const key of Object.keys(raw))
    if (!READ.has(key)) skipped.push({ path: `/${key}`, reason: 'has no counterpart in a plan' });
  const agents = isObj(raw.agent_definitions) ? raw.agent_definitions : {};
  const playbookExt = extension(raw.playbook_extensions);
  const steps: PlanStep[] = [];
  const used = new Set<string>();
  // Breadth-first from the start, each branch in the order it is listed: the checklist order.
  const seen = new Set<string>();
  const queue = [String(raw.workflow_start)];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const step = workflow[id]!;
    const at = `/workflow/${id}`;
    for (const key of ['step_variables', 'delay', 'timeout', 'on_failure', 'targets', 'in_args', 'out_args'])
      if (step[key] !== undefined)
        skipped.push({
          path: `${at}/${key}`,
          reason:
            key === 'on_failure'
              ? 'a failure branch: a checklist step is done or not, its branch is imported as ordinary steps'
              : 'has no counterpart in a plan step',
        });
    switch (step.type) {
      case 'action':
      case 'playbook-action': {
        const made = planStep(step, at, agents, used, skipped);
        steps.push(made);
        used.add(made.id);
        break;
      }
      case 'if-condition': {
        // Our own export's if-condition guards a step whose extension carries the exact condition.
        if (typeof extension(step.step_extensions)?.guards !== 'string')
          skipped.push({
            path: `${at}/condition`,
            reason: 'a CACAO condition is not evaluated by lianfang: the steps of both branches are imported',
          });
        break;
      }
      case 'while-condition':
      case 'switch-condition':
        skipped.push({ path: at, reason: `${String(step.type)} is not supported: the steps it leads to are imported` });
        break;
      default:
        break;
    }
    for (const s of successors(step)) queue.push(String(s.id));
  }
  for (const id of Object.keys(workflow))
    if (!seen.has(id)) skipped.push({ path: `/workflow/${id}`, reason: 'not reachable from the start step' });
  if (!steps.length)
    throw new CacaoInputError('nothing-to-import', 'the workflow has no action or playbook-action step');
  const title = isObj(playbookExt?.title)
    ? (playbookExt.title as { zh: string; en: string })
    : { zh: String(raw.name), en: String(raw.name) };
  const categories = Array.isArray(playbookExt?.categories) ? (playbookExt.categories as string[]) : null;
  return { document: { title, categories, steps }, playbookId: String(raw.id), skipped };
}

function planStep(step: Obj, at: string, agents: Obj, used: Set<string>, skipped: Skipped[]): PlanStep {
  const ours = extension(step.step_extensions);
  if (ours && typeof ours.id === 'string') {
    // Our own export: the step exactly as it was (the plan checks validate it again).
    return ours as unknown as PlanStep;
  }
  const name = typeof step.name === 'string' && step.name.trim() ? step.name.trim() : undefined;
  const manual: string[] = [];
  let phase: Phase = 'containment';
  if (step.type === 'action' && Array.isArray(step.commands))
    step.commands.forEach((c, i) => {
      if (!isObj(c)) return;
      const activity = typeof c.playbook_activity === 'string' ? PHASE_OF_ACTIVITY[c.playbook_activity] : undefined;
      if (activity && PHASES.indexOf(activity) < PHASES.indexOf(phase)) phase = activity;
      else if (activity && phase === 'containment') phase = activity;
      if (c.type === 'manual') {
        const text =
          typeof c.command === 'string'
            ? c.command
            : typeof c.command_b64 === 'string'
              ? Buffer.from(c.command_b64, 'base64').toString('utf8')
              : '';
        if (text) manual.push(text);
      } else
        skipped.push({
          path: `${at}/commands/${i}`,
          reason: `a ${String(c.type)} command is not run by lianfang; do it by hand as the step says`,
        });
    });
  const agentName =
    typeof step.agent === 'string' && isObj(agents[step.agent]) ? String((agents[step.agent] as Obj).name) : undefined;
  const lines = [
    typeof step.description === 'string' ? step.description : '',
    ...manual,
    step.type === 'playbook-action' ? `Run playbook ${String(step.playbook_id)} by hand.` : '',
    agentName ? `Agent: ${agentName}` : '',
  ].filter(Boolean);
  const title = name ?? (step.type === 'playbook-action' ? `Run playbook ${String(step.playbook_id)}` : at.slice(10));
  const text = lines.join('\n').slice(0, 4000);
  let id = slug(title) || 'step';
  for (let n = 2; used.has(id); n++) id = `${slug(title) || 'step'}-${n}`;
  return {
    id,
    phase,
    title: { zh: title.slice(0, 200), en: title.slice(0, 200) },
    guidance: { zh: text, en: text },
    roles: ['commander', 'responder'],
    mandatory: true,
    evidence: [],
    requirements: [],
  };
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

function extension(exts: unknown): Obj | undefined {
  if (!isObj(exts)) return undefined;
  const ours = exts[LIANFANG_EXTENSION];
  return isObj(ours) ? ours : undefined;
}

/** Depth, string length and value count, iteratively, before anything else walks the value. */
function bound(root: unknown): void {
  const stack: Array<{ v: unknown; depth: number; path: string }> = [{ v: root, depth: 1, path: '' }];
  let values = 0;
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (++values > CACAO_LIMITS.maxValues)
      throw new CacaoInputError('too-large', `the playbook holds more than ${CACAO_LIMITS.maxValues} values`);
    if (typeof v === 'string' && v.length > CACAO_LIMITS.maxStringLength)
      throw new CacaoInputError(
        'string-too-long',
        `a string at ${path || '/'} is longer than ${CACAO_LIMITS.maxStringLength} characters`,
      );
    if (typeof v !== 'object' || v === null) continue;
    if (depth > CACAO_LIMITS.maxDepth)
      throw new CacaoInputError('too-deep', `nesting exceeds ${CACAO_LIMITS.maxDepth} levels at ${path}`);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, depth: depth + 1, path: `${path}/${i}` }));
    else
      for (const [k, x] of Object.entries(v)) {
        if (k.length > CACAO_LIMITS.maxStringLength)
          throw new CacaoInputError('string-too-long', `a property name at ${path || '/'} is too long`);
        stack.push({ v: x, depth: depth + 1, path: `${path}/${k}` });
      }
  }
}
