import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { BilingualText } from '../common';
import { EVIDENCE_KINDS, PHASES } from '../../workflows/types';

const CONDITION_SCHEMA = {
  type: 'object' as const,
  additionalProperties: true,
  description:
    'Applies the step only when it holds at declaration: {"all": [...]}, {"any": [...]}, {"not": {...}}, ' +
    '{"gradeAtLeast": "II"} (grade I or II), {"category": ["ransomware"]} (the category or an ancestor), ' +
    '{"drill": true}, {"personalInformation": true} (the impact names people whose personal information leaked)',
  example: { all: [{ gradeAtLeast: 'II' }, { category: ['ransomware'] }] },
};

export class PlanEvidenceView {
  @ApiProperty({ enum: EVIDENCE_KINDS }) kind!: string;
  @ApiProperty({ type: BilingualText }) description!: BilingualText;
}

export class SubPlanRefView {
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiPropertyOptional({ minimum: 1 }) version?: number;
}

export class PlanApprovalRefView {
  @ApiProperty({
    enum: ['admin', 'leader', 'commander', 'responder', 'liaison', 'viewer'],
    description: "The role that decides (the step's only role)",
  })
  role!: string;
  @ApiProperty({ example: 'PT4H', description: 'ISO 8601 duration, PT1M to P30D, from reaching the phase' })
  timeout!: string;
}

export class PlanNotifyRefView {
  @ApiPropertyOptional({ enum: ['commander', 'leader', 'admin'], description: 'Subscriptions that serve this role' })
  role?: string;
  @ApiPropertyOptional({ enum: ['webhook', 'email', 'wecom', 'dingtalk', 'feishu'] }) channel?: string;
}

export class PlanProviderRefView {
  @ApiProperty({ format: 'uuid', description: 'A service provider of your register (GET /api/v1/service-providers)' })
  providerId!: string;
}

export class PlanStepView {
  @ApiProperty({ example: 'isolate-infected-hosts', description: 'kebab-case, unique in the plan' }) id!: string;
  @ApiProperty({ enum: PHASES }) phase!: string;
  @ApiProperty({ type: BilingualText }) title!: BilingualText;
  @ApiProperty({ type: BilingualText, description: 'Instructions' }) guidance!: BilingualText;
  @ApiProperty({ type: [String], description: 'Operator roles that may complete or reopen the step' })
  roles!: string[];
  @ApiProperty({ description: 'A mandatory step holds back its phase until done' }) mandatory!: boolean;
  @ApiProperty({ type: [PlanEvidenceView] }) evidence!: PlanEvidenceView[];
  @ApiProperty({ type: [String], description: 'Requirement ids the step meets (GET /api/v1/requirements)' })
  requirements!: string[];
  @ApiPropertyOptional(CONDITION_SCHEMA) condition?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: SubPlanRefView,
    description:
      "A sub-plan step: at declaration it becomes that plan version's steps, in this step's phase, their ids " +
      'prefixed `<this id>--`, under this condition too; saved without version it takes the latest',
  })
  subPlan?: SubPlanRefView;
  @ApiPropertyOptional({
    type: PlanApprovalRefView,
    description:
      'An approval step: the role decides yes or no with a reason (POST /api/v1/incidents/{id}/steps/{stepId}/' +
      'approval); mandatory, it blocks its phase until approved; undecided after timeout, it escalates',
  })
  approval?: PlanApprovalRefView;
  @ApiPropertyOptional({
    type: PlanNotifyRefView,
    description:
      'A notification step (never mandatory, not a checklist item): when the incident reaches the phase, the ' +
      'subscriptions on this channel that serve this role are told, once',
  })
  notify?: PlanNotifyRefView;
  @ApiPropertyOptional({
    type: PlanProviderRefView,
    description:
      "A service-provider step: the provider's report is owed; recording its receipt with evidence (POST " +
      '/api/v1/incidents/{id}/steps/{stepId}/provider-report) completes the step',
  })
  provider?: PlanProviderRefView;
}

export class PlanDocumentView {
  @ApiProperty({ type: BilingualText }) title!: BilingualText;
  @ApiProperty({ type: [String], description: 'Taxonomy category codes the plan serves (and their sub-categories)' })
  categories!: string[];
  @ApiProperty({ type: [PlanStepView], description: 'In phase order' }) steps!: PlanStepView[];
}

export class PlanSummaryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty({ type: BilingualText }) title!: BilingualText;
  @ApiProperty({ type: [String] }) categories!: string[];
  @ApiProperty({ description: "Incidents declared in the plan's categories get its latest version" }) active!: boolean;
  @ApiProperty({ description: "A department's plan recommended to the operators of its sector" }) published!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    description: '`default:<playbook>@<version>`, `adopted:<plan>@<version>`, `cacao:<playbook id>`, or null',
  })
  origin!: string | null;
  @ApiProperty() latestVersion!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class PlanView extends PlanSummaryView {
  @ApiProperty({ type: PlanDocumentView, description: 'The latest version' }) document!: PlanDocumentView;
}

