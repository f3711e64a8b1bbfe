import { initialSteps, playbookFor } from '../../../workflows';
import type { IncidentContext } from '../../../workflows/incident/types';
import { WorkflowRuntime } from '../../../src/engine/workflow-runtime';
import { Incident } from '../../../src/incidents/incident.entity';
import { incidentView } from '../../../src/incidents/incident.view';

describe('incidentView', () => {
  it("takes each step's guidance from the playbook, not the snapshot", () => {
    const rt = new WorkflowRuntime();
    const snap = rt.start('incident', 1, {
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
      title: 'ransomware',
      description: '',
      category: 'ransomware',
      grade: 'II',
      drill: false,
      state: 'triage',
      detectedAt: '2026-11-01T00:00:00.000Z',
      occurredAt: null,
      affectedSystems: [],
      affectedBusiness: [],
      impact: null,
      workflowId: 'incident',
      workflowVersion: 1,
      version: 1,
      createdAt: '2026-11-01T00:01:00.000Z',
      updatedAt: '2026-11-01T00:01:00.000Z',
    });
    const parentOf = (code: string) => (code === 'ransomware' ? 'malware' : undefined);
    const context = snap.context as IncidentContext;
    expect(JSON.stringify(incidentView(incident, snap.value, context, [], [], parentOf))).toContain('"guidance":{');
  });
});
