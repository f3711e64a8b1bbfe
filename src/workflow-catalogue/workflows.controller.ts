import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiStandardErrors } from '../http';
import { PlaybookView, WorkflowDescriptionView, WorkflowVersionView } from './workflow.view';
import {
  describeWorkflow,
  getWorkflow,
  latestWorkflow,
  listWorkflows,
  machineConfigOf,
  PLAYBOOKS,
  type WorkflowEntry,
} from '../../workflows';

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
    const entry = workflowEntry(id, version);
    return { ...describeWorkflow(entry.machine), version: entry.version };
  }

  // A route of its own rather than ?format=: another document with its own schema, so clients
  // generated from the OpenAPI document get a type for each.
  @Get('workflows/:id/machine')
  @ApiOperation({
    summary: "A workflow in XState's own machine-config format (latest version unless ?version=)",
    description:
      'The JSON `createMachine` takes and the Stately editor imports: states nested under `states`, ' +
      'transitions under `on` (and `always`) with targets as `#<state id>`, guards and actions by name. ' +
      "Implementations are not included: supply them with the machine's `provide`.",
  })
  @ApiQuery({ name: 'version', required: false, type: String, description: 'A version number; the latest when absent' })
  @ApiOkResponse({ schema: { $ref: '#/components/schemas/XStateMachineConfig' } })
  machine(@Param('id') id: string, @Query('version') version?: string) {
    return machineConfigOf(workflowEntry(id, version).machine);
  }

  @Get('playbooks')
  @ApiOperation({ summary: 'Step templates per incident category' })
  @ApiOkResponse({ type: [PlaybookView] })
  playbooks() {
    return PLAYBOOKS;
  }
}

function workflowEntry(id: string, version: string | undefined): WorkflowEntry {
  const entry =
    version === undefined ? latestWorkflow(id) : /^\d+$/.test(version) ? getWorkflow(id, Number(version)) : undefined;
  if (!entry) throw new NotFoundException(`No workflow ${id}${version ? ` version ${version}` : ''}`);
  return entry;
}