export class PlanVersionView {
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ description: 'Incidents declared with this version (a version in use cannot be deleted)' })
  incidents!: number;
}

export class PlanVersionDetailView extends PlanVersionView {
  @ApiProperty({ type: PlanDocumentView }) document!: PlanDocumentView;
}

const ANY_VALUE = {
  oneOf: [
    { type: 'string' as const },
    { type: 'boolean' as const },
    { type: 'array' as const, items: {} },
    { type: 'object' as const, additionalProperties: true },
  ],
  nullable: true,
};

export class FieldChangeView {
  @ApiProperty({ example: 'roles' }) field!: string;
  @ApiProperty({ ...ANY_VALUE, description: 'In the older version' }) from!: unknown;
  @ApiProperty({ ...ANY_VALUE, description: 'In the newer version' }) to!: unknown;
}

export class StepChangeView {
  @ApiProperty() id!: string;
  @ApiProperty({ type: [FieldChangeView] }) fields!: FieldChangeView[];
}

export class TitleChangeView {
  @ApiProperty({ type: BilingualText }) from!: BilingualText;
  @ApiProperty({ type: BilingualText }) to!: BilingualText;
}

export class PlanDiffView {
  @ApiProperty() from!: number;
  @ApiProperty() to!: number;
  @ApiProperty({ type: TitleChangeView, nullable: true }) title!: TitleChangeView | null;
  @ApiProperty({ type: [String] }) categoriesAdded!: string[];
  @ApiProperty({ type: [String] }) categoriesRemoved!: string[];
  @ApiProperty({ type: [PlanStepView] }) stepsAdded!: PlanStepView[];
  @ApiProperty({ type: [PlanStepView] }) stepsRemoved!: PlanStepView[];
  @ApiProperty({ type: [StepChangeView] }) stepsChanged!: StepChangeView[];
  @ApiProperty({ type: [String], description: 'Steps that kept their content but moved' }) stepsMoved!: string[];
}

export class DefaultPlanView {
  @ApiProperty({ example: 'ransomware' }) id!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: PlanDocumentView }) document!: PlanDocumentView;
}

export class CreatePlanDto {
  @ApiPropertyOptional({
    example: 'ransomware',
    description: 'Start from a shipped playbook (GET /api/v1/plans/defaults); give this or `document`',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9-]{1,60}$/)
  fromDefault?: string;

  @ApiPropertyOptional({ type: PlanDocumentView, description: 'The plan itself; give this or `fromDefault`' })
  @IsOptional()
  @IsObject()
  document?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], description: 'With fromDefault: the categories instead of the default ones' })
  @IsOptional()
  @IsString({ each: true })
  @MaxLength(60, { each: true })
  categories?: string[];

  @ApiPropertyOptional({ description: 'Use it for new incidents at once (default false)' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class SavePlanDto {
  @ApiProperty({ type: PlanDocumentView })
  @IsObject()
  document!: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'The version you edited; 409 when a newer one was saved meanwhile' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;

  @ApiPropertyOptional({ maxLength: 500, description: 'What changed and why' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class PlanActivationDto {
  @ApiProperty() @IsBoolean() active!: boolean;
}

export class PlanPublicationDto {
  @ApiProperty() @IsBoolean() published!: boolean;
}

export class AdoptPlanDto {
  @ApiPropertyOptional({ description: 'Use the copy for new incidents at once (default false)' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class CacaoImportDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'A CACAO 2.0 playbook (`spec_version: "cacao-2.0"`)',
  })
  @IsObject()
  playbook!: Record<string, unknown>;

  @ApiPropertyOptional({
    type: [String],
    description: 'The categories the plan serves; needed unless the playbook is a lianfang export',
  })
  @IsOptional()
  @IsString({ each: true })
  @MaxLength(60, { each: true })
  categories?: string[];

  @ApiPropertyOptional({ description: 'Use it for new incidents at once (default false)' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class SkippedPartView {
  @ApiProperty({ example: '/workflow/action--…/commands/1', description: 'JSON Pointer into the playbook' })
  path!: string;
  @ApiProperty() reason!: string;
}

export class CacaoImportView {
  @ApiProperty({ type: PlanView }) plan!: PlanView;
  @ApiProperty({ type: [SkippedPartView], description: 'Parts of the playbook the plan does not carry, and why' })
  skipped!: SkippedPartView[];
}
