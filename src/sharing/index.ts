/** The sharing module's public entry: what other modules may use. */
export { IndicatorInputDto, indicatorValueProblem, normaliseIndicatorValue } from './indicator-input';
export {
  importIndicators,
  type ImportedIndicator,
  type SharedIndicatorType,
  type SkippedIndicator,
  type TlpLevel,
} from './stix';
export { STIX_TEXT_TYPES, readStixUpload, stixTextBody } from './stix-http';
