/** The http module's public entry: what other modules may use. */
export { ErrorBody } from './error-body';
export { REASONS } from './http-exception.filter';
export { tooLargeParts } from './body-parsing';
export { JsonBoundsError, checkJsonBounds, type JsonBounds } from './json-bounds';
export { IsOmittable } from './optional';
export {
  checkOnePagingMode,
  COUNT_CAP,
  CursorPageQuery,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  encodeCursor,
  PageQuery,
} from './pagination';
export { inKeyOrder, keysetPage, KeysetPageView, type KeysetOrder, type KeysetPage } from './keyset-page';
export { PREFERENCE_APPLIED_MINIMAL, prefersMinimal } from './prefer';
export { IsZonedTimestamp } from './timestamp';
export { createValidationPipe, validateShape } from './validation';
export { ApiStandardErrors } from './api-errors';
export { schemaRef } from './openapi-schemas';
export { ReceivedAt, stampArrival } from './received-at';
