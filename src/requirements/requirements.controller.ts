import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorBody, ApiStandardErrors } from '../http';
import { ImpactFactsDto } from './impact-facts.dto';
import {
  CoverageView,
  GradeSuggestionView,
  ListRequirementsQuery,
  ReportingRulesQuery,
  ReportingRulesView,
  RequirementDetailView,
  RequirementView,
  TaxonomyView,
} from './requirements.dto';
import { RequirementsService } from './requirements.service';

/**
 * The catalogue as data for clients: any authenticated role of either organisation kind may read it
 * (operators see what they owe, departments what they receive), hence no @Roles/@OrgKinds.
 */
@ApiStandardErrors({ notFound: 'No requirement item with this id' })
@ApiTags('requirements')
@ApiBearerAuth()
@Controller('api/v1')
export class RequirementsController {
  constructor(private readonly requirements: RequirementsService) {}

  @Get('requirements')
  @ApiOperation({ summary: 'Requirement items (GB/T 39204-2022, NCIRM-2025, CIIPR-2021), filtered' })
  @ApiOkResponse({ type: [RequirementView] })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'A malformed or unknown filter' })
  list(@Query() q: ListRequirementsQuery) {
    return this.requirements.list(q);
  }

  // Declared before `requirements/:id`: routes match in declaration order and `coverage` is not an id.
  @Get('requirements/coverage')
  @ApiOperation({ summary: 'Which workflow state, playbook step or event cites each requirement; uncovered ids' })
  @ApiOkResponse({ type: CoverageView })
  coverage() {
    return this.requirements.coverage();
  }

  @Get('requirements/:id')
  @ApiOperation({ summary: 'One requirement item and the workflow places citing it' })
  @ApiOkResponse({ type: RequirementDetailView })
  @ApiNotFoundResponse({ type: ErrorBody })
  get(@Param('id') id: string) {
    return this.requirements.get(id);
  }

  @Get('taxonomy')
  @ApiOperation({
    summary: 'Incident categories (flat, with parent and children), grades I–IV with criteria, early-warning levels',
  })
  @ApiOkResponse({ type: TaxonomyView })
  taxonomy() {
    return this.requirements.taxonomy();
  }

  @Get('reporting-rules')
  @ApiOperation({ summary: 'Reporting rules per operator kind: recipients, report deadlines and required fields' })
  @ApiOkResponse({ type: ReportingRulesView })
  @ApiBadRequestResponse({ type: ErrorBody })
  reportingRules(@Query() q: ReportingRulesQuery) {
    return this.requirements.reportingRules(q);
  }

  // POST because the facts are a body, but nothing is created or changed: 200, and no audit entry
  // (only mutations are audited; the grade that counts is set on the incident and audited there).
  @Post('grade-suggestions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Suggest a grade from impact facts (the commander decides; no incident changes)' })
  @ApiOkResponse({ type: GradeSuggestionView })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'An unknown fact or a value of the wrong type' })
  suggestGrade(@Body() facts: ImpactFactsDto) {
    return this.requirements.suggestGrade(facts);
  }
}
