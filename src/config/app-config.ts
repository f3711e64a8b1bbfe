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
  ValidateBy,
} from 'class-validator';
import { EgressAllowSyntaxError, parseEgressAllow, durationMs, redisOptionsFromUrl } from '../common';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** True when `parse` does not throw. */
function parses(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}

/** Why a value cannot be a delay: not a duration the catalogue's parser reads, or no time at all. */
function durationProblem(value: string, example: string): string | undefined {
  try {
    return durationMs(value) > 0 ? undefined : `must be longer than zero, e.g. ${example}`;
  } catch {
    return `must be an ISO 8601 duration of the form PnW or PnDTnHnMnS with whole numbers, e.g. ${example}`;
  }
}

/**
 * A duration read by the catalogue's own parser (src/common/duration.ts), the one the timers
 * and report settings use: what passes here is what they can use. (Looser patterns let PT0.5S
 * through to crash start-up, and refused P1W, which the parser reads.)
 */
function IsPositiveDuration(example: string) {
  return ValidateBy({
    name: 'positiveDuration',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && durationProblem(value, example) === undefined,
      defaultMessage: (args) =>
        typeof args?.value === 'string' ? (durationProblem(args.value, example) ?? 'is invalid') : 'must be a string',
    },
  });
}

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
  @Matches(/^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?|[0-9A-Fa-f:.]+)$/, {
    message: 'must be an IP address or a host name, e.g. 127.0.0.1, or 0.0.0.0 for every interface',
  })
  HOST: string = '127.0.0.1';

  @ValidateBy({
    name: 'databaseUrl',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        (/^sqlite:.+$/.test(value) || (/^postgres(ql)?:\/\/.+$/.test(value) && parses(() => new URL(value)))),
      defaultMessage: () => 'must be sqlite:<path> or postgres://user:pass@host:port/db',
    },
  })
  DATABASE_URL: string = 'sqlite:var/lianfang.sqlite';

  // Read by the same function that connects, so what passes here is a URL the clients can use.
  @Transform(emptyToUndefined)
  @IsOptional()
  @ValidateBy({
    name: 'redisUrl',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && /^rediss?:\/\/.+/.test(value) && parses(() => redisOptionsFromUrl(value)),
      defaultMessage: () => 'must be a redis:// or rediss:// URL',
    },
  })
  REDIS_URL?: string;

  /** Where the embedded redis-server keeps its data (AOF) when REDIS_URL is unset. */
  @IsString()
  VAR_DIR: string = 'var';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'must be at least 24 characters (it is an admin credential)' })
  BOOTSTRAP_ADMIN_TOKEN?: string;

  /**
   * The bearer token a Prometheus scraper sends to `GET /metrics` (the operations metrics). Unset:
   * `/metrics` answers nothing but 404 to a scraper (README "Operations metrics").
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'must be at least 24 characters (openssl rand -hex 24)' })
  METRICS_TOKEN?: string;

  @IsIn(LOG_LEVELS as unknown as string[], { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  /** 32-byte key (base64) that encrypts channel secrets at rest; generated under VAR_DIR when unset. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be 32 bytes, base64-encoded (openssl rand -base64 32)' })
  SECRETS_KEY?: string;

  /** Key for the HMAC over the audit chain head, kept outside the database; generated under VAR_DIR when unset. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsBase64({}, { message: 'must be base64-encoded (32 bytes recommended)' })
  AUDIT_KEY?: string;

  /** Where the audit witness lives (AuditWitness); default VAR_DIR/keys/audit.witness, beside the generated keys. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  AUDIT_WITNESS_FILE?: string;

  /**
   * How often a signed checkpoint over the audit chain heads that moved is written (one process
   * writes it; the others skip the round). Between two checkpoints only the witness file records
   * the chains' new heads.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of seconds between 1 and 3600' })
  @Min(1, { message: 'must be a number of seconds between 1 and 3600' })
  @Max(3600, { message: 'must be a number of seconds between 1 and 3600' })
  AUDIT_CHECKPOINT_SECONDS: number = 60;

  @Transform(toInt)
  @IsInt({ message: 'must be a number of bytes between 1024 and 16777216' })
  @Min(1024, { message: 'must be a number of bytes between 1024 and 16777216' })
  @Max(16 * 1024 * 1024, { message: 'must be a number of bytes between 1024 and 16777216' })
  BODY_LIMIT_BYTES: number = 2 * 1024 * 1024;

  /**
   * How long a client may take to send a whole request, headers and body (Node answers 408 and
   * closes the connection). Node's default is 300 s, which let one slow body hold a connection
   * for five minutes; no legitimate client of this API needs more than a few seconds for 2 MiB.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of milliseconds between 100 and 600000' })
  @Min(100, { message: 'must be a number of milliseconds between 100 and 600000' })
  @Max(600_000, { message: 'must be a number of milliseconds between 100 and 600000' })
  HTTP_REQUEST_TIMEOUT_MS: number = 30_000;

  /** How long a client may take to send the request headers; at most HTTP_REQUEST_TIMEOUT_MS. */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of milliseconds between 100 and 600000' })
  @Min(100, { message: 'must be a number of milliseconds between 100 and 600000' })
  @Max(600_000, { message: 'must be a number of milliseconds between 100 and 600000' })
  HTTP_HEADERS_TIMEOUT_MS: number = 10_000;

  /**
   * How long an idle keep-alive connection stays open after a response. Behind a load balancer,
   * set it above the balancer's own idle timeout, or the balancer may reuse a closing connection.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of milliseconds between 100 and 600000' })
  @Min(100, { message: 'must be a number of milliseconds between 100 and 600000' })
  @Max(600_000, { message: 'must be a number of milliseconds between 100 and 600000' })
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number = 5_000;

  /** The requirement catalogue directory (YAML + schema/); unset means the one shipped in requirements/. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  REQUIREMENTS_DIR?: string;

  /**
   * Overrides of the product defaults in requirements/reporting-rules.yaml: when reminders fire
   * (fractions of a deadline's window, comma-separated) and how long each escalation step waits.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(0(\.\d+)?|1)(,(0(\.\d+)?|1))*$/, {
    message: 'must be comma-separated fractions between 0 and 1, e.g. 0.5,0.8',
  })
  REMINDER_FRACTIONS?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsPositiveDuration('PT15M')
  ESCALATION_STEP_DELAY?: string;

  /** Attempts per notification delivery (the first send included) before it is dead-lettered. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 50' })
  @Min(1, { message: 'must be an integer between 1 and 50' })
  @Max(50, { message: 'must be an integer between 1 and 50' })
  NOTIFY_MAX_ATTEMPTS: number = 6;

  /**
   * Deliveries in flight per worker process. Delivery waits on remote endpoints (up to the channel
   * timeout, 10 s by default), so a handful of slow or unreachable receivers must not hold up all
   * the others.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 256' })
  @Min(1, { message: 'must be an integer between 1 and 256' })
  @Max(256, { message: 'must be an integer between 1 and 256' })
  NOTIFY_CONCURRENCY: number = 32;

  /**
   * Timer jobs (reminders, deadlines, escalations) in flight per worker process. A job spends most
   * of its time waiting (Redis round trips, its turn in the write queue), so with too few in flight
   * a burst of deadlines falling due together is worked off later than it falls due; on SQLite the
   * jobs in flight together share transactions (TimerTransactions), up to 100 decisions in each.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 256' })
  @Min(1, { message: 'must be an integer between 1 and 256' })
  @Max(256, { message: 'must be an integer between 1 and 256' })
  TIMERS_CONCURRENCY: number = 100;

  /**
   * Operators per warning fan-out job: each job creates that many operators' workflows and feedback
   * clocks in one short transaction, so the database is free for other requests between batches.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 1000' })
  @Min(1, { message: 'must be an integer between 1 and 1000' })
  @Max(1000, { message: 'must be an integer between 1 and 1000' })
  WARNING_FANOUT_BATCH: number = 100;

  /**
   * Attempts per timer job (reminders, due times, escalation steps), the first included. A job whose
   * transaction fails (a lost database connection, a lock that timed out) runs again after
   * TIMER_BACKOFF_MS, doubled per attempt; its handlers change nothing when run twice.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 50' })
  @Min(1, { message: 'must be an integer between 1 and 50' })
  @Max(50, { message: 'must be an integer between 1 and 50' })
  TIMER_MAX_ATTEMPTS: number = 8;

  /** Base delay between a timer job's attempts (jittered, doubled per attempt, at most an hour). */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of milliseconds between 10 and 3600000' })
  @Min(10, { message: 'must be a number of milliseconds between 10 and 3600000' })
  @Max(3_600_000, { message: 'must be a number of milliseconds between 10 and 3600000' })
  TIMER_BACKOFF_MS: number = 1000;

  /**
   * Worker processes look this often (and at start-up) for incident deadlines still `pending` more than
   * this long after their due time — their due job was lost or failed for good — log each and decide
   * it as the due job would have.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of seconds between 1 and 3600' })
  @Min(1, { message: 'must be a number of seconds between 1 and 3600' })
  @Max(3600, { message: 'must be a number of seconds between 1 and 3600' })
  DEADLINE_SWEEP_SECONDS: number = 60;

  /**
   * Sent outbox rows (side effects already handed to the queues) are kept this many hours for
   * inspection, then deleted by the worker processes (OutboxPruner, hourly). Unsent rows are never.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of hours between 1 and 8760' })
  @Min(1, { message: 'must be a number of hours between 1 and 8760' })
  @Max(8760, { message: 'must be a number of hours between 1 and 8760' })
  OUTBOX_RETENTION_HOURS: number = 168;

  /** Base delay of the exponential backoff between delivery attempts (jittered, doubled per attempt). */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of milliseconds between 10 and 3600000' })
  @Min(10, { message: 'must be a number of milliseconds between 10 and 3600000' })
  @Max(3_600_000, { message: 'must be a number of milliseconds between 10 and 3600000' })
  NOTIFY_BACKOFF_MS: number = 2000;

  /** How long a report recipient has to acknowledge before escalation starts (product default). */
  @IsPositiveDuration('PT30M')
  REPORT_ACK_WITHIN: string = 'PT30M';

  /** First retry delay of an external report delivery; doubled per attempt, capped at one hour. */
  @IsPositiveDuration('PT30S')
  REPORT_DELIVERY_BACKOFF: string = 'PT30S';

  /** The shortest poll interval a TAXII subscription may ask for (feeds must not be hammered). */
  @IsPositiveDuration('PT5M')
  TAXII_MIN_POLL_INTERVAL: string = 'PT5M';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer from 1 to 20' })
  @Min(1, { message: 'must be an integer from 1 to 20' })
  @Max(20, { message: 'must be an integer from 1 to 20' })
  REPORT_DELIVERY_MAX_ATTEMPTS: number = 8;

  /**
   * Destinations outbound connections (webhooks, robots, SMTP, report delivery) may reach although
   * they are loopback, private, link-local or otherwise not public; see src/egress/egress-policy.ts
   * for the syntax. A deployment setting on purpose: no tenant can widen it.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @ValidateBy({
    name: 'egressAllow',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && egressAllowProblem(value) === undefined,
      defaultMessage: (args) =>
        typeof args?.value === 'string' ? (egressAllowProblem(args.value) ?? 'is invalid') : 'must be a string',
    },
  })
  EGRESS_ALLOW?: string;

  /**
   * Failed authentications (a token or enrolment code that matches nothing) allowed per source
   * address within AUTH_FAILURE_WINDOW_SECONDS before the source is locked out; 0 turns it off.
   * Counted in Redis, so the limit holds across every API process.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 100000 (0 turns it off)' })
  @Min(0, { message: 'must be an integer between 0 and 100000 (0 turns it off)' })
  @Max(100_000, { message: 'must be an integer between 0 and 100000 (0 turns it off)' })
  AUTH_FAILURES_PER_SOURCE: number = 20;

  /** The same per credential (the non-secret identifier at the start of a token or code); 0 turns it off. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 100000 (0 turns it off)' })
  @Min(0, { message: 'must be an integer between 0 and 100000 (0 turns it off)' })
  @Max(100_000, { message: 'must be an integer between 0 and 100000 (0 turns it off)' })
  AUTH_FAILURES_PER_CREDENTIAL: number = 10;

  @Transform(toInt)
  @IsInt({ message: 'must be a number of seconds between 1 and 86400' })
  @Min(1, { message: 'must be a number of seconds between 1 and 86400' })
  @Max(86_400, { message: 'must be a number of seconds between 1 and 86400' })
  AUTH_FAILURE_WINDOW_SECONDS: number = 600;

  /** How long a locked-out source or credential is answered 429 (with Retry-After). */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of seconds between 1 and 86400' })
  @Min(1, { message: 'must be a number of seconds between 1 and 86400' })
  @Max(86_400, { message: 'must be a number of seconds between 1 and 86400' })
  AUTH_LOCKOUT_SECONDS: number = 900;

  /**
   * Failed password or second-factor sign-ins allowed per username (whatever the source address)
   * within AUTH_FAILURE_WINDOW_SECONDS before that username is locked out; each further lock-out
   * of the same username within a day lasts twice as long (at most a day). 0 turns it off.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 100000 (0 turns it off)' })
  @Min(0, { message: 'must be an integer between 0 and 100000 (0 turns it off)' })
  @Max(100_000, { message: 'must be an integer between 0 and 100000 (0 turns it off)' })
  AUTH_FAILURES_PER_USERNAME: number = 5;

  /** A console session ends after this many minutes without a request. */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of minutes between 1 and 1440' })
  @Min(1, { message: 'must be a number of minutes between 1 and 1440' })
  @Max(1440, { message: 'must be a number of minutes between 1 and 1440' })
  SESSION_IDLE_MINUTES: number = 30;

  /** A console session ends this many hours after sign-in, however active. */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of hours between 1 and 720' })
  @Min(1, { message: 'must be a number of hours between 1 and 720' })
  @Max(720, { message: 'must be a number of hours between 1 and 720' })
  SESSION_ABSOLUTE_HOURS: number = 12;

  /**
   * Express's `trust proxy`: which reverse proxies may name the client address in X-Forwarded-For
   * (a hop count, or comma-separated addresses, CIDR ranges or `loopback`/`linklocal`/`uniquelocal`).
   * Unset: the socket's peer is the client. Behind a proxy, without it every client shares the
   * proxy's address, and one client's failures would lock all of them out.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(\d{1,2}|[0-9A-Za-z.:/]+(\s*,\s*[0-9A-Za-z.:/]+)*)$/, {
    message: 'must be a hop count or comma-separated addresses, CIDR ranges or loopback/linklocal/uniquelocal',
  })
  TRUST_PROXY?: string;

  /**
   * How often a live-update stream (`GET /api/v1/stream`) sends its `: ping` comment. Proxies and
   * browsers give up on a connection that stays silent for long (nginx after 60 s by default).
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of milliseconds between 100 and 600000' })
  @Min(100, { message: 'must be a number of milliseconds between 100 and 600000' })
  @Max(600_000, { message: 'must be a number of milliseconds between 100 and 600000' })
  LIVE_PING_MS: number = 15_000;

  /** The built web console served at `/`; unset means `<repo>/web/dist` (src/console/console-dir.ts). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  CONSOLE_DIR?: string;

  get databaseKind(): 'sqlite' | 'postgres' {
    return this.DATABASE_URL.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  }

  get sqlitePath(): string {
    return this.DATABASE_URL.slice('sqlite:'.length);
  }
}

function egressAllowProblem(value: string): string | undefined {
  try {
    parseEgressAllow(value);
    return undefined;
  } catch (err) {
    if (err instanceof EgressAllowSyntaxError)
      return `has a bad ${err.message} (comma-separated host[:port], *.domain, IP or CIDR; [IPv6]:port)`;
    throw err;
  }
}

export class ConfigError extends Error {}

/** Settings without a default (absent from `new AppConfig()`'s own keys). */
const OPTIONAL_KEYS = [
  'REDIS_URL',
  'BOOTSTRAP_ADMIN_TOKEN',
  'METRICS_TOKEN',
  'SECRETS_KEY',
  'AUDIT_KEY',
  'AUDIT_WITNESS_FILE',
  'REQUIREMENTS_DIR',
  'REMINDER_FRACTIONS',
  'ESCALATION_STEP_DELAY',
  'EGRESS_ALLOW',
  'TRUST_PROXY',
  'CONSOLE_DIR',
] as const;

/** Validates the environment; throws ConfigError with a single line naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const raw: Record<string, unknown> = {};
  for (const key of [...known, ...OPTIONAL_KEYS]) {
    if (env[key] !== undefined) raw[key] = env[key];
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    const first = errors[0];
    const message = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    const shown =
      first.property.includes('TOKEN') || first.property.includes('KEY')
        ? '(hidden)'
        : JSON.stringify(env[first.property]);
    throw new ConfigError(`Invalid configuration: ${first.property} ${message} (got ${shown})`);
  }
  // Node refuses a header timeout longer than the whole request's.
  if (config.HTTP_HEADERS_TIMEOUT_MS > config.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError(
      `Invalid configuration: HTTP_HEADERS_TIMEOUT_MS must not ` +
        `exceed HTTP_REQUEST_TIMEOUT_MS (` +
        `${config.HTTP_REQUEST_TIMEOUT_MS}) (got ` +
        `${JSON.stringify(env.HTTP_HEADERS_TIMEOUT_MS ?? String(config.HTTP_HEADERS_TIMEOUT_MS))}` +
        `)`,
    );
  }
  return config;
}
