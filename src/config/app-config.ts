import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBase64,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every setting the service reads from the environment, validated once at start-up.
 * A wrong value stops the process with one line naming the variable (see loadConfig), because an
 * incident system that starts half-configured fails later, at the worst possible moment.
 */
export class AppConfig {
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 65535' })
  @Min(0, { message: 'must be an integer between 0 and 65535' })
  @Max(65535, { message: 'must be an integer between 0 and 65535' })
  PORT: number = 3000;

  /** Loopback by default: exposing the API is a deliberate act (set 0.0.0.0 in containers). */
  @IsString()
  HOST: string = '127.0.0.1';

  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
    message: 'must be sqlite:<path> or postgres://user:pass@host:port/db',
  })
  DATABASE_URL: string = 'sqlite:var/lianfang.sqlite';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Where the embedded redis-server keeps its data (AOF) when REDIS_URL is unset. */
  @IsString()
  VAR_DIR: string = 'var';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'must be at least 24 characters (it is an admin credential)' })
  BOOTSTRAP_ADMIN_TOKEN?: string;

  @IsIn(LOG_LEVELS as unknown as string[], { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  /** 32-byte key (base64) that encrypts channel secrets at rest; generated under VAR_DIR when unset. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsBase64({}, { message: 'must be 32 bytes, base64-encoded' })
  SECRETS_KEY?: string;

  /** Key for the HMAC over the audit chain head, kept outside the database; generated under VAR_DIR when unset. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsBase64({}, { message: 'must be base64-encoded (32 bytes recommended)' })
  AUDIT_KEY?: string;

  @Transform(toInt)
  @IsInt({ message: 'must be a number of bytes between 1024 and 16777216' })
  @Min(1024, { message: 'must be a number of bytes between 1024 and 16777216' })
  @Max(16 * 1024 * 1024, { message: 'must be a number of bytes between 1024 and 16777216' })
  BODY_LIMIT_BYTES: number = 2 * 1024 * 1024;

  get databaseKind(): 'sqlite' | 'postgres' {
    return this.DATABASE_URL.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  }

  get sqlitePath(): string {
    return this.DATABASE_URL.slice('sqlite:'.length);
  }
}

export class ConfigError extends Error {}

/** Validates the environment; throws ConfigError with a single line naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const raw: Record<string, unknown> = {};
  for (const key of [...known, 'REDIS_URL', 'BOOTSTRAP_ADMIN_TOKEN', 'SECRETS_KEY', 'AUDIT_KEY']) {
    if (env[key] !== undefined) raw[key] = env[key];
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    const first = errors[0];
    const message = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    const shown = first.property.includes('TOKEN') || first.property.includes('KEY') ? '(hidden)' : JSON.stringify(env[first.property]);
    throw new ConfigError(`Invalid configuration: ${first.property} ${message} (got ${shown})`);
  }
  if (config.SECRETS_KEY && Buffer.from(config.SECRETS_KEY, 'base64').length !== 32) {
    throw new ConfigError('Invalid configuration: SECRETS_KEY must be 32 bytes, base64-encoded (got (hidden))');
  }
  return config;
}
