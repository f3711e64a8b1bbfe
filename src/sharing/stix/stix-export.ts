import { type DesensitiseRules, type Removal, desensitiseExportInput, mergeRules } from './desensitise';
import { buildPattern } from './stix-pattern';
import type { IncidentExportInput, SharedIndicator, StixBundle, StixObject, TlpLevel } from './stix-types';
import { TLP_2_0_MARKING_IDS, isTlpLevel, tlpMarkingDefinition } from './tlp';
import { randomStixId } from './uuid';
import { lianfangExtensionDefinition, lianfangIdentity, withLianfangExtension } from './lianfang-extension';
import { type StixObjectRegistry, stixContentHash } from './versions';

export interface ExportOptions {
  tlp: TlpLevel;
  /** Omit for no desensitisation (sharing with a partner entitled to the details); `true` for the defaults;
   *  or rules overriding the defaults. */
  desensitise?: Partial<DesensitiseRules> | true;
  /** Fallback for an indicator's valid_from when neither it nor the incident has a detection time; the time of a
   *  changed version when the record itself did not change (new desensitisation rules, say). */
  now?: Date;
  /** Where object ids and versions are kept (see versions.ts). */
  registry: StixObjectRegistry;
}

export interface ExportResult {
  bundle: StixBundle;
  /** What desensitisation took out (empty without desensitisation). */
  removed: Removal[];
}

/** STIX 2.1 industry-sector-ov: only these go into `sectors`; any sector is also in the extension's `sector`. */
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
 * with the chosen official TLP 2.0 marking (whose definition object is included), plus the definition of the
 * property extension that carries lianfang's own properties and the identity that defined it.
 *
 * Ids and versions come from the registry (see versions.ts): each object is keyed by the record it describes
 * and the shape of the export (TLP level, desensitised or not), so re-exporting the same incident in the same
 * shape gives the same ids, the same `created`, and the same `modified` as long as the content is the same; a
 * changed content is a newer version. Another TLP level or desensitisation is another object. Only the
 * bundle id is new each time.
 *
 * Throws a TypeError for input that is a programming error (unknown TLP, unparseable timestamps).
 */
