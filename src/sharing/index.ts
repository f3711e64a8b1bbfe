/** The sharing module's public entry: what other modules may use. */
export { IndicatorInputDto, indicatorValueProblem, normaliseIndicatorValue } from './indicator-input';
export {
  exportIndicatorObjects,
  getStixValidator,
  importIndicators,
  parseUntrustedBundle,
  StixInputError,
  DEFAULT_STIX_LIMITS,
  type StixBundle,
  type StixObject,
  type ImportResult,
  type ImportedIndicator,
  type SharedIndicatorType,
  type SkippedIndicator,
  type TlpLevel,
} from './stix';
export { STIX_BODY_BOUNDS, STIX_TEXT_TYPES, readStixUpload, stixHttpError, stixTextBody } from './stix-http';
export { StixObjects } from './stix-objects';
export { uuidv5 } from './stix';
export { SharingModule } from './sharing.module';
