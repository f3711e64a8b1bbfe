import { getAdjacencyMap } from '@xstate/graph';
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { INCIDENT_WORKFLOW_ID, latestWorkflow, toStepState } from '../../workflows';
import type { IncidentContext } from '../../workflows/incident/types';
import { maySend } from '../../workflows/permissions';
import type { Role, StepState } from '../../workflows/types';
import { conditionCases, stepsFor, type ConditionFacts, type PlanDocument } from './plan-document';

/** One reason a plan cannot be used, with the path that shows it. */
export interface PlanCheckFailure {
  rule: 'step-unreachable' | 'cannot-close' | 'too-many-cases';
  message: string;
  /** The incident the failure was found for: grade, category, drill, personal information. */
  case: ConditionFacts | null;
  /** The events from declaration to where the incident gets stuck (empty when the declaration itself is). */
  path: string[];
  /** Mandatory steps nobody can complete there. */
  steps: string[];
}

/**
 * Traversal bound. The check explores only mandatory steps (optional ones never gate a phase), one
 * completable step per phase (see representatives), completed in plan order: a few hundred states.
 */
const MAX_STATES = 20_000;
const MAX_STEP_SETS = 12;
const AT = '2026-01-01T00:00:00Z';

/**
 * Model-checks a plan against the incident workflow it will run on, with @xstate/graph as the workflow
 * tests do (test/unit/workflows/incident-graph.spec.ts): for every distinct set of mandatory steps the
 * plan's conditions give, every mandatory step must be completed by some role that may, every phase must
 * be able to complete, and `closed` must be reachable from every state an incident can reach. Dismissal
 * is left out (it ends an incident, it does not close one). Returns the failures, none when it passes.
 */
export function checkPlan(doc: PlanDocument, ancestors: (code: string) => string[]): PlanCheckFailure[] {
  const workflow = latestWorkflow(INCIDENT_WORKFLOW_ID)!;
  const sets = new Map<string, { facts: ConditionFacts; steps: StepState[] }>();
  for (const facts of conditionCases(doc, ancestors)) {
    const steps = representatives(
      stepsFor(doc, facts)
        .filter((s) => s.mandatory)
        .map(toStepState),
    );
    const key = steps.map((s) => s.id).join(',');
    if (!sets.has(key)) sets.set(key, { facts, steps });
  }
  if (sets.size > MAX_STEP_SETS)
    return [
      {
        rule: 'too-many-cases',
        message:
          `the conditions give ${sets.size} different sets of mandatory steps, more than the ${MAX_STEP_SETS} ` +
          'a plan may have (each is model-checked); merge conditions',
        case: null,
        path: [],
        steps: [],
      },
    ];
  const failures: PlanCheckFailure[] = [];
  const reported = new Set<string>();
  for (const { facts, steps } of sets.values()) {
    for (const f of checkSteps(workflow.machine, facts, steps)) {
      const key = `${f.rule}:${f.steps.join(',')}`;
      if (reported.has(key)) continue;
      reported.add(key);
      failures.push(f);
    }
  }
  return failures;
}

type Ev = EventObject & Record<string, unknown>;
/** @xstate/graph's adjacency map, indexed by serialised state. */
type Adjacency = Record<
  string,
  { state: AnyMachineSnapshot; transitions: Record<string, { event: EventObject; state: AnyMachineSnapshot }> }
>;

/** The role that completes a step in the model: the first of its roles that may send step events. */
function completer(step: StepState): Role | undefined {
  return step.roles.find((r) => maySend(INCIDENT_WORKFLOW_ID, 'COMPLETE_STEP', r));
}

function describeEvent(e: EventObject): string {
  const x = e as EventObject & Record<string, unknown>;
  switch (e.type) {
    case 'COMPLETE_STEP':
      return `COMPLETE_STEP ${String(x.stepId)} as ${String(x.role)}`;
    case 'CONFIRM':
      return `CONFIRM grade ${String(x.grade)}${x.reportingRequired ? ' (reports owed)' : ''}`;
    case 'CRIME_ASSESSED':
      return `CRIME_ASSESSED suspected=${String(x.suspected)}`;
    default:
      return e.type;
  }
}

/**
 * The steps the graph needs: per phase, the first step some role can complete, and every step nobody
 * can. The workflow's guards treat the steps of a phase alike (a role of the step's, the phase reached,
 * not done) and completing one never enables or blocks another, so a phase whose completable steps are
 * all represented by one completes exactly when the real plan's would. This keeps the state space at a
 * few hundred states whatever the plan's size (every mandatory step of an 80-step plan took 12 s).
 */
function representatives(steps: StepState[]): StepState[] {
  const phases = new Set<string>();
  return steps.filter((s) => {
    if (!completer(s)) return true;
    if (phases.has(s.phase)) return false;
    phases.add(s.phase);
    return true;
  });
}

