import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiStandardErrors } from '../http';
import { PlaybookView, WorkflowDescriptionView, WorkflowVersionView } from './workflow.view';
import { describeWorkflow, getWorkflow, latestWorkflow, listWorkflows, PLAYBOOKS } from '../../workflows';

/** Machine definitions as JSON, so clients can draw them and auditors can see what each state cites. */
@ApiStandardErrors({ notFound: 'No workflow with this id (and version)' })
@ApiTags('workflows')
@ApiBearerAuth()
@Controller('api/v1')
export class WorkflowsController {
  @Get('workflows')
  @ApiOperation({ summary: 'Every registered workflow version' })
  @ApiOkResponse({ type: [WorkflowVersionView] })
  list() {
    return listWorkflows().map((w) => ({
      id: w.id,
      version: w.version,
      latest: latestWorkflow(w.id)?.version === w.version,
    }));
  }

  @Get('workflows/:id')
  @ApiOperation({ summary: 'States, transitions and requirement IDs of a workflow (latest version unless ?version=)' })
  @ApiQuery({ name: 'version', required: false, type: String, description: 'A version number; the latest when absent' })
  @ApiOkResponse({ type: WorkflowDescriptionView })
  get(@Param('id') id: string, @Query('version') version?: string) {
    const entry =
      version === undefined ? latestWorkflow(id) : /^\d+$/.test(version) ? getWorkflow(id, Number(version)) : undefined;
    if (!entry) throw new NotFoundException(`No workflow ${id}${version ? ` version ${version}` : ''}`);
    return { ...describeWorkflow(entry.machine), version: entry.version };
  }

  @Get('playbooks')
  @ApiOperation({ summary: 'Step templates per incident category' })
  @ApiOkResponse({ type: [PlaybookView] })
  playbooks() {
    return PLAYBOOKS;
  }
}
