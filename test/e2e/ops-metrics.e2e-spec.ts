import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { bearer, createOrg, incidentInput, startTestService, type TestService } from '../support/harness';

const METRICS_TOKEN = 'metrics-token-for-the-test-0123456789';

/**
 * `GET /metrics` (README "Operations metrics"): the Prometheus text format, read by a parser of that
 * format, with the series the people who run the service need; refused without METRICS_TOKEN.
 */
describe('operations metrics for Prometheus', () => {
  jest.setTimeout(90_000);
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService({ env: { METRICS_TOKEN } });
  });
  afterAll(async () => svc?.close());

  const scrape = () => svc.http().get('/metrics').set(bearer(METRICS_TOKEN)).expect(200);

  it('refuses a caller without the token, with a wrong one, and with an API token', async () => {
    const none = await svc.http().get('/metrics').expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(none.text).not.toContain('lianfang_');
    await svc.http().get('/metrics').set(bearer('metrics-token-for-the-test-0123456780')).expect(401);
    await svc.http().get('/metrics').set(bearer(svc.adminToken)).expect(401);
    await svc.http().get('/metrics').set({ Authorization: METRICS_TOKEN }).expect(401);
  });

  it('serves every series in the Prometheus text format', async () => {
    const op = await createOrg(svc, { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
      'commander',
    ]);
    await svc.http().post('/api/v1/incidents').set(bearer(op.tokens.commander.token)).send(incidentInput()).expect(201);
    await svc
      .http()
      .get('/api/v1/incidents/00000000-0000-4000-8000-000000000000')
      .set(bearer(op.tokens.commander.token))
      .expect(404);

    const res = await scrape();
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = new Map(parsePrometheusTextFormat(res.text).map((f) => [f.name, f]));
    expect([...families.keys()].sort()).toEqual([
      'lianfang_db_transaction_duration_seconds',
      'lianfang_db_transaction_retries_total',
      'lianfang_db_transactions_committed_total',
      'lianfang_db_transactions_exhausted_total',
      'lianfang_http_request_duration_seconds',
      'lianfang_notification_deliveries',
      'lianfang_outbox_backlog',
      'lianfang_outbox_oldest_age_seconds',
      'lianfang_queue_jobs',
      'lianfang_timer_lateness_seconds',
    ]);

    expect(families.get('lianfang_http_request_duration_seconds')!.type).toBe('HISTOGRAM');
    // The parser folds a histogram's label sets into one (it keys buckets by `le` alone), so each
    // histogram's `_count` samples are read as samples of their own: still this parser's grammar.
    const counts = (histogram: string) =>
      parsePrometheusTextFormat(
        res.text
          .split('\n')
          .filter((line) => line.startsWith(`${histogram}_count{`))
          .join('\n') + '\n',
      )[0]?.metrics ?? [];
    const http = counts('lianfang_http_request_duration_seconds');
    const declared = http.find(
      (m) => m.labels?.route === '/api/v1/incidents' && m.labels?.method === 'POST' && m.labels?.status === '201',
    );
    expect(Number(declared?.value)).toBeGreaterThanOrEqual(1);
    // Routes by template, never by the ids in the path.
    const byId = http.find((m) => m.labels?.route === '/api/v1/incidents/:id' && m.labels?.status === '404');
    expect(Number(byId?.value)).toBe(1);
    expect(http.every((m) => !/[0-9a-f]{8}-[0-9a-f]{4}/.test(m.labels?.route ?? ''))).toBe(true);

    const queues = families.get('lianfang_queue_jobs')!;
    for (const queue of ['timers', 'notifications', 'deliveries', 'taxii'])
      for (const state of ['waiting', 'active', 'delayed', 'failed'])
        expect(queues.metrics.some((m) => m.labels?.queue === queue && m.labels?.state === state)).toBe(true);
    expect(queues.metrics.every((m) => Number.isInteger(Number(m.value)) && Number(m.value) >= 0)).toBe(true);

    const deliveries = families.get('lianfang_notification_deliveries')!;
    expect(deliveries.metrics.map((m) => m.labels?.status).sort()).toEqual(['dead', 'delivered', 'failed', 'queued']);
    expect(Number(families.get('lianfang_outbox_backlog')!.metrics[0].value)).toBeGreaterThanOrEqual(0);
    const committed = counts('lianfang_db_transaction_duration_seconds').find((m) => m.labels?.outcome === 'committed');
    expect(Number(committed?.value)).toBeGreaterThan(0);
    expect(Number(families.get('lianfang_db_transactions_committed_total')!.metrics[0].value)).toBeGreaterThan(0);
  });
});
