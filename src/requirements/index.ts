export * from './types';
export {
  parseDuration,
  durationMs,
  addDuration,
  isDuration,
  isShanghaiWorkingDay,
  DurationError,
} from '../common/duration';
export type { ParsedDuration } from '../common/duration';
export { Catalogue, CatalogueError, loadCatalogue, defaultCatalogueDir, CATALOGUE_FILES } from './catalogue';
export type { ReportKind } from './catalogue';
export { computeReportDeadline, NoSuchReportError } from './deadlines';
export { WorkingCalendar, WEEKDAYS_ONLY, calendarProblems, shanghaiDate } from './working-calendar';
export type { CalendarYear, HolidayPeriod } from './working-calendar';
export type { DeadlineKind } from './deadlines';
export { suggestGrade, UnknownFactError } from './grade-suggestion';
export type { GradeSuggestion, FiredRule } from './grade-suggestion';
export { computeCoverage } from './coverage';
export type { Citation, CoverageReport, CoverageRow } from './coverage';
export { formatCoverage } from './coverage-format';
