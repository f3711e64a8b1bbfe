/**
 * Shapes of the requirement catalogue as loaded from requirements/*.yaml.
 * The JSON Schemas in requirements/schema/ are the source of truth for the files; these types mirror
 * them so callers get checked access after `loadCatalogue` has validated the data.
 */
import type { OperatorKind } from '../common';
import type { Grade } from '../../workflows/types';
import type { CalendarYear } from './working-calendar';

// One definition each: grades in workflows/, operator kinds with the organisation model.
export { GRADES, type Grade } from '../../workflows/types';
export { OPERATOR_KINDS, type OperatorKind } from '../common';

export type Confidence = 'confirmed' | 'unverified';
export type Actor = 'operator' | 'security-management-organisation' | 'protection-department' | 'public-security';
/** Who a report may go to (the catalogue's recipients; the reports module's recipient kinds). */
export const RECIPIENT_KINDS = [
  'protection-department',
  'public-security',
  'own-cyberspace-body',
  'provincial-cyberspace-department',
  'sector-regulator',
] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];
export type ClockStart = 'detectedAt' | 'occurredAt' | 'handlingEndedAt' | 'receivedAt' | 'crimeSuspectedAt';
export type DayKind = 'calendar' | 'working';
export type EarlyWarningLevel = 'red' | 'orange' | 'yellow' | 'blue';
export type Role = 'admin' | 'leader' | 'commander' | 'responder' | 'liaison' | 'viewer';

export interface Bilingual {
  zh: string;
  en: string;
}

export interface SourceDocument {
  id: string;
  title: Bilingual;
  issuer?: string;
  published?: string;
  inForce?: string;
  confidence: Confidence;
  source: string;
}

export interface RequirementItem {
  id: string;
  /** Id of the document the item comes from (GBT39204-2022, NCIRM-2025, CIIPR-2021, ...). */
  document: string;
  /** Clause number ("11.3") or article ("Art. 4"). */
  clause: string;
  title: Bilingual;
  summary: Bilingual;
  actor: Actor;
  tags: string[];
  confidence: Confidence;
  source: string;
  note?: string;
}

export interface Clause {
  document: string;
  chapter: string;
  number: string;
  title: Bilingual;
  confidence: Confidence;
}

export interface Chapter {
  number: string;
  title: Bilingual;
  confidence: Confidence;
  clauses: Clause[];
}

export interface Principle {
  id: string;
  title: Bilingual;
  summary: Bilingual;
  confidence: Confidence;
  source: string;
}

export interface Category {
  code: string;
  name: Bilingual;
  parent: string | null;
  origin: 'standard' | 'product';
  confidence: Confidence;
}

export interface GradeDefinition {
  code: Grade;
  rank: number;
  name: Bilingual;
  confidence: Confidence;
  reportMandatory: boolean;
  thresholdsConfidence: Confidence;
  criteria: Array<{ dimension: string; description: Bilingual }>;
}

export interface EarlyWarningLevelDefinition {
  code: EarlyWarningLevel;
  rank: number;
  name: Bilingual;
  confidence: Confidence;
}

export interface Taxonomy {
  categorySource: string;
  categories: Category[];
  gradingSource: string;
  gradingDimensions: Array<{ code: string; name: Bilingual }>;
  grades: GradeDefinition[];
  earlyWarningLevels: EarlyWarningLevelDefinition[];
}

export interface ReportField {
  code: string;
  label: Bilingual;
  requiredWhen?: { category: string[] };
}

export interface TimedReport {
  /** ISO 8601 duration (see duration.ts for the accepted subset). */
  within: string;
  /** Defaults to 'calendar' when absent. */
  dayKind?: DayKind;
  clockStartsAt: ClockStart;
  requiredFields: string[];
  requirementIds: string[];
  confidence: Confidence;
  source?: string;
  note?: string;
}

export interface InitialReport extends TimedReport {
  /** The subset that may be sent first when the rest is not yet known (partial report). */
  minimumFields: string[];
}

export interface FollowUpReport {
  trigger: 'on-development';
  /** Product default reminder cadence only; the regulation sets no clock for follow-ups. */
  within?: string;
  withinBasis?: 'product-default';
  requiredFields: string[];
  requirementIds: string[];
  confidence: Confidence;
  source?: string;
  note?: string;
}

export interface OnwardReport extends TimedReport {
  grades: Grade[];
  from: RecipientKind;
  to: Bilingual[];
}

export interface ReportingRule {
  id: string;
  operatorKind: OperatorKind;
  grades: Grade[];
  recipients: Array<{ kind: RecipientKind }>;
  requirementIds: string[];
  reports: {
    initial: InitialReport;
    followUp: FollowUpReport;
    final: TimedReport;
    onward?: OnwardReport;
  };
}

