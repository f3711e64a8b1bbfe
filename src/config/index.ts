/** The config module's public entry: what other modules may use. */
export { AppConfig, ConfigError, loadConfig, type LogLevel } from './app-config';
export { REDIS_URL } from './config.module';
export { resolveKey, secretsBox } from './keys';
