import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { canonicalJson } from '../../src/common';
import {
  LIANFANG_EXTENSION_ID,
  LIANFANG_EXTENSION_SCHEMA,
  TLP_2_0_EXTENSION_ID,
  parseStixPattern,
  type StixObject,
} from '../../src/sharing/stix';

/**
 * What independent STIX tools enforce that the OASIS JSON schemas do not, encoded here because
 * neither the OASIS validator nor the `stix2` library (both Python, from PyPI) can be installed
 * where the tests run. Each rule names the tool and check it stands for:
 *
 * - stix2-validator `--strict` "properties_strict": only the specification's properties at the top
 *   level of official types; `stix2` (default settings) raises ExtraPropertiesError for the same.
 * - stix2-validator "extensions-use" and STIX 2.1 section 7.3: custom properties travel in an
 *   extension keyed by an `extension-definition--<UUID>` id; the extension names its
 *   `extension_type`, which the definition (present in the bundle) lists; property names follow
 *   the STIX naming rule (3–250 of a–z, 0–9, _).
 * - stix2-validator "uuid-check": UUIDv4 for domain, relationship and meta objects and bundles;
 *   UUIDv5 for cyber-observables.
 * - stix2-validator "duplicate-ids": the same id twice in a bundle needs different `modified`.
 * - stix2-validator "indicator-properties" and "extension-description": indicators have a name
 *   and a description; extension definitions a description.
 * - stix2-validator "patterns" (stix2-patterns): every `stix` pattern parses.
 * - stix2-validator open-vocabulary checks for the vocabularies our exports use.
 */
export const SPEC_PROPERTIES: Readonly<Record<string, readonly string[]>> = (() => {
  const common = [
    'type',
    'spec_version',
    'id',
    'created_by_ref',
    'created',
    'modified',
    'revoked',
    'labels',
    'confidence',
    'lang',
    'external_references',
    'object_marking_refs',
    'granular_markings',
    'extensions',
  ];
  return {
    identity: [...common, 'name', 'description', 'roles', 'identity_class', 'sectors', 'contact_information'],
    incident: [...common, 'name', 'description', 'kill_chain_phases'],
    indicator: [
      ...common,
      'name',
      'description',
      'indicator_types',
      'pattern',
      'pattern_type',
      'pattern_version',
      'valid_from',
      'valid_until',
      'kill_chain_phases',
    ],
    infrastructure: [
      ...common,
      'name',
      'description',
      'infrastructure_types',
      'aliases',
      'kill_chain_phases',
      'first_seen',
      'last_seen',
    ],
    relationship: [
      ...common,
      'relationship_type',
      'description',
      'source_ref',
      'target_ref',
      'start_time',
      'stop_time',
    ],
    'marking-definition': [
      'type',
      'spec_version',
      'id',
      'created_by_ref',
      'created',
      'lang',
      'external_references',
      'object_marking_refs',
      'granular_markings',
      'extensions',
      'name',
      'definition_type',
      'definition',
    ],
    'extension-definition': [
      'type',
      'spec_version',
      'id',
      'created_by_ref',
      'created',
      'modified',
      'revoked',
      'labels',
      'external_references',
      'object_marking_refs',
      'granular_markings',
      'name',
      'description',
      'schema',
      'version',
      'extension_types',
      'extension_properties',
    ],
    bundle: ['type', 'id', 'objects'],
  };
})();

const OBSERVABLE_TYPES = new Set([
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
]);

