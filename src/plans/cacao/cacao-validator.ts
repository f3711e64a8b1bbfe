import Ajv2019 from 'ajv/dist/2019';
import type { ErrorObject, ValidateFunction } from 'ajv';
import draft7 from 'ajv/dist/refs/json-schema-draft-07.json';
import addFormats from 'ajv-formats';
import { CACAO_SCHEMA_FILES } from './schemas';

export const CACAO_PLAYBOOK_SCHEMA =
  'https://raw.githubusercontent.com/oasis-open/cacao-json-schemas/main/schemas/playbook.json';

export interface CacaoProblem {
  /** JSON Pointer into the playbook, e.g. `/workflow/action--…/on_completion`. */
  path: string;
  message: string;
  /** `schema`: the OASIS schemas refuse it; `workflow`: a rule of the specification they cannot express. */
  kind: 'schema' | 'workflow';
}

type Step = Record<string, unknown> & { type?: unknown };

/** Where a workflow step leads next: every reference to another step it holds. */
export function successors(step: Step): Array<{ key: string; id: unknown }> {
  const out: Array<{ key: string; id: unknown }> = [];
  // The order a reader follows them: a condition's branches first, then where the step leads after.
  for (const key of ['on_true', 'on_false', 'on_success', 'on_completion', 'on_failure'])
    if (step[key] !== undefined) out.push({ key, id: step[key] });
  if (Array.isArray(step.next_steps)) step.next_steps.forEach((id, i) => out.push({ key: `next_steps/${i}`, id }));
  if (step.cases && typeof step.cases === 'object')
    for (const [k, id] of Object.entries(step.cases as Record<string, unknown>)) out.push({ key: `cases/${k}`, id });
  return out;
}

/**
 * Validates CACAO 2.0 playbooks against the vendored OASIS schemas (ajv, `unevaluatedProperties` honoured)
 * plus the rules the schemas cannot express: every step reference resolves inside `workflow`,
 * `workflow_start` names the one and only start step, and every step reachable from the start can still
 * reach an end step. Create one and reuse it (compiling the schemas takes a moment).
 */
export class CacaoValidator {
  private readonly validate: ValidateFunction;

  constructor() {
    // The schemas say draft-07 but rely on `unevaluatedProperties` (2019-09) to refuse unknown properties;
    // ajv's draft-07 class ignores that keyword, so they are compiled by the 2019-09 class with the draft-07
    // meta-schema added. The one difference that makes, keywords beside a `$ref` applying too, is what the
    // schemas' authors wrote them for.
    const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
    ajv.addMetaSchema(draft7);
    addFormats(ajv);
    for (const { schema } of CACAO_SCHEMA_FILES) ajv.addSchema(schema);
    this.validate = ajv.getSchema(CACAO_PLAYBOOK_SCHEMA)!;
  }

  check(playbook: unknown, maxProblems = 20): CacaoProblem[] {
    const problems: CacaoProblem[] = [];
    this.validate(playbook);
    const errors = ((this.validate.errors ?? []) as ErrorObject[]).filter((e) => !commandDataGap(e));
    errors.push(...commandProblems(playbook));
    if (errors.length) {
      for (const e of errors) {
        if (problems.length >= maxProblems) break;
        const extra =
          e.keyword === 'unevaluatedProperties'
            ? ` (${String((e.params as { unevaluatedProperty?: string }).unevaluatedProperty)})`
            : '';
        problems.push({ path: e.instancePath, message: `${e.message ?? e.keyword}${extra}`, kind: 'schema' });
      }
      return problems;
    }
    return workflowProblems(playbook as Record<string, unknown>).slice(0, maxProblems);
  }
}

/**
 * Upstream gap (SOURCE.md): `commands/command-data.json` says `unevaluatedProperties: false` about its own
 * four properties, and `action.json` validates each command against it, so under 2019-09 semantics no
 * command may carry `command` (or any type's own property). Those errors are dropped here and each
 * command is held instead to command-data's properties plus its own type's (commandProblems).
 */
const COMMAND_PATH = /^\/workflow\/[^/]+\/commands\/\d+$/;
const commandDataGap = (e: ErrorObject) => e.keyword === 'unevaluatedProperties' && COMMAND_PATH.test(e.instancePath);

