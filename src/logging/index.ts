/** The logging module's public entry: what other modules may use. */
export { LOGGER } from './logging.module';
