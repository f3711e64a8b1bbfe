import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The playbook steps an incident was declared with (their definitions: phase, titles, roles,
 * whether mandatory, requirement IDs), written once at declaration and never changed. The
 * incident's snapshot keeps only each step's progress, so an event rewrites a small row; the
 * definitions here are joined back when a snapshot is restored (WorkflowRuntime.restore).
 */
@Entity('incident_playbook')
export class IncidentPlaybook {
  @PrimaryColumn({ name: 'incident_id', type: 'varchar', length: 36 })
  incidentId!: string;

  /** `<playbook id>@<version>`; null for incidents declared before this table existed. */
  @Column({ type: 'varchar', length: 80, nullable: true })
  playbook!: string | null;

  /** JSON: StepDefinition[] (workflows/incident/steps.ts), in playbook order. */
  @Column({ type: 'text' })
  steps!: string;
}
