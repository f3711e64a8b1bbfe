import { type DesensitiseRules, type Removal, desensitiseExportInput, mergeRules } from './desensitise';
import { buildPattern } from './stix-pattern';
import type { IncidentExportInput, SharedIndicator, StixBundle, StixObject, TlpLevel } from './stix-types';
import { TLP_2_0_MARKING_IDS, isTlpLevel, tlpMarkingDefinition } from './tlp';
import { deterministicStixId, randomStixId } from './uuid';

export interface ExportOptions {
  tlp: TlpLevel;
  /** Omit for no desensitisation (sharing with a partner entitled to the details); `true` for the defaults;
   *  or rules overriding the defaults. */
  desensitise?: Partial<DesensitiseRules> | true;
  /** Fallback for an indicator's valid_from when neither it nor the incident has a detection time. */
  now?: Date;
}

export interface ExportResult {
  bundle: StixBundle;
  /** What desensitisation took out (empty without desensitisation). */
  removed: Removal[];
}

/** STIX 2.1 industry-sector-ov: only these go into `sectors`; any sector is also kept in x_lianfang_sector. */
const INDUSTRY_SECTORS = new Set([
  'agriculture',
  'aerospace',
  'automotive',
  'chemical',
  'commercial',
  'communications',
  'construction',
  'defense',
  'education',
  'energy',
  'engineering',
  'entertainment',
  'financial-services',
  'government',
  'emergency-services',
  'government-local',
  'government-national',
  'government-public-services',
  'government-regional',
  'healthcare',
  'hospitality-leisure',
  'infrastructure',
  'dams',
  'nuclear',
  'water',
  'insurance',
  'manufacturing',
  'mining',
  'non-profit',
  'pharmaceuticals',
  'retail',
  'technology',
  'telecommunications',
  'transportation',
  'utilities',
]);

/**
 * Builds a STIX 2.1 bundle describing one incident for threat-information sharing: the reporting identity, the
 * incident, its indicators, the affected systems (as infrastructure) and `related-to` relationships, all marked
 * with the chosen official TLP 2.0 marking (whose definition object is included).
 *
 * Object ids are UUIDv5 of our own ids, so exporting the same incident again yields the same STIX ids and a
 * recipient updates rather than duplicates; only the bundle id is random. `created` is the incident's creation
 * time and `modified` its last update, so a re-export after a change is a newer version of the same objects.
 *
 * Throws a TypeError for input that is a programming error (unknown TLP, unparseable timestamps).
 */
export function exportIncidentBundle(raw: IncidentExportInput, options: ExportOptions): ExportResult {
  if (!isTlpLevel(options.tlp)) throw new TypeError(`unknown TLP level: ${String(options.tlp)}`);
  const desensitising = options.desensitise !== undefined;
  const { input, removed } = desensitising
    ? desensitiseExportInput(raw, options.desensitise)
    : { input: raw, removed: [] as Removal[] };
  const anonymous = desensitising && mergeRules(options.desensitise).anonymiseOrganisation;
  const { incident, organisation } = input;

  const created = stixTimestamp(incident.createdAt, 'incident.createdAt');
  const updated = stixTimestamp(incident.updatedAt, 'incident.updatedAt');
  const modified = updated < created ? created : updated;
  const marking = TLP_2_0_MARKING_IDS[options.tlp];
  const drillProps = incident.drill ? { x_lianfang_drill: true } : {};

  const identityId = anonymous
    ? // keyed by incident, not organisation: two anonymised exports of one operator must not be linkable
      deterministicStixId('identity', `anonymous:${incident.id}`)
    : deterministicStixId('identity', `organisation:${organisation.id}`);
  const common = (type: string, id: string): StixObject => ({
    type,
    spec_version: '2.1',
    id,
    created_by_ref: identityId,
    created,
    modified,
    object_marking_refs: [marking],
  });

  const identity: StixObject = {
    ...common('identity', identityId),
    name: organisation.name,
    identity_class: 'organization',
    ...(INDUSTRY_SECTORS.has(organisation.sector) ? { sectors: [organisation.sector] } : {}),
    ...(organisation.sector ? { x_lianfang_sector: organisation.sector } : {}),
  };

  const incidentId = deterministicStixId('incident', incident.id);
  const detectedAt = optionalTimestamp(incident.detectedAt, 'incident.detectedAt');
  const occurredAt = optionalTimestamp(incident.occurredAt, 'incident.occurredAt');
  const incidentObject: StixObject = {
    ...common('incident', incidentId),
    name: incident.drill ? `[DRILL] ${incident.title}` : incident.title,
    ...(incident.description ? { description: incident.description } : {}),
    ...(incident.drill ? { labels: ['drill'] } : {}),
    x_lianfang_reference: incident.reference,
    x_lianfang_grade: incident.grade,
    x_lianfang_category: incident.category,
    x_lianfang_drill: incident.drill,
    ...(detectedAt ? { x_lianfang_detected_at: detectedAt } : {}),
    ...(occurredAt ? { x_lianfang_occurred_at: occurredAt } : {}),
  };

  const fallbackValidFrom = detectedAt ?? stixTimestamp(options.now ?? new Date(), 'options.now');
  const indicators = uniqueIndicators(input.indicators).map((indicator): StixObject => ({
    ...common('indicator', deterministicStixId('indicator', `${incident.id}:${indicator.type}:${indicator.value}`)),
    name: `${indicator.type} ${indicator.value}`,
    ...(indicator.description ? { description: indicator.description } : {}),
    indicator_types: ['malicious-activity'],
    pattern: buildPattern(indicator.type, indicator.value),
    pattern_type: 'stix',
    pattern_version: '2.1',
    valid_from:
      indicator.validFrom !== undefined ? stixTimestamp(indicator.validFrom, 'indicator.validFrom') : fallbackValidFrom,
    ...drillProps,
  }));

  const infrastructures = [...new Set(incident.affectedSystems.map((s) => s.trim()).filter((s) => s.length > 0))].map(
    (system): StixObject => ({
      ...common('infrastructure', deterministicStixId('infrastructure', `${incident.id}:${system}`)),
      name: system,
      description: 'System affected by the incident',
      infrastructure_types: ['unknown'],
      ...drillProps,
    }),
  );

  // STIX 2.1 defines no relationship types for the incident stub, so the generic `related-to` is the only one
  // a validator accepts for both directions.
  const relationships = [...indicators, ...infrastructures].map((source): StixObject => ({
    ...common('relationship', deterministicStixId('relationship', `${source.id}:related-to:${incidentId}`)),
    relationship_type: 'related-to',
    source_ref: source.id,
    target_ref: incidentId,
  }));

  const bundle: StixBundle = {
    type: 'bundle',
    id: randomStixId('bundle'),
    objects: [
      tlpMarkingDefinition(options.tlp),
      identity,
      incidentObject,
      ...indicators,
      ...infrastructures,
      ...relationships,
    ],
  };
  return { bundle, removed };
}

function uniqueIndicators(indicators: SharedIndicator[]): SharedIndicator[] {
  const seen = new Set<string>();
  return indicators.filter((i) => {
    const key = `${i.type}\u0000${i.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** STIX timestamps: UTC, `Z`, millisecond precision (the schema requires milliseconds on created/modified). */
export function stixTimestamp(value: string | Date, field: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new TypeError(`${field} is not a valid timestamp: ${String(value)}`);
  return date.toISOString();
}

function optionalTimestamp(value: string | Date | null | undefined, field: string): string | undefined {
  return value === null || value === undefined ? undefined : stixTimestamp(value, field);
}