export async function exportIncidentBundle(raw: IncidentExportInput, options: ExportOptions): Promise<ExportResult> {
  if (!isTlpLevel(options.tlp)) throw new TypeError(`unknown TLP level: ${String(options.tlp)}`);
  const desensitising = options.desensitise !== undefined;
  const { input, removed } = desensitising
    ? desensitiseExportInput(raw, options.desensitise)
    : { input: raw, removed: [] as Removal[] };
  const anonymous = desensitising && mergeRules(options.desensitise).anonymiseOrganisation;
  const { incident, organisation } = input;
  const now = options.now ?? new Date();

  const created = stixTimestamp(incident.createdAt, 'incident.createdAt');
  const updated = stixTimestamp(incident.updatedAt, 'incident.updatedAt');
  const proposed = updated < created ? created : updated;
  const marking = TLP_2_0_MARKING_IDS[options.tlp];
  const shape = `${options.tlp}:${desensitising ? 'desensitised' : 'full'}`;
  const drill = incident.drill ? { drill: true } : {};

  // Keyed by incident when anonymised: two anonymised exports of one operator must not be linkable.
  const identityKey = anonymous
    ? `identity:anonymous:${incident.id}:${shape}`
    : `identity:organisation:${organisation.id}:${shape}`;
  const incidentKey = `incident:${incident.id}:${shape}`;
  const fallbackValidFrom = optionalTimestamp(incident.detectedAt, 'incident.detectedAt') ?? stixTimestamp(now, 'now');
  const indicators = uniqueIndicators(input.indicators).map((indicator) => ({
    indicator,
    key: `indicator:${incident.id}:${shape}:${indicator.type}:${indicator.value}`,
    validFrom:
      indicator.validFrom !== undefined ? stixTimestamp(indicator.validFrom, 'indicator.validFrom') : fallbackValidFrom,
  }));
  const systems = [...new Set(incident.affectedSystems.map((s) => s.trim()).filter((s) => s.length > 0))].map(
    (system) => ({ system, key: `infrastructure:${incident.id}:${shape}:${system}` }),
  );
  const related = [...indicators, ...systems].map((o) => `relationship:${o.key}:related-to:${incidentKey}`);

  const ids = await options.registry.identify([
    { key: identityKey, type: 'identity', created },
    { key: incidentKey, type: 'incident', created },
    ...indicators.map(({ key }) => ({ key, type: 'indicator', created })),
    ...systems.map(({ key }) => ({ key, type: 'infrastructure', created })),
    ...related.map((key) => ({ key, type: 'relationship', created })),
  ]);
  const identityId = ids.get(identityKey)!.id;
  const incidentId = ids.get(incidentKey)!.id;
  const common = (key: string, type: string): StixObject => ({
    type,
    spec_version: '2.1',
    id: ids.get(key)!.id,
    created_by_ref: identityId,
    created: ids.get(key)!.created,
    object_marking_refs: [marking],
  });

  const drafts: Array<{ key: string; object: StixObject }> = [];
  drafts.push({
    key: identityKey,
    object: {
      ...common(identityKey, 'identity'),
      name: organisation.name,
      identity_class: 'organization',
      ...(INDUSTRY_SECTORS.has(organisation.sector) ? { sectors: [organisation.sector] } : {}),
      ...withLianfangExtension({ sector: organisation.sector || undefined }),
    },
  });
  drafts.push({
    key: incidentKey,
    object: {
      ...common(incidentKey, 'incident'),
      name: incident.drill ? `[DRILL] ${incident.title}` : incident.title,
      ...(incident.description ? { description: incident.description } : {}),
      ...(incident.drill ? { labels: ['drill'] } : {}),
      ...withLianfangExtension({
        reference: incident.reference,
        grade: incident.grade,
        category: incident.category,
        drill: incident.drill,
        detected_at: optionalTimestamp(incident.detectedAt, 'incident.detectedAt'),
        occurred_at: optionalTimestamp(incident.occurredAt, 'incident.occurredAt'),
      }),
    },
  });
  for (const { indicator, key, validFrom } of indicators) {
    drafts.push({
      key,
      object: {
        ...common(key, 'indicator'),
        name: `${indicator.type} ${indicator.value}`,
        // The OASIS validator asks for a description on every indicator.
        description: indicator.description || `${INDICATOR_NOUNS[indicator.type]} seen in a security incident`,
        indicator_types: ['malicious-activity'],
        pattern: buildPattern(indicator.type, indicator.value),
        pattern_type: 'stix',
        pattern_version: '2.1',
        valid_from: validFrom,
        ...withLianfangExtension(drill),
      },
    });
  }
  for (const { system, key } of systems) {
    drafts.push({
      key,
      object: {
        ...common(key, 'infrastructure'),
        name: system,
        description: 'System affected by the incident',
        infrastructure_types: ['unknown'],
        ...withLianfangExtension(drill),
      },
    });
  }
  // STIX 2.1 defines no relationship types for the incident stub, so the generic `related-to` is the only one
  // a validator accepts for both directions.
  [...indicators, ...systems].forEach((source, i) => {
    drafts.push({
      key: related[i],
      object: {
        ...common(related[i], 'relationship'),
        relationship_type: 'related-to',
        source_ref: ids.get(source.key)!.id,
        target_ref: incidentId,
      },
    });
  });

  const objects = await versionDrafts(options.registry, drafts, proposed, now);
  const bundle: StixBundle = {
    type: 'bundle',
    id: randomStixId('bundle'),
    objects: [tlpMarkingDefinition(options.tlp), ...objects, lianfangExtensionDefinition(), lianfangIdentity()],
  };
  return { bundle, removed };
}

/**
 * Gives each drafted object its `modified` from the registry (`proposed`, at the earliest its own `created`,
 * for a first or changed version) and puts it right after `created`, where STIX documents have it.
 */
export async function versionDrafts(
  registry: StixObjectRegistry,
  drafts: ReadonlyArray<{ key: string; object: StixObject }>,
  proposed: string,
  now: Date,
): Promise<StixObject[]> {
  const versions = await registry.version(
    drafts.map(({ key, object }) => {
      const created = String(object.created);
      return { key, contentHash: stixContentHash(object), proposed: proposed < created ? created : proposed };
    }),
    now,
  );
  return drafts.map(({ key, object }) => {
    const { type, spec_version, id, created_by_ref, created, ...rest } = object;
    return {
      type,
      spec_version,
      id,
      ...(created_by_ref !== undefined ? { created_by_ref } : {}),
      created,
      modified: versions.get(key)!,
      ...rest,
    };
  });
}

