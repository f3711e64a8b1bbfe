import { canonicalJson } from '../../common';
import { isPlainObject, type StixObject } from './stix-types';

/**
 * lianfang's own properties travel in a STIX 2.1 property extension (STIX 2.1 section 7.3), not as
 * top-level `x_` properties: a consumer with default settings (the `stix2` library, the strict OASIS
 * validator) refuses unknown top-level properties but accepts an extension it does not know when
 * its key is an extension-definition id. Every bundle that uses the extension carries its
 * definition and the identity that created it.
 *
 * The ids and timestamps below are fixed forever: recipients keep them. A change to the extension's
 * properties is a new version of the definition (a newer `modified` and `version`).
 */
export const LIANFANG_IDENTITY_ID = 'identity--d1ea3501-2748-46ff-85d6-a9a246ef3128';
export const LIANFANG_EXTENSION_ID = 'extension-definition--43bbb929-a86a-419b-8599-2bc3c88fefae';
const DEFINED = '2026-12-02T00:00:00.000Z';

/** JSON Schema (2020-12) of the extension's body: the normative definition the `schema` property carries. */
export const LIANFANG_EXTENSION_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'lianfang incident-sharing properties',
  type: 'object',
  properties: {
    extension_type: { const: 'property-extension' },
    reference: { type: 'string', description: "incident: the operator's incident reference, e.g. INC-2026-000042" },
    grade: { enum: ['I', 'II', 'III', 'IV'], description: 'incident: grade (I most severe) under GB/T 20986' },
    category: { type: 'string', description: 'incident: taxonomy code, e.g. ransomware' },
    drill: { type: 'boolean', description: 'any object: true when it comes from an exercise (演练), not a real event' },
    detected_at: { type: 'string', format: 'date-time', description: 'incident: when it was detected' },
    occurred_at: { type: 'string', format: 'date-time', description: 'incident: when it began' },
    sector: { type: 'string', description: "identity: the organisation's critical-infrastructure sector code" },
    warning_reference: { type: 'string', description: 'indicator: the early warning it was published with' },
  },
  required: ['extension_type'],
  additionalProperties: false,
} as const;

export interface LianfangProperties {
  reference?: string;
  grade?: string;
  category?: string;
  drill?: boolean;
  detected_at?: string;
  occurred_at?: string;
  sector?: string;
  warning_reference?: string;
}

/** The identity of this software, creator of the extension definition. Unmarked: it is public. */
export function lianfangIdentity(): StixObject {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: LIANFANG_IDENTITY_ID,
    created: DEFINED,
    modified: DEFINED,
    name: 'lianfang',
    description: 'Incident response and threat-information sharing service for critical information infrastructure',
    identity_class: 'system',
  };
}

/** The extension-definition object. Unmarked: a definition is public, like OASIS's own TLP 2.0 one. */
export function lianfangExtensionDefinition(): StixObject {
  return {
    type: 'extension-definition',
    spec_version: '2.1',
    id: LIANFANG_EXTENSION_ID,
    created_by_ref: LIANFANG_IDENTITY_ID,
    created: DEFINED,
    modified: DEFINED,
    name: 'lianfang incident-sharing properties',
    description:
      'Properties lianfang adds to the objects it shares: the incident reference, grade, category and times, ' +
      "the reporting organisation's sector, the drill (exercise) flag, and the early warning an indicator came with.",
    schema: canonicalJson(LIANFANG_EXTENSION_SCHEMA),
    version: '1.0.0',
    extension_types: ['property-extension'],
  };
}

/** `{ extensions: { <our id>: { extension_type, …props } } }`, or nothing when there is nothing to say. */
export function withLianfangExtension(props: LianfangProperties): { extensions?: Record<string, unknown> } {
  const present = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
  if (Object.keys(present).length === 0) return {};
  return { extensions: { [LIANFANG_EXTENSION_ID]: { extension_type: 'property-extension', ...present } } };
}

/** Our properties on a received object: from the extension, or the `x_lianfang_*` properties older versions used. */
export function lianfangPropertiesOf(object: Record<string, unknown>): LianfangProperties {
  const extensions = object.extensions;
  const ours = isPlainObject(extensions) ? extensions[LIANFANG_EXTENSION_ID] : undefined;
  const source = isPlainObject(ours) ? ours : {};
  const drill = source.drill ?? object.x_lianfang_drill;
  return { ...(typeof drill === 'boolean' ? { drill } : {}) };
}