/** The report to public security when a crime is suspected: every operator kind and grade (NCIRM-2025 Art. 4). */
export interface PoliceReportRule {
  id: string;
  recipients: Array<{ kind: 'public-security' }>;
  within: string;
  withinBasis: 'product-default';
  dayKind?: DayKind;
  clockStartsAt: 'crimeSuspectedAt';
  requirementIds: string[];
  confidence: Confidence;
  source: string;
  note?: string;
}

/** A sector regulator's own rule: extra recipients and, optionally, an earlier initial deadline. */
export interface SectorRule {
  id: string;
  /** Matches Organisation.sector. */
  sector: string;
  regulator: Bilingual;
  /** Operator kinds it binds; all when absent. */
  operatorKinds?: OperatorKind[];
  /** Grades it binds; the national rule's when absent. */
  grades?: Grade[];
  /**
   * ISO 8601 duration from the initial report's clock start; only an earlier due time than the national rule's
   * counts.
   */
  initialWithin?: string;
  requirementIds: string[];
  confidence: Confidence;
  source: string;
  note?: string;
}

export type NationalChannelKind = 'hotline' | 'web' | 'mini-program' | 'wechat-account' | 'email' | 'fax';

export interface NationalChannels {
  source: string;
  confidence: Confidence;
  channels: Array<{ kind: NationalChannelKind; value: string; label: Bilingual }>;
}

export interface EarlyWarningDefaults {
  basis: 'product-default';
  feedbackDefaultWithin: Record<EarlyWarningLevel, string>;
  requirementIds: string[];
}

export interface EscalationDefaults {
  basis: 'product-default';
  steps: Role[];
  stepDelay: string;
}

export interface ReportingCalendar {
  timeZone: 'Asia/Shanghai';
  /** Working days absent a notice for the year. */
  workingDays: string[];
  /** Per year, the State Council's public holidays and make-up working days (working-calendar.ts). */
  years: CalendarYear[];
  note?: string;
}

export type FactType = 'number' | 'boolean' | 'enum';

export interface FactDefinition {
  name: string;
  type: FactType;
  values?: string[];
  label: Bilingual;
  /** Display label of each enum value (enum facts only). */
  valueLabels?: Record<string, Bilingual>;
}

export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in';

export interface Comparison {
  fact: string;
  op: ComparisonOp;
  value: number | boolean | string | Array<string | number>;
}

export type Condition = Comparison | { all: Condition[] } | { any: Condition[] };

export interface GradeRule {
  id: string;
  grade: Grade;
  conditions: { all: Condition[] } | { any: Condition[] };
  rationale: Bilingual;
  confidence: Confidence;
  /** Where the threshold comes from: title, item and address. */
  source: string;
  /** Why a rule is unverified (summary or draft value). */
  note?: string;
  requirementIds?: string[];
}

export interface GradeRuleSet {
  confidence: Confidence;
  note?: string;
  source: string;
  defaultGrade: Grade;
  facts: FactDefinition[];
  rules: GradeRule[];
}

/** Kinds of website the grading guide names for unreachability (grade-suggestion.yaml `siteKind`). */
export const SITE_KINDS = [
  'provincial-government-portal',
  'prefectural-government-portal',
  'central-news-site',
  'provincial-news-site',
  'other',
] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

/** How serious a threat a data incident poses, as the guide grades it (`dataThreat`). */
export const DATA_THREATS = ['especially-serious', 'serious', 'relatively-serious', 'some'] as const;
export type DataThreat = (typeof DATA_THREATS)[number];

/** Spread of defaced content as determined by the authorities (`defacementSpreadDetermined`). */
export const SPREAD_DETERMINATIONS = ['especially-wide', 'wide', 'relatively-wide'] as const;
export type SpreadDetermination = (typeof SPREAD_DETERMINATIONS)[number];

/**
 * The facts of grade-suggestion.yaml, i.e. what the grading guide measures. Incidents declared
 * before 2026-12 may store other (older) names in their `impact`; those are shown as stored.
 */
export type ImpactFacts = Partial<{
  ciiWholeOutageMinutes: number;
  ciiMainFunctionOutageMinutes: number;
  siteKind: SiteKind;
  siteUnreachableHours: number;
  provincePopulationSharePercent: number;
  prefecturePopulationSharePercent: number;
  peopleServicesAffected: number;
  dataThreat: DataThreat;
  personalInfoPersons: number;
  defacementHomePageHours: number;
  defacementOtherPageHours: number;
  defacementReposts: number;
  defacementViews: number;
  defacementSpreadDetermined: SpreadDetermination;
  economicLossCny: number;
}>;
