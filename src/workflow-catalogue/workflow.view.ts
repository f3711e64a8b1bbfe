import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { schemaRef } from '../http';
import { BilingualText } from '../common';

// Response documentation for the workflow catalogue (workflows/describe.ts and workflows/types.ts build the JSON).

export class WorkflowVersionView {
  @ApiProperty({ example: 'incident' }) id!: string;
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ description: 'The version new instances start on' }) latest!: boolean;
}

export class StateDescriptionView {
  @ApiProperty({ example: 'incident.response.reporting.finalDue', description: 'XState node id' }) id!: string;
  @ApiProperty({ example: 'finalDue' }) key!: string;
  @ApiProperty({ enum: ['atomic', 'compound', 'parallel', 'final', 'history'] }) type!: string;
  @ApiProperty() final!: boolean;
  @ApiProperty({ type: String, nullable: true, description: "A compound state's initial child" })
  initial!: string | null;
  @ApiProperty({ type: [String], description: 'Requirement ids this state cites' }) requirements!: string[];
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: () => [StateDescriptionView] }) states!: StateDescriptionView[];
}

export class TransitionDescriptionView {
  @ApiProperty({ description: 'Id of the state the transition leaves' }) source!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'null for an eventless transition (taken when its guard holds)',
  })
  event!: string | null;
  @ApiProperty({ type: [String] }) targets!: string[];
  @ApiProperty({ type: String, nullable: true }) guard!: string | null;
  @ApiProperty({ ...schemaRef('JsonValue'), description: "The guard's parameters, or null" }) guardParams!: unknown;
  @ApiProperty({ type: [String] }) actions!: string[];
  @ApiProperty({ type: [String] }) requirements!: string[];
}

export class WorkflowDescriptionView {
  @ApiProperty({ example: 'incident' }) id!: string;
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ type: [String], description: 'Requirement ids the machine as a whole cites' }) requirements!: string[];
  @ApiProperty({ type: [String], description: 'Every event type the machine knows' }) events!: string[];
  @ApiProperty({ type: StateDescriptionView, description: 'The root state, its children nested' })
  states!: StateDescriptionView;
  @ApiProperty({ type: [TransitionDescriptionView] }) transitions!: TransitionDescriptionView[];
}

export class EvidenceExpectationView {
  @ApiProperty({ example: 'log-export' }) kind!: string;
  @ApiProperty({ type: BilingualText }) description!: BilingualText;
}

export class StepTemplateView {
  @ApiProperty({ example: 'contain-isolate' }) id!: string;
  @ApiProperty({ enum: ['triage', 'containment', 'eradication', 'recovery', 'review', 'reidentification'] })
  phase!: string;
  @ApiProperty({ type: BilingualText }) title!: BilingualText;
  @ApiProperty({ type: BilingualText }) guidance!: BilingualText;
  @ApiProperty({ type: [String], description: 'Roles that may complete or reopen the step' }) roles!: string[];
  @ApiProperty() mandatory!: boolean;
  @ApiProperty({ type: [EvidenceExpectationView] }) evidence!: EvidenceExpectationView[];
  @ApiProperty({ type: [String] }) requirements!: string[];
  @ApiPropertyOptional({ description: 'Only copied into drill incidents' }) drillOnly?: boolean;
}

export class PlaybookView {
  @ApiProperty({ example: 'ransomware' }) id!: string;
  @ApiProperty({ example: 3 }) version!: number;
  @ApiProperty({ type: BilingualText }) title!: BilingualText;
  @ApiProperty({ type: [String], description: 'Category codes this playbook serves directly' }) categories!: string[];
  @ApiProperty({ type: [StepTemplateView] }) steps!: StepTemplateView[];
}
