import type { StixObject, TlpLevel } from './stix-types';

/** The TLP 2.0 extension definition the official marking definitions point at. */
export const TLP_2_0_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/** Official TLP 2.0 marking-definition ids (shared with CACAO's TLPv2 markings). Checked against the CACAO
 *  data-marking list and published STIX TLP 2.0 objects; note AMBER ends in `...91f868d9b421`. */
export const TLP_2_0_MARKING_IDS: Readonly<Record<TlpLevel, string>> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/** STIX 2.1's built-in TLP 1.0 markings: still common in bundles we receive, so references to them resolve. */
export const TLP_1_0_MARKING_IDS: Readonly<Record<'white' | 'green' | 'amber' | 'red', string>> = {
  white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
};

export const TLP_LEVELS: readonly TlpLevel[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

export const KNOWN_TLP_MARKING_IDS: ReadonlySet<string> = new Set([
  ...Object.values(TLP_2_0_MARKING_IDS),
  ...Object.values(TLP_1_0_MARKING_IDS),
]);

export function isTlpLevel(value: unknown): value is TlpLevel {
  return typeof value === 'string' && (TLP_LEVELS as readonly string[]).includes(value);
}

/** The full official TLP 2.0 marking-definition object for a level (a fresh copy each call). */
export function tlpMarkingDefinition(level: TlpLevel): StixObject {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP_2_0_MARKING_IDS[level],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${level.toUpperCase()}`,
    extensions: {
      [TLP_2_0_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level },
    },
  };
}

/** Reads the TLP level an object is marked with (TLP 2.0 or 1.0 ids; WHITE maps to CLEAR). The most
 *  restrictive wins when several are present. */
export function tlpOfMarkingRefs(refs: unknown): TlpLevel | undefined {
  if (!Array.isArray(refs)) return undefined;
  let found: TlpLevel | undefined;
  for (const ref of refs) {
    const level = levelForMarkingId(ref);
    if (level && (found === undefined || TLP_LEVELS.indexOf(level) > TLP_LEVELS.indexOf(found))) found = level;
  }
  return found;
}

function levelForMarkingId(id: unknown): TlpLevel | undefined {
  for (const level of TLP_LEVELS) if (TLP_2_0_MARKING_IDS[level] === id) return level;
  if (id === TLP_1_0_MARKING_IDS.white) return 'clear';
  if (id === TLP_1_0_MARKING_IDS.green) return 'green';
  if (id === TLP_1_0_MARKING_IDS.amber) return 'amber';
  if (id === TLP_1_0_MARKING_IDS.red) return 'red';
  return undefined;
}