const INDICATOR_NOUNS: Readonly<Record<SharedIndicator['type'], string>> = {
  'ipv4-addr': 'IPv4 address',
  'ipv6-addr': 'IPv6 address',
  'domain-name': 'Domain name',
  url: 'URL',
  'file-sha256': 'File (SHA-256)',
  'file-md5': 'File (MD5)',
  'email-addr': 'E-mail address',
};

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

/** A list of indicators someone publishes (a department's early warning), for exportIndicatorObjects. */
export interface IndicatorListInput {
  /** What the indicators belong to, as a natural key (`warning:<id>`) and a reference people read. */
  source: { key: string; reference: string; createdAt: string | Date; updatedAt: string | Date; drill: boolean };
  /** The publishing organisation: its identity is each indicator's creator. */
  publisher: { id: string; name: string; sector: string };
  /** Each with the TLP it carries, or `defaultTlp`. */
  indicators: Array<SharedIndicator & { tlp?: TlpLevel }>;
  defaultTlp: TlpLevel;
}

/**
 * The STIX objects for a published list of indicators: the publisher's identity (unmarked: an
 * organisation's name and sector are not sensitive), one indicator per value marked with its TLP,
 * the TLP marking definitions used, and the extension definition with its author. Ids and versions
 * come from the registry, as for incident exports.
 */
export async function exportIndicatorObjects(
  input: IndicatorListInput,
  registry: StixObjectRegistry,
  now: Date = new Date(),
): Promise<StixObject[]> {
  const created = stixTimestamp(input.source.createdAt, 'source.createdAt');
  const updated = stixTimestamp(input.source.updatedAt, 'source.updatedAt');
  const proposed = updated < created ? created : updated;
  const identityKey = `identity:organisation:${input.publisher.id}:published`;
  const indicators = uniqueIndicators(input.indicators).map((indicator) => ({
    indicator: indicator as SharedIndicator & { tlp?: TlpLevel },
    key: `indicator:${input.source.key}:${indicator.type}:${indicator.value}`,
  }));
  const ids = await registry.identify([
    { key: identityKey, type: 'identity', created },
    ...indicators.map(({ key }) => ({ key, type: 'indicator', created })),
  ]);
  const identityId = ids.get(identityKey)!.id;
  const levels = new Set<TlpLevel>();
  const drafts: Array<{ key: string; object: StixObject }> = [
    {
      key: identityKey,
      object: {
        type: 'identity',
        spec_version: '2.1',
        id: identityId,
        created: ids.get(identityKey)!.created,
        name: input.publisher.name,
        identity_class: 'organization',
        ...(INDUSTRY_SECTORS.has(input.publisher.sector) ? { sectors: [input.publisher.sector] } : {}),
        ...withLianfangExtension({ sector: input.publisher.sector || undefined }),
      },
    },
  ];
  for (const { indicator, key } of indicators) {
    const tlp = indicator.tlp ?? input.defaultTlp;
    levels.add(tlp);
    drafts.push({
      key,
      object: {
        type: 'indicator',
        spec_version: '2.1',
        id: ids.get(key)!.id,
        created_by_ref: identityId,
        created: ids.get(key)!.created,
        object_marking_refs: [TLP_2_0_MARKING_IDS[tlp]],
        name: `${indicator.type} ${indicator.value}`,
        description: indicator.description || `${INDICATOR_NOUNS[indicator.type]} named in ${input.source.reference}`,
        indicator_types: ['malicious-activity'],
        pattern: buildPattern(indicator.type, indicator.value),
        pattern_type: 'stix',
        pattern_version: '2.1',
        valid_from: indicator.validFrom !== undefined ? stixTimestamp(indicator.validFrom, 'validFrom') : created,
        ...withLianfangExtension({
          warning_reference: input.source.reference,
          ...(input.source.drill ? { drill: true } : {}),
        }),
      },
    });
  }
  const objects = await versionDrafts(registry, drafts, proposed, now);
  return [
    ...[...levels].map((level) => tlpMarkingDefinition(level)),
    lianfangIdentity(),
    lianfangExtensionDefinition(),
    ...objects,
  ];
}
