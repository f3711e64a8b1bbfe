/* Every vendored OASIS CACAO schema, imported (rather than read from disk) so that tsc copies the JSON into dist/.
 * Keep in sync with the folder: test/unit/plans/cacao-schemas.spec.ts checks that nothing is missing. */
import agent_target_agent_target from './agent-target/agent-target.json';
import agent_target_group from './agent-target/group.json';
import agent_target_http_api from './agent-target/http-api.json';
import agent_target_individual from './agent-target/individual.json';
import agent_target_linux from './agent-target/linux.json';
import agent_target_location from './agent-target/location.json';
import agent_target_net_address from './agent-target/net-address.json';
import agent_target_organization from './agent-target/organization.json';
import agent_target_sector from './agent-target/sector.json';
import agent_target_security_category from './agent-target/security-category.json';
import agent_target_ssh from './agent-target/ssh.json';
import authentication_info_authentication_info from './authentication-info/authentication-info.json';
import authentication_info_http_basic from './authentication-info/http-basic.json';
import authentication_info_oauth2 from './authentication-info/oauth2.json';
import authentication_info_user_auth from './authentication-info/user-auth.json';
import commands_bash from './commands/bash.json';
import commands_caldera_cmd from './commands/caldera-cmd.json';
import commands_command_data from './commands/command-data.json';
import commands_elastic from './commands/elastic.json';
import commands_http_api from './commands/http-api.json';
import commands_jupyter from './commands/jupyter.json';
import commands_kestrel from './commands/kestrel.json';
import commands_manual from './commands/manual.json';
import commands_openc2_http from './commands/openc2-http.json';
import commands_powershell from './commands/powershell.json';
import commands_sigma from './commands/sigma.json';
import commands_ssh from './commands/ssh.json';
import commands_yara from './commands/yara.json';
import data_markings_data_marking from './data-markings/data-marking.json';
import data_markings_marking_iep from './data-markings/marking-iep.json';
import data_markings_marking_statement from './data-markings/marking-statement.json';
import data_markings_marking_tlp from './data-markings/marking-tlp.json';
import data_types_civic_location from './data-types/civic-location.json';
import data_types_contact from './data-types/contact.json';
import data_types_external_reference from './data-types/external-reference.json';
import data_types_identifier from './data-types/identifier.json';
import data_types_playbook_processing_summary from './data-types/playbook-processing-summary.json';
import data_types_signature from './data-types/signature.json';
import data_types_timestamp from './data-types/timestamp.json';
import data_types_variable from './data-types/variable.json';
import extension_definition_extension_definition from './extension-definition/extension-definition.json';
import playbook from './playbook.json';
import workflows_action from './workflows/action.json';
import workflows_end from './workflows/end.json';
import workflows_if_condition from './workflows/if-condition.json';
import workflows_parallel from './workflows/parallel.json';
import workflows_playbook_action from './workflows/playbook-action.json';
import workflows_start from './workflows/start.json';
import workflows_switch_condition from './workflows/switch-condition.json';
import workflows_while_condition from './workflows/while-condition.json';
import workflows_workflow_step from './workflows/workflow-step.json';

export const CACAO_SCHEMA_FILES: ReadonlyArray<{ file: string; schema: object }> = [
  { file: 'agent-target/agent-target.json', schema: agent_target_agent_target },
  { file: 'agent-target/group.json', schema: agent_target_group },
  { file: 'agent-target/http-api.json', schema: agent_target_http_api },
  { file: 'agent-target/individual.json', schema: agent_target_individual },
  { file: 'agent-target/linux.json', schema: agent_target_linux },
  { file: 'agent-target/location.json', schema: agent_target_location },
  { file: 'agent-target/net-address.json', schema: agent_target_net_address },
  { file: 'agent-target/organization.json', schema: agent_target_organization },
  { file: 'agent-target/sector.json', schema: agent_target_sector },
  { file: 'agent-target/security-category.json', schema: agent_target_security_category },
  { file: 'agent-target/ssh.json', schema: agent_target_ssh },
  { file: 'authentication-info/authentication-info.json', schema: authentication_info_authentication_info },
  { file: 'authentication-info/http-basic.json', schema: authentication_info_http_basic },
  { file: 'authentication-info/oauth2.json', schema: authentication_info_oauth2 },
  { file: 'authentication-info/user-auth.json', schema: authentication_info_user_auth },
  { file: 'commands/bash.json', schema: commands_bash },
  { file: 'commands/caldera-cmd.json', schema: commands_caldera_cmd },
  { file: 'commands/command-data.json', schema: commands_command_data },
  { file: 'commands/elastic.json', schema: commands_elastic },
  { file: 'commands/http-api.json', schema: commands_http_api },
  { file: 'commands/jupyter.json', schema: commands_jupyter },
  { file: 'commands/kestrel.json', schema: commands_kestrel },
  { file: 'commands/manual.json', schema: commands_manual },
  { file: 'commands/openc2-http.json', schema: commands_openc2_http },
  { file: 'commands/powershell.json', schema: commands_powershell },
  { file: 'commands/sigma.json', schema: commands_sigma },
  { file: 'commands/ssh.json', schema: commands_ssh },
  { file: 'commands/yara.json', schema: commands_yara },
  { file: 'data-markings/data-marking.json', schema: data_markings_data_marking },
  { file: 'data-markings/marking-iep.json', schema: data_markings_marking_iep },
  { file: 'data-markings/marking-statement.json', schema: data_markings_marking_statement },
  { file: 'data-markings/marking-tlp.json', schema: data_markings_marking_tlp },
  { file: 'data-types/civic-location.json', schema: data_types_civic_location },
  { file: 'data-types/contact.json', schema: data_types_contact },
  { file: 'data-types/external-reference.json', schema: data_types_external_reference },
  { file: 'data-types/identifier.json', schema: data_types_identifier },
  { file: 'data-types/playbook-processing-summary.json', schema: data_types_playbook_processing_summary },
  { file: 'data-types/signature.json', schema: data_types_signature },
  { file: 'data-types/timestamp.json', schema: data_types_timestamp },
  { file: 'data-types/variable.json', schema: data_types_variable },
  { file: 'extension-definition/extension-definition.json', schema: extension_definition_extension_definition },
  { file: 'playbook.json', schema: playbook },
  { file: 'workflows/action.json', schema: workflows_action },
  { file: 'workflows/end.json', schema: workflows_end },
  { file: 'workflows/if-condition.json', schema: workflows_if_condition },
  { file: 'workflows/parallel.json', schema: workflows_parallel },
  { file: 'workflows/playbook-action.json', schema: workflows_playbook_action },
  { file: 'workflows/start.json', schema: workflows_start },
  { file: 'workflows/switch-condition.json', schema: workflows_switch_condition },
  { file: 'workflows/while-condition.json', schema: workflows_while_condition },
  { file: 'workflows/workflow-step.json', schema: workflows_workflow_step },
];
