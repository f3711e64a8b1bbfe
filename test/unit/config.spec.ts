import { ConfigError, loadConfig } from '../../src/config/app-config';
import { queueRetryOptions } from '../../src/queues/queues.module';
import { ReportsConfig } from '../../src/reports/reports-config';

describe('configuration', () => {
  it('has working defaults for the embedded mode', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBe('sqlite:var/lianfang.sqlite');
    expect(c.databaseKind).toBe('sqlite');
    expect(c.sqlitePath).toBe('var/lianfang.sqlite');
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.NOTIFY_CONCURRENCY).toBe(32);
    expect(c.SESSION_IDLE_MINUTES).toBe(30);
    expect(c.SESSION_ABSOLUTE_HOURS).toBe(12);
    expect(c.AUTH_FAILURES_PER_USERNAME).toBe(5);
  });

  it('accepts postgres and redis URLs', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/lf',
      REDIS_URL: 'redis://127.0.0.1:6380',
      PORT: '8080',
    });
    expect(c.databaseKind).toBe('postgres');
    expect(c.PORT).toBe(8080);
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6380');
  });

  it.each([
    ['PORT', 'abc', /^Invalid configuration: PORT must be an integer between 0 and 65535 \(got "abc"\)$/],
    ['PORT', '70000', /PORT must be an integer/],
    ['DATABASE_URL', 'mysql://x', /^Invalid configuration: DATABASE_URL must be sqlite:<path> or postgres:/],
    ['REDIS_URL', 'http://127.0.0.1:6379', /^Invalid configuration: REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    // Passed the patterns and then crashed start-up with a stack trace (Invalid URL, getaddrinfo).
    ['REDIS_URL', 'redis://[bad', /^Invalid configuration: REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['DATABASE_URL', 'postgres://u:p@[x', /^Invalid configuration: DATABASE_URL must be sqlite:<path> or postgres:/],
    ['HOST', 'bad host', /^Invalid configuration: HOST must be an IP address or a host name/],
    ['LOG_LEVEL', 'loud', /^Invalid configuration: LOG_LEVEL must be one of fatal, error/],
    [
      'BOOTSTRAP_ADMIN_TOKEN',
      'short',
      /^Invalid configuration: BOOTSTRAP_ADMIN_TOKEN must be at least 24 characters.*\(got \(hidden\)\)$/,
    ],
    ['SECRETS_KEY', Buffer.alloc(16).toString('base64'), /^Invalid configuration: SECRETS_KEY must be 32 bytes/],
    [
      'NOTIFY_CONCURRENCY',
      '0',
      /^Invalid configuration: NOTIFY_CONCURRENCY must be an integer between 1 and 256 \(got "0"\)$/,
    ],
    ['NOTIFY_CONCURRENCY', 'many', /^Invalid configuration: NOTIFY_CONCURRENCY must be an integer between 1 and 256/],
    [
      'AUTH_FAILURES_PER_SOURCE',
      '-1',
      /^Invalid configuration: AUTH_FAILURES_PER_SOURCE must be an integer between 0 and 100000 \(0 turns it off\)/,
    ],
    [
      'AUTH_FAILURES_PER_USERNAME',
      'x',
      /^Invalid configuration: AUTH_FAILURES_PER_USERNAME must be an integer between 0 and 100000 \(0 turns it off\)/,
    ],
    [
      'SESSION_IDLE_MINUTES',
      '0',
      /^Invalid configuration: SESSION_IDLE_MINUTES must be a number of minutes between 1 and 1440/,
    ],
    [
      'SESSION_ABSOLUTE_HOURS',
      '721',
      /^Invalid configuration: SESSION_ABSOLUTE_HOURS must be a number of hours between 1 and 720/,
    ],
    [
      'AUTH_LOCKOUT_SECONDS',
      '0',
      /^Invalid configuration: AUTH_LOCKOUT_SECONDS must be a number of seconds between 1 and 86400/,
    ],
    [
      'TRUST_PROXY',
      '10.0.0.0/8; rm',
      /^Invalid configuration: TRUST_PROXY must be a hop count or comma-separated addresses/,
    ],
    // Passed the old pattern and then crashed start-up with a stack trace.
    [
      'ESCALATION_STEP_DELAY',
      'PT0.5S',
      new RegExp(
        '^Invalid configuration: ESCALATION_STEP_DELAY must be an ISO 8601 duration ' +
          'of the form PnW or PnDTnHnMnS with whole numbers',
      ),
    ],
    ['ESCALATION_STEP_DELAY', 'PT0S', /^Invalid configuration: ESCALATION_STEP_DELAY must be longer than zero/],
    // The report settings passed a pattern of their own and then crashed start-up in ReportsConfig.
    [
      'REPORT_ACK_WITHIN',
      'PT0.5S',
      /^Invalid configuration: REPORT_ACK_WITHIN must be an ISO 8601 duration of the form/,
    ],
    ['REPORT_ACK_WITHIN', 'P0D', /^Invalid configuration: REPORT_ACK_WITHIN must be longer than zero/],
    [
      'REPORT_DELIVERY_BACKOFF',
      'PT1.5S',
      /^Invalid configuration: REPORT_DELIVERY_BACKOFF must be an ISO 8601 duration/,
    ],
    ['REPORT_DELIVERY_BACKOFF', '30s', /^Invalid configuration: REPORT_DELIVERY_BACKOFF must be an ISO 8601 duration/],
    [
      'ESCALATION_STEP_DELAY',
      '15 minutes',
      /^Invalid configuration: ESCALATION_STEP_DELAY must be an ISO 8601 duration/,
    ],
  ])('rejects %s=%s with one line naming the variable', (name, value, pattern) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
  });

  it('accepts every escalation step delay the timers can use, weeks included (the old pattern refused P1W)', () => {
    for (const value of ['PT15M', 'PT1S', 'P1W', 'P1DT2H'])
      expect(loadConfig({ ESCALATION_STEP_DELAY: value }).ESCALATION_STEP_DELAY).toBe(value);
  });

  it('reads the report durations with the same parser: weeks accepted, as ReportsConfig and the queue use them', () => {
    const c = loadConfig({ REPORT_ACK_WITHIN: 'P1W', REPORT_DELIVERY_BACKOFF: 'PT45S' });
    expect([c.REPORT_ACK_WITHIN, c.REPORT_DELIVERY_BACKOFF]).toEqual(['P1W', 'PT45S']);
    expect(new ReportsConfig(c).ackWithinMs).toBe(7 * 24 * 3600_000);
    expect(queueRetryOptions(c).deliveries).toMatchObject({ backoff: { delay: 45_000 } });
  });

  it('never echoes a secret value in the error', () => {
    expect(() => loadConfig({ BOOTSTRAP_ADMIN_TOKEN: 'secret123' })).toThrow(/\(got \(hidden\)\)/);
    expect(() => loadConfig({ BOOTSTRAP_ADMIN_TOKEN: 'secret123' })).not.toThrow(/secret123/);
  });

  it('accepts the hosts a server listens on', () => {
    for (const host of ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost', 'api.internal'])
      expect(loadConfig({ HOST: host }).HOST).toBe(host);
  });

  it('treats an empty REDIS_URL as unset', () => {
    expect(loadConfig({ REDIS_URL: '' }).REDIS_URL).toBeUndefined();
  });

  it("sets HTTP timeouts far below Node's defaults, configurable, headers within the request", () => {
    const defaults = loadConfig({});
    expect([
      defaults.HTTP_REQUEST_TIMEOUT_MS,
      defaults.HTTP_HEADERS_TIMEOUT_MS,
      defaults.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    ]).toEqual([30_000, 10_000, 5_000]);
    expect(
      loadConfig({
        HTTP_REQUEST_TIMEOUT_MS: '60000',
        HTTP_HEADERS_TIMEOUT_MS: '20000',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
      }),
    ).toMatchObject({
      HTTP_REQUEST_TIMEOUT_MS: 60_000,
      HTTP_HEADERS_TIMEOUT_MS: 20_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 65_000,
    });
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '0' })).toThrow(
      /^Invalid configuration: HTTP_REQUEST_TIMEOUT_MS must be a number of milliseconds between 100 and 600000/,
    );
    expect(() => loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: 'soon' })).toThrow(/HTTP_KEEP_ALIVE_TIMEOUT_MS/);
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000' })).toThrow(
      /^Invalid configuration: HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS/,
    );
  });
});
