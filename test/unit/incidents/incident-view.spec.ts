import { initialSteps, playbookFor } from '../../../workflows';
import type { IncidentContext } from '../../../workflows/incident/types';
import type { IncidentDeadline } from '../../../src/clocks';
import { WorkflowRuntime } from '../../../src/engine/workflow-runtime';
import { Incident } from '../../../src/incidents/incident.entity';
import { incidentView, incidentViewJson } from '../../../src/incidents/incident.view';

describe('incidentViewJson', () => {
  it('is byte for byte JSON.stringify(incidentView), event after event', () => {
    const rt = new WorkflowRuntime();
    let snap = rt.start('incident', 1, {
      incidentId: 'inc-1',
      category: 'ransomware',
      grade: 'II',
      drill: false,
      reportingRequired: true,
      steps: initialSteps(playbookFor('ransomware'), false),
    }).snapshot;
    const incident = Object.assign(new Incident(), {
      id: 'inc-1',
      orgId: 'org-1',
      reference: 'INC-2026-000001',
      title: '勒索 "软件"',
      description: 'line\nbreak',
      category: 'ransomware',
      grade: 'II',
      drill: false,
      state: 'triage',
      detectedAt: '2026-11-01T00:00:00.000Z',
      occurredAt: null,
      affectedSystems: ['erp'],
      affectedBusiness: [],
      impact: { users: 3 },
      workflowId: 'incident',
      workflowVersion: 1,
      version: 1,
      createdAt: '2026-11-01T00:01:00.000Z',
      updatedAt: '2026-11-01T00:01:00.000Z',
    });
    const deadline = {
      timer: 'initial-report',
      generation: 1,
      status: 'pending',
      ruleId: 'cii-II',
      clockStartedAt: '2026-11-01T00:00:00.000Z',
      dueAt: '2026-11-01T01:00:00.000Z',
      escalationLevel: 1,
      acknowledgedAt: null,
    } as unknown as IncidentDeadline;
    const parentOf = (code: string) => (code === 'ransomware' ? 'malware' : undefined);
    const firstSteps = (snap.context as IncidentContext).steps.filter((s) => s.phase === 'triage' && s.mandatory);
    const events = [
      ...firstSteps.map((s) => ({
        type: 'COMPLETE_STEP',
        stepId: s.id,
        role: s.roles[0],
        actorId: 'u1',
        at: '2026-11-01T00:02:00.000Z',
        note: '核实 "ok"',
        evidence: ['sha256:ab'],
      })),
      { type: 'CONFIRM', grade: 'II', reportingRequired: true },
      {
        type: 'REOPEN_STEP',
        stepId: firstSteps[0]!.id,
        role: firstSteps[0]!.roles[0],
        actorId: 'u1',
        at: '2026-11-01T00:03:00.000Z',
      },
    ];
    let compared = 0;
    for (const event of [null, ...events]) {
      if (event) {
        const stepped = rt.step('incident', 1, snap, event);
        expect(stepped.accepted).toBe(true);
        snap = stepped.snapshot;
      }
      const context = snap.context as IncidentContext;
      const allowed = rt.allowed('incident', 1, snap, 'commander');
      const coverage = {
        required: ['protection-department', 'public-security'],
        missing: ['public-security'],
        nationalChannels: [{ kind: 'hotline', value: '12387', label: { zh: '热线', en: 'hotline' } }],
      };
      for (const rows of [[], [deadline]]) {
        for (const cov of [null, coverage]) {
          const text = incidentViewJson(incident, snap.value, context, allowed, rows, parentOf, cov).text;
          expect(text).toBe(JSON.stringify(incidentView(incident, snap.value, context, allowed, rows, parentOf, cov)));
          compared++;
        }
      }
    }
    expect(compared).toBe(4 * (events.length + 1));
    // The guidance comes from the playbook, not the snapshot.
    expect(incidentViewJson(incident, snap.value, snap.context as IncidentContext, [], [], parentOf).text).toContain(
      '"guidance":{',
    );
  });
});