const COMMAND_TYPES: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const base = propertiesOf(CACAO_SCHEMA_FILES.find((f) => f.file === 'commands/command-data.json')!.schema);
  const out = new Map<string, ReadonlySet<string>>();
  for (const { file, schema } of CACAO_SCHEMA_FILES) {
    const m = /^commands\/(.+)\.json$/.exec(file);
    if (m && m[1] !== 'command-data') out.set(m[1]!, new Set([...base, ...propertiesOf(schema)]));
  }
  return out;
})();

function propertiesOf(schema: object): string[] {
  const s = schema as { properties?: object; allOf?: object[] };
  return [...Object.keys(s.properties ?? {}), ...(s.allOf ?? []).flatMap((x) => propertiesOf(x))];
}

/** The properties of each command of a known type that neither command-data nor its type defines. */
function commandProblems(playbook: unknown): ErrorObject[] {
  const out: ErrorObject[] = [];
  const workflow = (playbook as { workflow?: unknown })?.workflow;
  if (typeof workflow !== 'object' || workflow === null) return out;
  for (const [id, step] of Object.entries(workflow as Record<string, Step>)) {
    if (!Array.isArray(step?.commands)) continue;
    step.commands.forEach((c: unknown, i: number) => {
      const allowed = COMMAND_TYPES.get(String((c as { type?: unknown })?.type));
      if (!allowed || typeof c !== 'object' || c === null) return; // other command types: the schema's anyOf string
      for (const key of Object.keys(c))
        if (!allowed.has(key))
          out.push({
            instancePath: `/workflow/${id}/commands/${i}`,
            schemaPath: '#/unevaluatedProperties',
            keyword: 'unevaluatedProperties',
            params: { unevaluatedProperty: key },
            message: 'must NOT have unevaluated properties',
          });
    });
  }
  return out;
}

/** The rules of the specification the schemas leave out. */
export function workflowProblems(playbook: Record<string, unknown>): CacaoProblem[] {
  return ruleProblems(playbook).map((p) => ({ ...p, kind: 'workflow' }));
}

function ruleProblems(playbook: Record<string, unknown>): Array<Omit<CacaoProblem, 'kind'>> {
  const problems: Array<Omit<CacaoProblem, 'kind'>> = [];
  const workflow = (playbook.workflow ?? {}) as Record<string, Step>;
  const ids = Object.keys(workflow);
  const starts = ids.filter((id) => workflow[id]!.type === 'start');
  if (starts.length !== 1)
    problems.push({ path: '/workflow', message: `must have exactly one start step, has ${starts.length}` });
  if (!workflow[String(playbook.workflow_start)])
    problems.push({ path: '/workflow_start', message: 'does not name a step of the workflow' });
  else if (workflow[String(playbook.workflow_start)]!.type !== 'start')
    problems.push({ path: '/workflow_start', message: 'must name the start step' });
  if (playbook.workflow_exception !== undefined && !workflow[String(playbook.workflow_exception)])
    problems.push({ path: '/workflow_exception', message: 'does not name a step of the workflow' });
  if (!ids.some((id) => workflow[id]!.type === 'end')) problems.push({ path: '/workflow', message: 'has no end step' });
  for (const id of ids)
    for (const { key, id: target } of successors(workflow[id]!))
      if (typeof target !== 'string' || !workflow[target])
        problems.push({
          path: `/workflow/${id}/${key}`,
          message: `refers to ${JSON.stringify(target)}, not a step of the workflow`,
        });
  if (problems.length) return problems;
  // Every step reachable from the start must be able to reach an end (backwards closure from the ends).
  const reachable = new Set<string>();
  const stack = [String(playbook.workflow_start)];
  while (stack.length) {
    const id = stack.pop()!;
    if (reachable.has(id)) continue;
    reachable.add(id);
    for (const s of successors(workflow[id]!)) stack.push(String(s.id));
  }
  const ends = new Set(ids.filter((id) => workflow[id]!.type === 'end'));
  let grew = true;
  while (grew) {
    grew = false;
    for (const id of ids)
      if (!ends.has(id) && successors(workflow[id]!).some((s) => ends.has(String(s.id)))) {
        ends.add(id);
        grew = true;
      }
  }
  for (const id of reachable)
    if (!ends.has(id))
      problems.push({ path: `/workflow/${id}`, message: 'no path from this step reaches an end step' });
  return problems;
}

let shared: CacaoValidator | undefined;

/** The process-wide validator, compiled on first use. */
export function cacaoValidator(): CacaoValidator {
  return (shared ??= new CacaoValidator());
}