function checkSteps(machine: AnyStateMachine, facts: ConditionFacts, steps: StepState[]): PlanCheckFailure[] {
  const failures: PlanCheckFailure[] = [];
  const nobody = steps.filter((s) => !completer(s));
  for (const s of nobody)
    failures.push({
      rule: 'step-unreachable',
      message:
        `mandatory step ${s.id} (${s.phase}) can be completed by no role: ${s.roles.join(', ')} ` +
        'may not complete steps (viewers only read)',
      case: facts,
      path: [],
      steps: [s.id],
    });

  const events = (snapshot: AnyMachineSnapshot): Ev[] => {
    const ctx = snapshot.context as IncidentContext;
    const out: Ev[] = [
      { type: 'CONFIRM', grade: facts.grade, reportingRequired: true },
      { type: 'CONFIRM', grade: facts.grade, reportingRequired: false },
      { type: 'CRIME_ASSESSED', suspected: true },
      { type: 'CRIME_ASSESSED', suspected: false },
      { type: 'POLICE_REPORT_FILED', reference: 'PSB-1', at: AT },
      { type: 'ADVANCE' },
      { type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportId: 'r-initial' },
      { type: 'FINAL_REPORT_SUBMITTED', reportId: 'r-final' },
      { type: 'REVIEW_COMPLETED' },
      { type: 'REIDENTIFICATION_COMPLETED' },
    ];
    // Plan order: the first open step someone may complete now. Any order reaches the same set of states
    // (a step's completion never depends on another's), so one order keeps the state space linear.
    for (const s of ctx.steps) {
      const role = completer(s);
      if (s.status === 'done' || !role) continue;
      const e: Ev = { type: 'COMPLETE_STEP', stepId: s.id, role, actorId: 'plan-check', at: AT };
      if (snapshot.can(e)) {
        out.push(e);
        break;
      }
    }
    return out;
  };
  const serialise = (s: AnyMachineSnapshot): string => {
    const ctx = s.context as IncidentContext & { crimeSuspected?: boolean | null; policeReports?: unknown[] };
    return JSON.stringify({
      v: s.value,
      s: ctx.steps.map((x) => (x.status === 'done' ? 1 : 0)).join(''),
      r: ctx.reportingRequired,
      c: ctx.crimeSuspected ?? null,
      p: (ctx.policeReports?.length ?? 0) > 0,
    });
  };
  const adjacency = getAdjacencyMap(machine, {
    input: {
      incidentId: 'plan-check',
      category: facts.categories[0],
      grade: facts.grade,
      drill: facts.drill,
      reportingRequired: false,
      steps,
    },
    events,
    serializeState: serialise,
    limit: MAX_STATES,
  }) as unknown as Adjacency;
  const keys = Object.keys(adjacency);
  const closed = new Set(keys.filter((k) => adjacency[k]!.state.value === 'closed'));
  // Backwards closure: the states from which closed can be reached.
  let grew = true;
  while (grew) {
    grew = false;
    for (const k of keys) {
      if (closed.has(k)) continue;
      if (Object.values(adjacency[k]!.transitions).some((t) => closed.has(serialise(t.state)))) {
        closed.add(k);
        grew = true;
      }
    }
  }
  const stuck = keys.filter((k) => !closed.has(k));
  if (stuck.length === 0) return failures;
  // The path as far as an incident gets: breadth-first from the declaration, the stuck state reached last
  // (a plan that can never close is stuck from the start, so the nearest stuck state would say nothing).
  const start = keys[0]!;
  const parent = new Map<string, { from: string; event: EventObject } | null>([[start, null]]);
  const queue = [start];
  let at = start;
  while (queue.length) {
    const k = queue.shift()!;
    if (!closed.has(k)) at = k;
    for (const t of Object.values(adjacency[k]!.transitions)) {
      const n = serialise(t.state);
      if (!parent.has(n)) {
        parent.set(n, { from: k, event: t.event });
        queue.push(n);
      }
    }
  }
  const path: string[] = [];
  for (let k: string | undefined = at; k !== undefined;) {
    const p = parent.get(k);
    if (!p) break;
    path.unshift(describeEvent(p.event));
    k = p.from;
  }
  const ctx = adjacency[at]!.state.context as IncidentContext;
  const stillOpen = ctx.steps.filter((s) => s.status !== 'done');
  // The culprits are the open steps nobody may complete; the others are merely not reached yet.
  const culprits = stillOpen.filter((s) => !completer(s));
  const open = (culprits.length ? culprits : stillOpen).map((s) => s.id);
  failures.push({
    rule: 'cannot-close',
    message:
      `an incident (grade ${facts.grade}, ${facts.categories[0]}${facts.drill ? ', drill' : ''}) gets stuck in ` +
      `${JSON.stringify(adjacency[at]!.state.value)} and can never reach closed` +
      (open.length ? `; mandatory steps still open: ${open.join(', ')}` : ''),
    case: facts,
    path,
    steps: open,
  });
  return failures;
}
