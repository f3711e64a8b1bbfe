import { expect } from '@jest/globals';
import { bearer, incidentInput, type TestService } from './harness';

export type Tokens = Record<string, { token: string; userId: string }>;

export interface StepJson {
  id: string;
  phase: string;
  roles: string[];
  mandatory: boolean;
  status: string;
}

/** Drives an incident through the HTTP API as its team would, one allowed role per step. */
export class IncidentDriver {
  constructor(
    private readonly svc: TestService,
    private readonly tokens: Tokens,
    readonly id: string,
  ) {}

  async get(role = 'commander') {
    const res = await this.svc.http().get(`/api/v1/incidents/${this.id}`).set(bearer(this.tokens[role].token));
    expect(res.status).toBe(200);
    return res.body;
  }

  event(role: string, body: Record<string, unknown>) {
    return this.svc.http().post(`/api/v1/incidents/${this.id}/events`).set(bearer(this.tokens[role].token)).send(body);
  }

  async send(role: string, body: Record<string, unknown>) {
    const res = await this.event(role, body);
    if (res.status !== 200) throw new Error(`${body.type} by ${role}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  completeStep(role: string, stepId: string, body: Record<string, unknown> = {}) {
    return this.svc
      .http()
      .post(`/api/v1/incidents/${this.id}/steps/${stepId}/complete`)
      .set(bearer(this.tokens[role].token))
      .send(body);
  }

  /** Completes every open mandatory step of `phase`, each by the first role of the step we hold a token for. */
  async completePhase(phase: string) {
    const incident = await this.get();
    const steps = (incident.steps as StepJson[]).filter((s) => s.phase === phase && s.mandatory && s.status === 'open');
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      const role = step.roles.find((r) => this.tokens[r]);
      if (!role) throw new Error(`no token for any role of step ${step.id}: ${step.roles.join(',')}`);
      const res = await this.completeStep(role, step.id, { note: `done by ${role}`, evidence: [`sha256:${step.id}`] });
      if (res.status !== 200) throw new Error(`step ${step.id} by ${role}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return steps;
  }
}

/** A discovery time whose initial-report deadline (an hour for grade II) falls due `seconds` from now. */
export const discoveredForDueIn = (seconds: number): string =>
  new Date(Date.now() - 3600_000 + seconds * 1000).toISOString();

/**
 * A grade-II incident declared by the commander, discovered at `detectedAt`, taken through triage and
 * confirmed without a suspected crime: its initial-report deadline runs from `detectedAt`.
 */
export async function confirmedGradeII(svc: TestService, tokens: Tokens, detectedAt: string): Promise<IncidentDriver> {
  const occurredAt = new Date(Date.parse(detectedAt) - 60_000).toISOString();
  const res = await svc
    .http()
    .post('/api/v1/incidents')
    .set(bearer(tokens.commander.token))
    .send(incidentInput({ grade: 'II', detectedAt, occurredAt }))
    .expect(201);
  const inc = new IncidentDriver(svc, tokens, res.body.id);
  await inc.completePhase('triage');
  await inc.send('commander', { type: 'CONFIRM', grade: 'II', crimeSuspected: false });
  return inc;
}
