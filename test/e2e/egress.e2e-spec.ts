import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { IncidentDriver, type Tokens } from '../support/incident-driver';
import { waitFor } from '../support/wait';
import { json, Receiver, startReceiver } from '../unit/notifications/support/http-receiver';

/**
 * The egress policy end to end, on a deployment WITHOUT an allow-list: the loopback receivers the
 * other suites reach through EGRESS_ALLOW=127.0.0.1 are refused here — at configuration time when
 * written as an address (in any form), at connect time when reached through a name — and nothing
 * ever arrives at them. Only loopback is ever connected to, and only by the receivers' own tests.
 */
describe('egress policy without EGRESS_ALLOW: loopback and other internal destinations are refused', () => {
  jest.setTimeout(60_000);
  let svc: TestService;
  let rx: Receiver;
  let smtp: SMTPServer;
  let smtpPort: number;
  let smtpConnections = 0;
  let tokens: Tokens;
  const SECRET = 'whsec-egress-0123456789';

  beforeAll(async () => {
    rx = await startReceiver((_req, res) => json(res, 200, { db_password: 'hunter2' }));
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onConnect(_session, cb) {
        smtpConnections++;
        cb();
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    svc = await startTestService({
      env: { NOTIFY_MAX_ATTEMPTS: '2', NOTIFY_BACKOFF_MS: '100', REPORT_DELIVERY_BACKOFF: 'PT1S' },
    });
    tokens = (
      await createOrg(svc, { name: 'Egress operator', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
        'admin',
        'leader',
        'commander',
        'responder',
        'liaison',
        'viewer',
      ])
    ).tokens as Tokens;
  });
  afterAll(async () => {
    await svc?.close();
    await rx?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  const port = () => Number(new URL(rx.baseUrl).port);
  const subscribe = (body: Record<string, unknown>) =>
    svc
      .http()
      .post('/api/v1/notification-subscriptions')
      .set(bearer(tokens.admin.token))
      .send({ events: ['incident.declared'], ...body });
  const hook = (url: string, extra: Record<string, unknown> = {}) =>
    subscribe({ name: 'h', channel: 'webhook', config: { url, ...extra }, secret: SECRET });

  it(
    'refuses internal addresses written into a config with a 400 naming ' + 'the field, before any connection',
    async () => {
      const refusals: Array<
        [Promise<{ status: number; body: { details: Array<{ field: string; messages: string[] }> } }>, string, RegExp]
      > = [
        [hook(`http://127.0.0.1:${port()}/hook`), 'config.url', /127\.0\.0\.1:\d+ is a loopback address/],
        [hook(`http://2130706433:${port()}/hook`), 'config.url', /loopback/],
        [hook(`http://0x7f.1:${port()}/hook`), 'config.url', /loopback/],
        [hook(`https://[::ffff:127.0.0.1]:${port()}/hook`), 'config.url', /loopback/],
        [hook(`https://0.0.0.0:${port()}/hook`), 'config.url', /unspecified/],
        [hook(`https://10.0.0.8/hook`), 'config.url', /private/],
        [hook(`https://[fd00::8]/hook`), 'config.url', /uniqueLocal/],
        // The tenant opt-in for plain http no longer opens anything but the scheme.
        [
          hook('http://169.254.169.254/latest/meta-data/', { allowInsecureHttp: true }),
          'config.url',
          /169\.254\.169\.254:80 is a linkLocal address/,
        ],
        [hook('http://100.64.0.1/hook', { allowInsecureHttp: true }), 'config.url', /carrierGradeNat/],
        [
          subscribe({
            name: 'w',
            channel: 'wecom',
            config: { url: `http://127.0.0.1:${port()}/cgi-bin/webhook/send?key=k-123456` },
          }),
          'config.url',
          /loopback/,
        ],
        [
          subscribe({
            name: 'm',
            channel: 'email',
            config: { host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, from: 'a@b.c', to: ['d@e.f'] },
          }),
          'config.host',
          /loopback/,
        ],
        [
          subscribe({
            name: 'm',
            channel: 'email',
            config: { host: '2130706433', port: smtpPort, secure: false, from: 'a@b.c', to: ['d@e.f'] },
          }),
          'config.host',
          /loopback/,
        ],
      ];
      for (const [pending, field, message] of refusals) {
        const res = await pending;
        expect(res.status).toBe(400);
        expect(res.body.details[0]!.field).toBe(field);
        expect(res.body.details[0]!.messages[0]).toMatch(message);
        expect(res.body.details[0]!.messages[0]).toMatch(/EGRESS_ALLOW does not name it/);
      }
      const recipient = await svc
        .http()
        .post('/api/v1/report-recipients')
        .set(bearer(tokens.admin.token))
        .send({
          kind: 'public-security',
          name: 'x',
          channel: 'webhook',
          config: { url: `http://127.0.0.1:${port()}/hook` },
          secret: SECRET,
        });
      expect(recipient.status).toBe(400);
      expect(recipient.body.details[0].field).toBe('config.url');
      expect(rx.requests).toHaveLength(0);
      expect(smtpConnections).toBe(0);
    },
  );

  it(
    'judges a name when connecting: localhost is accepted as configured, ' +
      'then refused on the address it resolves to',
    async () => {
      const res = await hook(`http://localhost:${port()}/hook`);
      expect(res.status).toBe(201);
      const mail = await subscribe({
        name: 'mail',
        channel: 'email',
        config: { host: 'localhost', port: smtpPort, secure: false, from: 'a@b.c', to: ['d@e.f'] },
      });
      expect(mail.status).toBe(201);
      const test = await svc
        .http()
        .post(`/api/v1/notification-subscriptions/${res.body.id}/test`)
        .set(bearer(tokens.admin.token))
        .expect(200);
      expect(test.body).toEqual({
        ok: false,
        retryable: false,
        deliveryId: expect.stringMatching(/^test\./),
        durationMs: expect.any(Number),
        error: expect.stringMatching(
          /^egress refused: localhost:\d+ resolves to a loopback address, and EGRESS_ALLOW does not name it$/,
        ),
      });
      const mailTest = await svc
        .http()
        .post(`/api/v1/notification-subscriptions/${mail.body.id}/test`)
        .set(bearer(tokens.admin.token))
        .expect(200);
      expect(mailTest.body).toMatchObject({
        ok: false,
        retryable: false,
        error: expect.stringMatching(/^EEGRESS egress refused: localhost:\d+ resolves to a loopback address/),
      });

      // A real delivery takes the same decision: failed at once (not retried), nothing sent.
      const declared = await svc
        .http()
        .post('/api/v1/incidents')
        .set(bearer(tokens.commander.token))
        .send(incidentInput())
        .expect(201);
      const log = await waitFor('deliveries settled', async () => {
        const r = await svc
          .http()
          .get(`/api/v1/incidents/${declared.body.id}/notifications`)
          .set(bearer(tokens.viewer.token))
          .expect(200);
        return r.body.length === 2 && r.body.every((d: { status: string }) => d.status !== 'queued')
          ? (r.body as Array<{ status: string; attempts: number; lastError: string }>)
          : undefined;
      });
      for (const d of log)
        expect(d).toMatchObject({
          status: 'failed',
          attempts: 1,
          lastError: expect.stringMatching(/egress refused: localhost:\d+ resolves to a loopback address/),
        });
      expect(rx.requests).toHaveLength(0);
      expect(smtpConnections).toBe(0);
      expect(JSON.stringify(test.body)).not.toContain('hunter2');
    },
  );

  it(
    'refuses report delivery to an internal destination reached by name, ' + 'and records why, without a retry',
    async () => {
      const rec = await svc
        .http()
        .post('/api/v1/report-recipients')
        .set(bearer(tokens.admin.token))
        .send({
          kind: 'public-security',
          name: '内部网关',
          channel: 'webhook',
          config: { url: `http://localhost:${port()}/report` },
          secret: SECRET,
        });
      expect(rec.status).toBe(201);
      const declared = await svc
        .http()
        .post('/api/v1/incidents')
        .set(bearer(tokens.commander.token))
        .send(incidentInput({ grade: 'II' }))
        .expect(201);
      const inc = new IncidentDriver(svc, tokens, declared.body.id);
      await inc.completePhase('triage');
      await inc.send('commander', { type: 'CONFIRM', grade: 'II' });
      const draft = await svc
        .http()
        .post(`/api/v1/incidents/${inc.id}/reports`)
        .set(bearer(tokens.liaison.token))
        .send({ kind: 'initial' })
        .expect(201);
      const fields: Record<string, string> = {};
      for (const code of draft.body.missingFields as string[]) fields[code] = `${code} 的内容`;
      await svc
        .http()
        .patch(`/api/v1/reports/${draft.body.id}`)
        .set(bearer(tokens.liaison.token))
        .send({ fields })
        .expect(200);
      await svc.http().post(`/api/v1/reports/${draft.body.id}/approve`).set(bearer(tokens.commander.token)).expect(200);
      // No protection department of this sector is in the deployment: the liaison reported to it by phone.
      const outOfBand = [{ recipientKind: 'protection-department', recipientName: '12387', means: 'phone' }];
      await svc
        .http()
        .post(`/api/v1/reports/${draft.body.id}/submit`)
        .set(bearer(tokens.liaison.token))
        .send({ outOfBand })
        .expect(200);
      const failed = await waitFor('report delivery failed', async () => {
        const r = await svc.http().get(`/api/v1/reports/${draft.body.id}`).set(bearer(tokens.viewer.token)).expect(200);
        const w = r.body.deliveries.find((x: { channel: string }) => x.channel === 'webhook');
        return w?.status === 'failed' ? w : undefined;
      });
      expect(failed.attempts).toBe(1);
      expect(failed.lastError).toMatch(/^egress refused: localhost:\d+ resolves to a loopback address/);
      expect(rx.requests).toHaveLength(0);
    },
  );
});
