import type { SchemaObject } from '@nestjs/swagger';

/**
 * Schemas no class describes, added to the OpenAPI document's components by buildOpenApi
 * (src/openapi.ts) and referenced from views as `#/components/schemas/<name>`.
 */
export const SHARED_SCHEMAS: Record<string, SchemaObject> = {
  JsonValue: { description: 'Any JSON value' },
  WorkflowStateValue: {
    description:
      "An XState state value: the state's name, or for a compound or parallel state an object from each " +
      'child (or region) to its own value, e.g. "triage" or { "response": { "handling": "containment", ' +
      '"reporting": "initialDue" } }',
    oneOf: [
      { type: 'string' },
      { type: 'object', additionalProperties: { $ref: '#/components/schemas/WorkflowStateValue' } },
    ],
  },
};

/**
 * A property holding a shared (or another module's) schema by name: `allOf` around the `$ref`,
 * because beside a bare `$ref` @nestjs/swagger writes the reflected type (`object`), which in
 * OpenAPI 3.1 applies too.
 */
export function schemaRef(name: string): { allOf: Array<{ $ref: string }> } {
  return { allOf: [{ $ref: `#/components/schemas/${name}` }] };
}
