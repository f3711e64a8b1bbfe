import { initialTransition, type AnyStateNode } from 'xstate';
import lock from '../../../workflows/versions.lock.json';
import { allowedEvents } from '../../../workflows/allowed-events';
import { allCitations, citedRequirementIds } from '../../../workflows/citations';
import { describeWorkflow, flattenStates } from '../../../workflows/describe';
import { earlyWarningMachineV1 } from '../../../workflows/early-warning';
import { incidentMachineV1 } from '../../../workflows/incident';
import { EVENT_PERMISSIONS, maySend } from '../../../workflows/permissions';
import { PLAYBOOKS } from '../../../workflows/playbooks';
import { WORKFLOWS, getWorkflow, latestWorkflow } from '../../../workflows/registry';
import { machineFingerprint, playbookFingerprint } from './fingerprint';
import { Driver, incidentInput } from './helpers';
import { loadRequirementIds, loadRequirementItems } from './requirements';

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...(Object.values(node.states) as AnyStateNode[]).flatMap(allNodes)];
}

describe('registry', () => {
  it('finds versions and the latest one', () => {
    expect(getWorkflow('incident', 1)?.machine).toBe(incidentMachineV1);
    expect(getWorkflow('incident', 99)).toBeUndefined();
    expect(latestWorkflow('early-warning')?.machine).toBe(earlyWarningMachineV1);
    expect(latestWorkflow('nope')).toBeUndefined();
  });

  it('each entry is unique and its machine carries the same id and version', () => {
    const keys = WORKFLOWS.map((w) => `${w.id}@${w.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const w of WORKFLOWS) {
      expect(w.machine.id).toBe(w.id);
      expect(w.machine.version).toBe(String(w.version));
    }
  });

  it('released definitions are unchanged (a change needs a new version, see workflows/README.md)', () => {
    for (const w of WORKFLOWS) {
      const key = `${w.id}@${w.version}`;
      expect({ key, fingerprint: machineFingerprint(w.machine) }).toEqual({
        key,
        fingerprint: (lock.workflows as Record<string, string>)[key],
      });
    }
    for (const p of PLAYBOOKS) {
      const key = `${p.id}@${p.version}`;
      expect({ key, fingerprint: playbookFingerprint(p) }).toEqual({
        key,
        fingerprint: (lock.playbooks as Record<string, string>)[key],
      });
    }
  });
});

describe('describeWorkflow', () => {
  it.each([incidentMachineV1, earlyWarningMachineV1].map((m) => [m.id, m] as const))(
    '%s: lists every state with its type, final flag and citations',
    (_id, machine) => {
      const d = describeWorkflow(machine);
      const described = flattenStates(d.states);
      expect(described.map((s) => s.id).sort()).toEqual(
        allNodes(machine.root)
          .map((n) => n.id)
          .sort(),
      );
      for (const s of described) {
        expect(s.final).toBe(s.type === 'final');
        // Every state cites at least one requirement.
        expect(s.requirements.length).toBeGreaterThan(0);
      }
      // Every transition that is not purely bookkeeping cites something and names its guard.
      for (const t of d.transitions) {
        expect(t.requirements.length).toBeGreaterThan(0);
        expect(t.guard).not.toBe('inline');
        for (const target of t.targets) expect(described.map((s) => s.id)).toContain(target);
      }
      expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    },
  );

  it('describes the incident structure the clients rely on', () => {
    const d = describeWorkflow(incidentMachineV1);
    expect(d.id).toBe('incident');
    expect(d.version).toBe('1');
    expect(d.states.states.map((s) => s.key)).toEqual([
      'triage',
      'response',
      'review',
      'reidentification',
      'closed',
      'dismissed',
    ]);
    const response = d.states.states.find((s) => s.key === 'response')!;
    expect(response.type).toBe('parallel');
    expect(response.states.map((s) => s.key)).toEqual(['handling', 'reporting']);
    const confirm = d.transitions.find((t) => t.event === 'CONFIRM')!;
    expect(confirm).toMatchObject({
      source: 'incident.triage',
      targets: ['incident.response'],
      guard: 'phaseComplete',
      guardParams: { phase: 'triage' },
    });
    const toReview = d.transitions.find((t) => t.event === null && t.targets.includes('incident.review'))!;
    expect(toReview.guard).toBe('responseComplete');
  });
});

describe('allowedEvents', () => {
  it('triage with open steps: no CONFIRM yet', () => {
    const d = new Driver(incidentInput());
    expect(allowedEvents(incidentMachineV1, d.snapshot).sort()).toEqual(['COMPLETE_STEP', 'DISMISS', 'REGRADE']);
    d.completePhase('triage');
    expect(allowedEvents(incidentMachineV1, d.snapshot).sort()).toEqual([
      'COMPLETE_STEP',
      'CONFIRM',
      'DISMISS',
      'REGRADE',
      'REOPEN_STEP',
    ]);
  });

  it('response with reporting required and containment open', () => {
    const d = new Driver(incidentInput()).confirm();
    expect(allowedEvents(incidentMachineV1, d.snapshot).sort()).toEqual([
      'COMPLETE_STEP',
      'DEADLINE_MISSED',
      'DEADLINE_REMINDER',
      'INITIAL_REPORT_SUBMITTED',
      'REGRADE',
      'REOPEN_STEP',
    ]);
    d.completePhase('containment');
    expect(allowedEvents(incidentMachineV1, d.snapshot)).toContain('ADVANCE');
  });

  it('waiting for the final report', () => {
    const d = new Driver(incidentInput())
      .confirm()
      .send({ type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportId: 'r' })
      .finishHandling();
    const allowed = allowedEvents(incidentMachineV1, d.snapshot);
    expect(allowed).toEqual(
      expect.arrayContaining(['FINAL_REPORT_SUBMITTED', 'FOLLOWUP_REPORT_SUBMITTED', 'DEADLINE_MISSED']),
    );
    expect(allowed).not.toContain('ADVANCE');
    expect(allowed).not.toContain('REVIEW_COMPLETED');
    expect(allowed).not.toContain('INITIAL_REPORT_SUBMITTED');
  });

  it('filters by role: permissions and per-step roles', () => {
    const d = new Driver(incidentInput()).confirm();
    expect(allowedEvents(incidentMachineV1, d.snapshot, { role: 'viewer' })).toEqual([]);
    expect(allowedEvents(incidentMachineV1, d.snapshot, { role: 'system' }).sort()).toEqual([
      'DEADLINE_MISSED',
      'DEADLINE_REMINDER',
      'INITIAL_REPORT_SUBMITTED',
    ]);
    // The liaison may still record the ransom details (an optional containment step).
    expect(allowedEvents(incidentMachineV1, d.snapshot, { role: 'liaison' }).sort()).toEqual([
      'COMPLETE_STEP',
      'INITIAL_REPORT_SUBMITTED',
    ]);
    d.complete('record-ransom-details', 'liaison')
      .complete('collect-report-facts', 'liaison')
      .complete('contact-service-providers', 'liaison');
    expect(allowedEvents(incidentMachineV1, d.snapshot, { role: 'liaison' }).sort()).toEqual([
      'INITIAL_REPORT_SUBMITTED',
      'REOPEN_STEP',
    ]);
    // The leader may complete the "no payment without approval" containment step.
    expect(allowedEvents(incidentMachineV1, d.snapshot, { role: 'leader' })).toEqual(['COMPLETE_STEP']);
  });

  it('nothing once final, and the early-warning machine works too', () => {
    const d = new Driver(incidentInput()).send({ type: 'DISMISS', reason: 'x' });
    expect(allowedEvents(incidentMachineV1, d.snapshot)).toEqual([]);
    const [w] = initialTransition(earlyWarningMachineV1, { warningId: 'w', level: 'blue' });
    expect(allowedEvents(earlyWarningMachineV1, w).sort()).toEqual([
      'DEADLINE_MISSED',
      'DEADLINE_REMINDER',
      'START_ASSESSMENT',
    ]);
  });
});

describe('permissions', () => {
  it('names a rule for every event type of every registered machine, and no rule for an event no version has', () => {
    const used = new Map<string, Set<string>>();
    for (const w of WORKFLOWS) {
      const rules = EVENT_PERMISSIONS[w.id]!;
      expect(rules).toBeDefined();
      const types = w.machine.events.filter((t: string) => !t.startsWith('xstate.') && !t.startsWith('done.'));
      expect(Object.keys(rules)).toEqual(expect.arrayContaining(types));
      const set = used.get(w.id) ?? new Set<string>();
      types.forEach((t: string) => set.add(t));
      used.set(w.id, set);
    }
    for (const [id, types] of used) expect(Object.keys(EVENT_PERMISSIONS[id]!).sort()).toEqual([...types].sort());
  });

  it('encodes who commands, who reports and who fires timers', () => {
    expect(maySend('incident', 'CONFIRM', 'commander')).toBe(true);
    expect(maySend('incident', 'CONFIRM', 'admin')).toBe(true);
    expect(maySend('incident', 'CONFIRM', 'responder')).toBe(false);
    expect(maySend('incident', 'FINAL_REPORT_SUBMITTED', 'liaison')).toBe(true);
    expect(maySend('incident', 'DEADLINE_MISSED', 'admin')).toBe(false);
    expect(maySend('incident', 'DEADLINE_MISSED', 'system')).toBe(true);
    expect(maySend('incident', 'COMPLETE_STEP', 'responder')).toBe(true);
    expect(maySend('incident', 'COMPLETE_STEP', 'viewer')).toBe(false);
    expect(maySend('incident', 'NO_SUCH_EVENT', 'admin')).toBe(false);
  });
});

describe('citations', () => {
  const ids = loadRequirementIds();

  it('cite only requirement IDs that exist in requirements/*.yaml', () => {
    expect(ids.length).toBeGreaterThan(20);
    const unknown = allCitations().filter((c) => !ids.includes(c.requirementId));
    expect(unknown).toEqual([]);
  });

  it('cover every chapter-9, 10, 11 item and every reporting rule that binds the operator', () => {
    const cited = new Set(citedRequirementIds());
    // Reporting duties that bind the operator; onward reporting binds the receiving authority, and the
    // penalty articles (tag penalty) are consequences, not duties a workflow step can serve.
    const operatorReporting = new Set(
      loadRequirementItems()
        .filter((i) => i.actor === 'operator' && i.tags.includes('reporting'))
        .map((i) => i.id),
    );
    const mustBeCited = ids.filter(
      (id) => /^GBT39204-(9|10|11)\./.test(id) || (/^(NCIRM-2025|CIIPR-2021)-/.test(id) && operatorReporting.has(id)),
    );
    expect(mustBeCited).toEqual(
      expect.arrayContaining([
        'NCIRM-2025-4-police',
        'NCIRM-2025-partial',
        'NCIRM-2025-providers',
        'NCIRM-2025-sector',
        'CIIPR-2021-18',
      ]),
    );
    const missing = mustBeCited.filter((id) => !cited.has(id));
    expect(missing).toEqual([]);
  });

  it('has all three kinds, with paths that resolve', () => {
    const all = allCitations();
    expect(new Set(all.map((c) => c.kind))).toEqual(new Set(['state', 'event', 'step']));
    const stateIds = new Set(WORKFLOWS.flatMap((w) => allNodes(w.machine.root).map((n) => n.id)));
    for (const c of all.filter((x) => x.kind === 'state')) expect(stateIds.has(c.path)).toBe(true);
    expect(all).toContainEqual({
      requirementId: 'GBT39204-10.4-b',
      workflowId: 'playbook:ransomware',
      version: 2,
      kind: 'step',
      path: 'ransomware/share-indicators',
    });
    expect(all).toContainEqual({
      requirementId: 'NCIRM-2025-final',
      workflowId: 'incident',
      version: 1,
      kind: 'state',
      path: 'incident.response.reporting.finalDue',
    });
  });
});
