import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, OrgKinds, Roles, type Principal } from '../auth';
import { ApiStandardErrors, ErrorBody } from '../http';
import {
  AdoptPlanDto,
  CacaoImportDto,
  CacaoImportView,
  CreatePlanDto,
  DefaultPlanView,
  PlanActivationDto,
  PlanDiffView,
  PlanPublicationDto,
  PlanSummaryView,
  PlanVersionDetailView,
  PlanVersionView,
  PlanView,
  SavePlanDto,
} from './plans.dto';
import { PlansService } from './plans.service';

const REFUSED =
  'The plan fails its model check: `failures` names each rule broken and the path of events that shows it';

@ApiStandardErrors({
  notFound: 'No such plan (or version) in your organisation',
  forbidden: 'Writing needs the admin or leader role (departments: admin or department officer)',
})
@ApiTags('plans')
@ApiBearerAuth()
@Controller('api/v1/plans')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Get('defaults')
  @ApiOperation({ summary: 'The shipped playbooks as plan documents: what an organisation copies to start its own' })
  @ApiOkResponse({ type: [DefaultPlanView] })
  defaults() {
    return this.plans.defaults();
  }

  @Get()
  @ApiOperation({ summary: "Your organisation's plans, each with its latest version's title and categories" })
  @ApiOkResponse({ type: [PlanSummaryView] })
  list(@CurrentPrincipal() p: Principal) {
    return this.plans.list(p);
  }

  @Post()
  @Roles('admin', 'leader', 'department-officer')
  @ApiOperation({ summary: 'Create a plan from a shipped default or a document; validated and model-checked' })
  @ApiCreatedResponse({ type: PlanView })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'A field of the plan is wrong (each one named)' })
  @ApiConflictResponse({ type: ErrorBody, description: 'With active: another active plan already covers a category' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: REFUSED })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreatePlanDto) {
    return this.plans.create(p, dto);
  }

  @Post('cacao-imports')
  @Roles('admin', 'leader', 'department-officer')
  @ApiOperation({
    summary: 'Import a CACAO 2.0 playbook as a new plan; what the plan cannot carry is listed as skipped',
  })
  @ApiCreatedResponse({ type: CacaoImportView })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'categories missing or wrong, or a field of the plan' })
  @ApiConflictResponse({ type: ErrorBody, description: 'With active: another active plan already covers a category' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description:
      'Not a valid CACAO 2.0 playbook (`code`: not-a-playbook, unsupported-spec-version, schema, workflow, ' +
      'too-deep, string-too-long, nothing-to-import), or the plan fails its model check (`failures`)',
  })
  @ApiPayloadTooLargeResponse({ type: ErrorBody, description: '`code`: too-many-steps, too-large' })
  importCacao(@CurrentPrincipal() p: Principal, @Body() dto: CacaoImportDto) {
    return this.plans.importPlaybook(p, dto.playbook, dto.categories, dto.active ?? false);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A plan with its latest version' })
  @ApiOkResponse({ type: PlanView })
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.plans.get(p, id);
  }

  @Put(':id')
  @Roles('admin', 'leader', 'department-officer')
  @ApiOperation({ summary: 'Save a new version of a plan (versions are immutable; running incidents keep theirs)' })
  @ApiOkResponse({ type: PlanView })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'A field of the plan is wrong (each one named)' })
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'expectedVersion is not the latest (`currentVersion`), or the active plan would overlap another',
  })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: REFUSED })
  save(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: SavePlanDto) {
    return this.plans.save(p, id, dto);
  }

  @Post(':id/activation')
  @HttpCode(200)
  @OrgKinds('operator')
  @Roles('admin', 'leader')
  @ApiOperation({ summary: 'Use the plan (its latest version) for new incidents in its categories, or stop using it' })
  @ApiOkResponse({ type: PlanView })
  @ApiConflictResponse({ type: ErrorBody, description: 'Another active plan already covers one of its categories' })
  activate(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: PlanActivationDto) {
    return this.plans.setActive(p, id, dto.active);
  }

  @Post(':id/publication')
  @HttpCode(200)
  @OrgKinds('department')
  @Roles('admin', 'department-officer')
  @ApiOperation({ summary: 'Recommend the plan to the operators of your sector, or withdraw it (departments)' })
  @ApiOkResponse({ type: PlanView })
  publish(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: PlanPublicationDto) {
    return this.plans.setPublished(p, id, dto.published);
  }

  @Get(':id/versions')
  @ApiOperation({ summary: "A plan's versions, each with the number of incidents declared with it" })
  @ApiOkResponse({ type: [PlanVersionView] })
  versions(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.plans.versions(p, id);
  }

  @Get(':id/versions/:version')
  @ApiOperation({ summary: 'One version of a plan' })
  @ApiOkResponse({ type: PlanVersionDetailView })
  version(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('version', ParseIntPipe) version: number,
  ) {
    return this.plans.getVersion(p, id, version);
  }

  @Get(':id/versions/:version/cacao')
  @ApiOperation({ summary: 'One version of a plan as a CACAO 2.0 playbook (valid against the OASIS schemas)' })
  @ApiOkResponse({
    schema: { type: 'object', additionalProperties: true, description: 'A CACAO 2.0 playbook' },
  })
  exportCacao(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('version', ParseIntPipe) version: number,
  ) {
    return this.plans.exportVersion(p, id, version);
  }

  @Get(':id/versions/:version/diff/:other')
  @ApiOperation({ summary: 'What changed from one version to another, step by step' })
  @ApiOkResponse({ type: PlanDiffView })
  diff(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('version', ParseIntPipe) version: number,
    @Param('other', ParseIntPipe) other: number,
  ) {
    return this.plans.diff(p, id, version, other);
  }

  @Delete(':id/versions/:version')
  @HttpCode(204)
  @Roles('admin', 'leader', 'department-officer')
  @ApiOperation({ summary: 'Delete a version no incident uses (not the latest)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConflictResponse({
    type: ErrorBody,
    description: '`version-in-use`: incidents were declared with it; `latest-version`',
  })
  deleteVersion(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('version', ParseIntPipe) version: number,
  ) {
    return this.plans.deleteVersion(p, id, version);
  }
}

/** Departments' recommended plans, as the operators of their sector see them. */
@ApiStandardErrors({
  notFound: "No such plan published by your sector's protection department",
  forbidden: 'Operators only; adopting needs the admin or leader role',
})
@ApiTags('plans')
@ApiBearerAuth()
@OrgKinds('operator')
@Controller('api/v1/recommended-plans')
export class RecommendedPlansController {
  constructor(private readonly plans: PlansService) {}

  @Get()
  @ApiOperation({
    summary: 'Plans the protection department of your sector recommends (published); adopt one as your own copy',
  })
  @ApiOkResponse({ type: [PlanSummaryView] })
  recommended(@CurrentPrincipal() p: Principal) {
    return this.plans.recommended(p);
  }

  @Get(':id')
  @ApiOperation({ summary: "A recommended plan of your sector's protection department, with its latest version" })
  @ApiOkResponse({ type: PlanView })
  getRecommended(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.plans.getRecommended(p, id);
  }

  @Post(':id/adopt')
  @Roles('admin', 'leader')
  @ApiOperation({ summary: 'Adopt a recommended plan: a copy your organisation owns and edits (version 1)' })
  @ApiCreatedResponse({ type: PlanView })
  @ApiConflictResponse({ type: ErrorBody, description: 'With active: another active plan already covers a category' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: REFUSED })
  adopt(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AdoptPlanDto) {
    return this.plans.adopt(p, id, dto.active ?? false);
  }
}
