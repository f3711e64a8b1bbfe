import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The playbook an incident was declared with: its name and the hash of its step definitions (phase,
 * titles, roles, whether mandatory, requirement IDs), written once at declaration and never changed.
 * The definitions themselves are stored once per distinct text (PlaybookSteps), since every incident
 * of one playbook version has the same. The incident's snapshot keeps only each step's progress, so
 * an event rewrites a small row; the definitions are joined back when a snapshot is restored
 * (WorkflowRuntime.restore).
 */
@Entity('incident_playbook')
export class IncidentPlaybook {
  @PrimaryColumn({ name: 'incident_id', type: 'varchar', length: 36 })
  incidentId!: string;

  /** `<playbook id>@<version>`; null for incidents declared before this table existed. */
  @Column({ type: 'varchar', length: 80, nullable: true })
  playbook!: string | null;

  /** SHA-256 (hex) of the steps' JSON text: the PlaybookSteps row holding them. */
  @Column({ name: 'steps_hash', type: 'varchar', length: 64 })
  stepsHash!: string;
}

/** One distinct set of step definitions, named by the SHA-256 of its text (content-addressed, never changed). */
@Entity('playbook_steps')
export class PlaybookSteps {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  hash!: string;

  /** JSON: StepDefinition[] (workflows/incident/steps.ts), in playbook order. */
  @Column({ type: 'text' })
  steps!: string;
}
