/** Minimal structural types for STIX 2.1 content. Objects stay open-ended (custom and optional properties are
 *  legal), so anything beyond `type`/`id` is `unknown` and must be checked before use. */
export interface StixObject {
  type: string;
  id: string;
  [property: string]: unknown;
}

export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

export type TlpLevel = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

/** The indicator kinds lianfang shares and accepts; `file-*` are hashes of a file. */
export type SharedIndicatorType =
  'ipv4-addr' | 'ipv6-addr' | 'domain-name' | 'url' | 'file-sha256' | 'file-md5' | 'email-addr';

export const SHARED_INDICATOR_TYPES: readonly SharedIndicatorType[] = [
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'file-sha256',
  'file-md5',
  'email-addr',
];

export interface SharedIndicator {
  type: SharedIndicatorType;
  value: string;
  description?: string;
  /** ISO 8601 timestamp (a Date is accepted on export). */
  validFrom?: string | Date;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the incident module hands to the exporter: plain data, no entities. */
export interface IncidentExportInput {
  incident: {
    /** Our uuid; the STIX ids are derived from it. */
    id: string;
    /** e.g. INC-2026-000042 */
    reference: string;
    title: string;
    description: string;
    /** Taxonomy code, e.g. `ransomware`. */
    category: string;
    /** `I` | `II` | `III` | `IV` */
    grade: string;
    detectedAt?: string | Date | null;
    occurredAt?: string | Date | null;
    drill: boolean;
    affectedSystems: string[];
    createdAt: string | Date;
    updatedAt: string | Date;
  };
  organisation: { id: string; name: string; sector: string };
  indicators: SharedIndicator[];
}