const VOCABULARIES: Readonly<Record<string, { property: string; values: readonly string[] }>> = {
  identity: {
    property: 'identity_class',
    values: ['individual', 'group', 'system', 'organization', 'class', 'unknown'],
  },
  indicator: {
    property: 'indicator_types',
    values: [
      'anomalous-activity',
      'anonymization',
      'benign',
      'compromised',
      'malicious-activity',
      'attribution',
      'unknown',
    ],
  },
  infrastructure: {
    property: 'infrastructure_types',
    values: [
      'amplification',
      'anonymization',
      'botnet',
      'command-and-control',
      'control-system',
      'exfiltration',
      'firewall',
      'hosting-malware',
      'hosting-target-lists',
      'phishing',
      'reconnaissance',
      'routers-switches',
      'staging',
      'workstation',
      'unknown',
    ],
  },
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const lianfangExtension = ajv.compile(LIANFANG_EXTENSION_SCHEMA);

function uuidVersion(id: string): number | undefined {
  const m = /--[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.exec(id);
  return m ? parseInt(m[1], 16) : undefined;
}

/** Problems the independent tools would report for this bundle (empty when there are none). */
export function interopProblems(bundle: { type: string; id: string; objects: StixObject[] }): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(bundle))
    if (!SPEC_PROPERTIES.bundle.includes(key)) problems.push(`bundle: property ${key} is not in the specification`);
  if (uuidVersion(bundle.id) !== 4) problems.push(`bundle: id ${bundle.id} is not a UUIDv4`);

  const definitions = new Map(
    bundle.objects.filter((o) => o.type === 'extension-definition').map((o) => [o.id, o] as const),
  );
  const versions = new Map<string, string>();
  for (const o of bundle.objects) {
    const where = `${o.type} ${o.id}`;
    const allowed = SPEC_PROPERTIES[o.type];
    if (!allowed) problems.push(`${where}: no property list for this type here`);
    else
      for (const key of Object.keys(o))
        if (!allowed.includes(key)) problems.push(`${where}: top-level property ${key} is not in the specification`);

    const expected = OBSERVABLE_TYPES.has(o.type) ? 5 : 4;
    if (uuidVersion(o.id) !== expected) problems.push(`${where}: id is not a UUIDv${expected}`);

    if (typeof o.modified === 'string') {
      const version = `${o.id} ${o.modified}`;
      if (versions.has(version)) problems.push(`${where}: duplicate id with identical modified`);
      versions.set(version, o.type);
    }

    if (o.type === 'indicator') {
      if (typeof o.name !== 'string' || typeof o.description !== 'string')
        problems.push(`${where}: indicator without name and description`);
      if (o.pattern_type === 'stix') {
        const parsed = parseStixPattern(String(o.pattern));
        if (!parsed.ok) problems.push(`${where}: pattern does not parse: ${parsed.error}`);
      }
    }
    if (o.type === 'extension-definition' && typeof o.description !== 'string')
      problems.push(`${where}: extension definition without description`);

    const vocabulary = VOCABULARIES[o.type];
    if (vocabulary) {
      const value = o[vocabulary.property];
      const values = Array.isArray(value) ? value : [value];
      for (const v of values)
        if (!vocabulary.values.includes(String(v))) problems.push(`${where}: ${vocabulary.property} ${String(v)}`);
    }

    if (o.extensions !== undefined) {
      const extensions = o.extensions as Record<string, Record<string, unknown>>;
      for (const [key, body] of Object.entries(extensions)) {
        if (
          !/^extension-definition--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(key)
        ) {
          problems.push(`${where}: extension key ${key} is not an extension-definition id`);
          continue;
        }
        const definition = definitions.get(key);
        if (key === TLP_2_0_EXTENSION_ID && o.type === 'marking-definition') continue; // OASIS's own, by id
        if (!definition) {
          problems.push(`${where}: extension ${key} has no definition in the bundle`);
          continue;
        }
        const types = definition.extension_types as string[];
        if (!types.includes(String(body.extension_type)))
          problems.push(`${where}: extension_type ${String(body.extension_type)} is not one the definition lists`);
        for (const name of Object.keys(body))
          if (!/^[a-z0-9_]{3,250}$/.test(name)) problems.push(`${where}: extension property name ${name}`);
        if (key === LIANFANG_EXTENSION_ID && !lianfangExtension(body))
          problems.push(
            `${where}: extension body does not follow its schema: ${ajv.errorsText(lianfangExtension.errors)}`,
          );
      }
    }
    for (const ref of [o.created_by_ref, ...((o.object_marking_refs as string[] | undefined) ?? [])])
      if (ref !== undefined && !/^[a-z][a-z0-9-]+--[0-9a-f-]{36}$/.test(String(ref)))
        problems.push(`${where}: reference ${String(ref)} is not an identifier`);
  }
  return problems;
}

/**
 * STIX versioning across documents: the same id and `modified` must carry the same content
 * wherever they appear. Returns each (id, modified) seen with two contents.
 */
export function versionConflicts(bundles: ReadonlyArray<{ objects: StixObject[] }>): string[] {
  const seen = new Map<string, string>();
  const conflicts: string[] = [];
  for (const bundle of bundles)
    for (const o of bundle.objects) {
      const version = `${o.id} ${String(o.modified ?? o.created)}`;
      const content = canonicalJson(o);
      const before = seen.get(version);
      if (before === undefined) seen.set(version, content);
      else if (before !== content) conflicts.push(version);
    }
  return [...new Set(conflicts)];
}
