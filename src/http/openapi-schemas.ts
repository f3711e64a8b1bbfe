import type { SchemaObject } from '@nestjs/swagger';

/**
 * Schemas no class describes, added to the OpenAPI document's components by buildOpenApi
 * (src/openapi.ts) and referenced from views as `#/components/schemas/<name>`.
 */
export const SHARED_SCHEMAS: Record<string, SchemaObject> = {
  JsonValue: { description: 'Any JSON value' },
  XStateMachineConfig: {
    description:
      "A workflow as XState's own machine config (the JSON `createMachine` takes and the Stately editor " +
      'imports): the root state with `id`; guards and actions by name, their implementations not included',
    type: 'object',
    required: ['id'],
    properties: {
      id: { type: 'string', description: 'The machine id, which is also the root state id' },
      type: { type: 'string', enum: ['parallel'] },
      initial: { type: 'string' },
      description: { type: 'string' },
      meta: { type: 'object', additionalProperties: true, description: '`requirements`: ids the machine cites' },
      on: { $ref: '#/components/schemas/XStateTransitions' },
      always: { type: 'array', items: { $ref: '#/components/schemas/XStateTransitionConfig' } },
      entry: { type: 'array', items: { $ref: '#/components/schemas/XStateAction' } },
      exit: { type: 'array', items: { $ref: '#/components/schemas/XStateAction' } },
      states: { type: 'object', additionalProperties: { $ref: '#/components/schemas/XStateStateConfig' } },
    },
  },
  XStateStateConfig: {
    description: 'One state of an XState machine config, its child states nested under `states`',
    type: 'object',
    properties: {
      type: { type: 'string', enum: ['parallel', 'final', 'history'] },
      initial: { type: 'string' },
      history: { type: 'string', enum: ['shallow', 'deep'] },
      description: { type: 'string' },
      meta: { type: 'object', additionalProperties: true, description: '`requirements`: ids the state cites' },
      on: { $ref: '#/components/schemas/XStateTransitions' },
      always: { type: 'array', items: { $ref: '#/components/schemas/XStateTransitionConfig' } },
      entry: { type: 'array', items: { $ref: '#/components/schemas/XStateAction' } },
      exit: { type: 'array', items: { $ref: '#/components/schemas/XStateAction' } },
      states: { type: 'object', additionalProperties: { $ref: '#/components/schemas/XStateStateConfig' } },
    },
  },
  XStateTransitions: {
    description: 'Transitions by event type, each list tried in order',
    type: 'object',
    additionalProperties: { type: 'array', items: { $ref: '#/components/schemas/XStateTransitionConfig' } },
  },
  XStateTransitionConfig: {
    description: 'A transition: targets as absolute `#<state id>` references; none for a transition that stays',
    type: 'object',
    properties: {
      target: { type: 'array', items: { type: 'string' } },
      guard: {
        oneOf: [
          { type: 'string' },
          {
            type: 'object',
            required: ['type', 'params'],
            properties: { type: { type: 'string' }, params: { $ref: '#/components/schemas/JsonValue' } },
          },
        ],
      },
      actions: { type: 'array', items: { $ref: '#/components/schemas/XStateAction' } },
      reenter: { type: 'boolean' },
      description: { type: 'string' },
      meta: { type: 'object', additionalProperties: true, description: '`requirements`: ids the transition cites' },
    },
  },
  XStateAction: {
    description: 'An action by name, with its parameters when they are plain data',
    oneOf: [
      { type: 'string' },
      {
        type: 'object',
        required: ['type', 'params'],
        properties: { type: { type: 'string' }, params: { $ref: '#/components/schemas/JsonValue' } },
      },
    ],
  },
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
