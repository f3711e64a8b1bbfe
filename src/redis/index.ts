/** The redis module's public entry: what other modules may use. */
export { RedisHealth, RedisModule } from './redis.module';
