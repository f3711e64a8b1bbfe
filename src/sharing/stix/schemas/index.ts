/* Every vendored OASIS schema, imported (rather than read from disk) so that tsc copies the JSON into dist/.
 * Keep in sync with the folder: test/unit/sharing/stix-schemas.spec.ts checks that nothing is missing. */
import common_binary from './common/binary.json';
import common_bundle from './common/bundle.json';
import common_core from './common/core.json';
import common_cyber_observable_core from './common/cyber-observable-core.json';
import common_dictionary from './common/dictionary.json';
import common_extension_definition from './common/extension-definition.json';
import common_extension from './common/extension.json';
import common_external_reference from './common/external-reference.json';
import common_granular_marking from './common/granular-marking.json';
import common_hashes_type from './common/hashes-type.json';
import common_hex from './common/hex.json';
import common_identifier from './common/identifier.json';
import common_kill_chain_phase from './common/kill-chain-phase.json';
import common_language_content from './common/language-content.json';
import common_marking_definition from './common/marking-definition.json';
import common_properties from './common/properties.json';
import common_timestamp from './common/timestamp.json';
import common_url_regex from './common/url-regex.json';
import observables_artifact from './observables/artifact.json';
import observables_autonomous_system from './observables/autonomous-system.json';
import observables_directory from './observables/directory.json';
import observables_domain_name from './observables/domain-name.json';
import observables_email_addr from './observables/email-addr.json';
import observables_email_message from './observables/email-message.json';
import observables_file from './observables/file.json';
import observables_ipv4_addr from './observables/ipv4-addr.json';
import observables_ipv6_addr from './observables/ipv6-addr.json';
import observables_mac_addr from './observables/mac-addr.json';
import observables_mutex from './observables/mutex.json';
import observables_network_traffic from './observables/network-traffic.json';
import observables_process from './observables/process.json';
import observables_software from './observables/software.json';
import observables_url from './observables/url.json';
import observables_user_account from './observables/user-account.json';
import observables_windows_registry_key from './observables/windows-registry-key.json';
import observables_x509_certificate from './observables/x509-certificate.json';
import sdos_attack_pattern from './sdos/attack-pattern.json';
import sdos_campaign from './sdos/campaign.json';
import sdos_course_of_action from './sdos/course-of-action.json';
import sdos_grouping from './sdos/grouping.json';
import sdos_identity from './sdos/identity.json';
import sdos_incident from './sdos/incident.json';
import sdos_indicator from './sdos/indicator.json';
import sdos_infrastructure from './sdos/infrastructure.json';
import sdos_intrusion_set from './sdos/intrusion-set.json';
import sdos_location from './sdos/location.json';
import sdos_malware_analysis from './sdos/malware-analysis.json';
import sdos_malware from './sdos/malware.json';
import sdos_note from './sdos/note.json';
import sdos_observed_data from './sdos/observed-data.json';
import sdos_opinion from './sdos/opinion.json';
import sdos_report from './sdos/report.json';
import sdos_threat_actor from './sdos/threat-actor.json';
import sdos_tool from './sdos/tool.json';
import sdos_vulnerability from './sdos/vulnerability.json';
import sros_relationship from './sros/relationship.json';
import sros_sighting from './sros/sighting.json';

export const STIX_SCHEMA_FILES: ReadonlyArray<{ file: string; schema: object }> = [
  { file: 'common/binary.json', schema: common_binary },
  { file: 'common/bundle.json', schema: common_bundle },
  { file: 'common/core.json', schema: common_core },
  { file: 'common/cyber-observable-core.json', schema: common_cyber_observable_core },
  { file: 'common/dictionary.json', schema: common_dictionary },
  { file: 'common/extension-definition.json', schema: common_extension_definition },
  { file: 'common/extension.json', schema: common_extension },
  { file: 'common/external-reference.json', schema: common_external_reference },
  { file: 'common/granular-marking.json', schema: common_granular_marking },
  { file: 'common/hashes-type.json', schema: common_hashes_type },
  { file: 'common/hex.json', schema: common_hex },
  { file: 'common/identifier.json', schema: common_identifier },
  { file: 'common/kill-chain-phase.json', schema: common_kill_chain_phase },
  { file: 'common/language-content.json', schema: common_language_content },
  { file: 'common/marking-definition.json', schema: common_marking_definition },
  { file: 'common/properties.json', schema: common_properties },
  { file: 'common/timestamp.json', schema: common_timestamp },
  { file: 'common/url-regex.json', schema: common_url_regex },
  { file: 'observables/artifact.json', schema: observables_artifact },
  { file: 'observables/autonomous-system.json', schema: observables_autonomous_system },
  { file: 'observables/directory.json', schema: observables_directory },
  { file: 'observables/domain-name.json', schema: observables_domain_name },
  { file: 'observables/email-addr.json', schema: observables_email_addr },
  { file: 'observables/email-message.json', schema: observables_email_message },
  { file: 'observables/file.json', schema: observables_file },
  { file: 'observables/ipv4-addr.json', schema: observables_ipv4_addr },
  { file: 'observables/ipv6-addr.json', schema: observables_ipv6_addr },
  { file: 'observables/mac-addr.json', schema: observables_mac_addr },
  { file: 'observables/mutex.json', schema: observables_mutex },
  { file: 'observables/network-traffic.json', schema: observables_network_traffic },
  { file: 'observables/process.json', schema: observables_process },
  { file: 'observables/software.json', schema: observables_software },
  { file: 'observables/url.json', schema: observables_url },
  { file: 'observables/user-account.json', schema: observables_user_account },
  { file: 'observables/windows-registry-key.json', schema: observables_windows_registry_key },
  { file: 'observables/x509-certificate.json', schema: observables_x509_certificate },
  { file: 'sdos/attack-pattern.json', schema: sdos_attack_pattern },
  { file: 'sdos/campaign.json', schema: sdos_campaign },
  { file: 'sdos/course-of-action.json', schema: sdos_course_of_action },
  { file: 'sdos/grouping.json', schema: sdos_grouping },
  { file: 'sdos/identity.json', schema: sdos_identity },
  { file: 'sdos/incident.json', schema: sdos_incident },
  { file: 'sdos/indicator.json', schema: sdos_indicator },
  { file: 'sdos/infrastructure.json', schema: sdos_infrastructure },
  { file: 'sdos/intrusion-set.json', schema: sdos_intrusion_set },
  { file: 'sdos/location.json', schema: sdos_location },
  { file: 'sdos/malware-analysis.json', schema: sdos_malware_analysis },
  { file: 'sdos/malware.json', schema: sdos_malware },
  { file: 'sdos/note.json', schema: sdos_note },
  { file: 'sdos/observed-data.json', schema: sdos_observed_data },
  { file: 'sdos/opinion.json', schema: sdos_opinion },
  { file: 'sdos/report.json', schema: sdos_report },
  { file: 'sdos/threat-actor.json', schema: sdos_threat_actor },
  { file: 'sdos/tool.json', schema: sdos_tool },
  { file: 'sdos/vulnerability.json', schema: sdos_vulnerability },
  { file: 'sros/relationship.json', schema: sros_relationship },
  { file: 'sros/sighting.json', schema: sros_sighting },
];
