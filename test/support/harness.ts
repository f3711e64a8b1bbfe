import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ServiceHandle, startService } from '../../src/bootstrap';
import { buildOpenApi } from '../../src/openapi';
import { OpenApiContract, type OpenApiDocument } from '../contract/openapi-contract';
import { watchServer } from '../contract/contract-recorder';
import { freePort } from '../../src/redis/local-redis';

export interface TestService {
  handle: ServiceHandle;
  app: INestApplication;
  /** supertest bound to the real HTTP server of the Nest app. */
  http: () => ReturnType<typeof request>;
  adminToken: string;
  dir: string;
  sqlitePath: string;
  close(): Promise<void>;
}

/**
 * Boots the real service as production does (startService): a fresh SQLite file in a temp
 * directory, an embedded redis-server on a free loopback port, migrations, bootstrap admin.
 */
export async function startTestService(
  opts: { workers?: boolean; env?: Record<string, string>; listen?: boolean } = {},
): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), 'lianfang-test-'));
  const adminToken = `test-admin-${randomBytes(16).toString('hex')}`;
  const sqlitePath = join(dir, 'db.sqlite');
  // TEST_DATABASE_URL=postgres://… runs the same suites against Postgres (schema reset first).
  const pgUrl = process.env.TEST_DATABASE_URL;
  if (pgUrl) await resetPostgres(pgUrl);
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: pgUrl ?? `sqlite:${sqlitePath}`,
    VAR_DIR: join(dir, 'var'),
    BOOTSTRAP_ADMIN_TOKEN: adminToken,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    TZ: 'UTC',
    ...(opts.listen ? { PORT: String(await freePort()), HOST: '127.0.0.1' } : {}),
    ...opts.env,
  };
  const handle = await startService({
    env,
    api: true,
    workers: opts.workers ?? true,
    listen: opts.listen ?? false,
    processName: 'test',
  });
  const app = handle.app as INestApplication;
  watchService(app);
  return {
    handle,
    app,
    http: () => request(app.getHttpServer()),
    adminToken,
    dir,
    sqlitePath,
    async close() {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Every response of the service's HTTP server is checked against the OpenAPI document the service
 * itself serves (test/contract/): an answer the document does not describe fails the test that got it.
 */
export function watchService(app: INestApplication): void {
  if (watchedApps.has(app)) return;
  watchedApps.add(app);
  const doc = buildOpenApi(app) as unknown as OpenApiDocument;
  watchServer(app.getHttpServer(), new OpenApiContract(doc));
}
const watchedApps = new WeakSet<INestApplication>();

/** supertest on a service started with startService directly, its answers checked like the harness's. */
export function serviceHttp(handle: ServiceHandle): ReturnType<typeof request> {
  const app = handle.app as INestApplication;
  watchService(app);
  return request(app.getHttpServer());
}

/** Empties the Postgres test database (TEST_DATABASE_URL) so a suite starts from no schema. */
export async function resetPostgres(url: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  } finally {
    await client.end();
  }
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface OrgWithToken {
  orgId: string;
  userId: string;
  token: string;
}

/** Creates an organisation through the admin API, with one user and token per requested role. */
export async function createOrg(
  svc: TestService,
  org: {
    name: string;
    kind: 'operator' | 'department';
    sector: string;
    operatorKind?: string;
    departmentKind?: string;
    region?: string;
  },
  roles: string[],
): Promise<{ orgId: string; tokens: Record<string, OrgWithToken> }> {
  const created = await svc
    .http()
    .post('/api/v1/admin/organisations')
    .set(bearer(svc.adminToken))
    .send(org)
    .expect(201);
  const orgId: string = created.body.id;
  const tokens: Record<string, OrgWithToken> = {};
  for (const role of roles) {
    const user = await svc
      .http()
      .post(`/api/v1/admin/organisations/${orgId}/users`)
      .set(bearer(svc.adminToken))
      .send({ name: `${role} of ${org.name}`, role })
      .expect(201);
    tokens[role] = { orgId, userId: user.body.id, token: await enrol(svc.http, svc.adminToken, user.body.id, role) };
  }
  return { orgId, tokens };
}

/**
 * A person's token the way the service hands it out: an admin issues an enrolment code and the
 * person redeems it (an admin may not issue tokens for another person).
 */
export async function enrol(
  http: () => ReturnType<typeof request>,
  adminToken: string,
  userId: string,
  tokenName: string,
): Promise<string> {
  const code = await http().post(`/api/v1/admin/users/${userId}/enrolment`).set(bearer(adminToken)).send().expect(201);
  const redeemed = await http().post('/api/v1/enrolments/redeem').send({ code: code.body.code, tokenName }).expect(201);
  return redeemed.body.token as string;
}

export const incidentInput = (overrides: Record<string, unknown> = {}) => ({
  title: '核心交易系统遭勒索软件加密',
  description: 'Files on three application servers were encrypted.',
  category: 'ransomware',
  grade: 'II',
  detectedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
  occurredAt: new Date(Date.now() - 30 * 60_000).toISOString(),
  affectedSystems: ['trade-app-01'],
  affectedBusiness: ['online trading'],
  ...overrides,
});
