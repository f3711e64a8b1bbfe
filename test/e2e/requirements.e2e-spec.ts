import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService } from '../../src/bootstrap';
import { CatalogueError } from '../../src/requirements/catalogue';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { openStorage } from '../support/storage';

const ROOT = join(__dirname, '..', '..');

/** A copy of the shipped catalogue with GBT39204-11.3-a moved to a clause chapter 11 does not have. */
function brokenCatalogueCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lianfang-req-'));
  cpSync(join(ROOT, 'requirements'), dir, { recursive: true });
  const file = join(dir, 'gbt39204.yaml');
  const text = readFileSync(file, 'utf8');
  const broken = text.replace(/(- id: GBT39204-11\.3-a\n\s+clause: )"11\.3"/, '$1"11.9"');
  if (broken === text) throw new Error('test setup: GBT39204-11.3-a not found in gbt39204.yaml');
  writeFileSync(file, broken);
  return dir;
}

function run(
  args: string[],
  opts: { env?: Record<string, string>; stdin?: string } = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    child.stderr.on('data', (d) => (err += d.toString()));
    child.stdin.end(opts.stdin ?? '');
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

interface Item {
  id: string;
  source: string;
  clause: string;
  chapter: { number: string } | null;
  tags: string[];
  actor: string;
}

describe('requirements API (real app)', () => {
  let svc: TestService;
  let operator: Awaited<ReturnType<typeof createOrg>>;
  let department: Awaited<ReturnType<typeof createOrg>>;
  let token: string;

  beforeAll(async () => {
    svc = await startTestService({ workers: false });
    operator = await createOrg(
      svc,
      { name: 'Grid operator', kind: 'operator', sector: 'energy', operatorKind: 'cii' },
      ['viewer', 'commander', 'liaison'],
    );
    department = await createOrg(svc, { name: 'Energy department', kind: 'department', sector: 'energy' }, [
      'department-officer',
    ]);
    token = operator.tokens.viewer.token;
  });

  afterAll(async () => {
    await svc?.close();
  });

  it('every endpoint needs a bearer token', async () => {
    for (const path of [
      '/api/v1/requirements',
      '/api/v1/requirements/coverage',
      '/api/v1/requirements/GBT39204-11.3-b',
      '/api/v1/taxonomy',
      '/api/v1/reporting-rules',
    ]) {
      const res = await svc.http().get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
    await svc.http().post('/api/v1/grade-suggestions').send({ ciiWholeOutageMinutes: 10 }).expect(401);
  });

  it('any role of either organisation kind may read', async () => {
    const asDept = await svc
      .http()
      .get('/api/v1/requirements?tag=sharing')
      .set(bearer(department.tokens['department-officer'].token))
      .expect(200);
    expect(asDept.body.length).toBeGreaterThan(0);
    await svc.http().get('/api/v1/taxonomy').set(bearer(operator.tokens.commander.token)).expect(200);
  });

  describe('GET /api/v1/requirements', () => {
    it('lists the whole catalogue with clause and chapter titles', async () => {
      const res = await svc.http().get('/api/v1/requirements').set(bearer(token)).expect(200);
      const items: Item[] = res.body;
      expect(new Set(items.map((i) => i.source))).toEqual(new Set(['GBT39204', 'NCIRM-2025', 'CIIPR-2021']));
      const item = items.find((i) => i.id === 'GBT39204-11.3-b');
      expect(item).toMatchObject({
        id: 'GBT39204-11.3-b',
        source: 'GBT39204',
        document: { id: 'GBT39204-2022', title: { zh: expect.any(String), en: expect.any(String) } },
        clause: '11.3',
        clauseRef: { number: '11.3', title: { zh: expect.any(String), en: expect.any(String) } },
        chapter: { number: '11', title: { zh: expect.any(String), en: expect.any(String) } },
        title: { zh: expect.any(String), en: expect.any(String) },
        summary: { zh: expect.any(String), en: expect.any(String) },
        actor: 'operator',
        confidence: expect.stringMatching(/^(confirmed|unverified)$/),
        provenance: expect.any(String),
      });
      const art = items.find((i) => i.id === 'NCIRM-2025-4-cii');
      expect(art).toMatchObject({ source: 'NCIRM-2025', clause: 'Art. 4', chapter: null, clauseRef: null });
    });

    it('chapter=11 returns exactly the GBT39204-11.* items', async () => {
      const all: Item[] = (await svc.http().get('/api/v1/requirements').set(bearer(token)).expect(200)).body;
      const expected = all.filter((i) => i.id.startsWith('GBT39204-11.')).map((i) => i.id);
      expect(expected.length).toBeGreaterThanOrEqual(10);
      const res = await svc.http().get('/api/v1/requirements?chapter=11').set(bearer(token)).expect(200);
      expect(res.body.map((i: Item) => i.id)).toEqual(expected);
      expect(res.body.every((i: Item) => i.chapter?.number === '11')).toBe(true);
    });

    it('tag, actor and source filters narrow and combine', async () => {
      const sharing: Item[] = (await svc.http().get('/api/v1/requirements?tag=sharing').set(bearer(token)).expect(200))
        .body;
      expect(sharing.map((i) => i.id)).toContain('GBT39204-10.4-b');
      expect(sharing.every((i) => i.tags.includes('sharing'))).toBe(true);

      const reporting: Item[] = (
        await svc
          .http()
          .get('/api/v1/requirements?tag=reporting&source=NCIRM-2025&actor=operator')
          .set(bearer(token))
          .expect(200)
      ).body;
      expect(reporting.map((i) => i.id)).toEqual(
        expect.arrayContaining(['NCIRM-2025-4-cii', 'NCIRM-2025-4-organ', 'NCIRM-2025-4-other']),
      );
      expect(reporting.map((i) => i.id)).not.toContain('NCIRM-2025-4-onward'); // the department's duty
      expect(
        reporting.every((i) => i.source === 'NCIRM-2025' && i.actor === 'operator' && i.tags.includes('reporting')),
      ).toBe(true);

      const cii: Item[] = (
        await svc.http().get('/api/v1/requirements?source=CIIPR-2021').set(bearer(token)).expect(200)
      ).body;
      expect(cii.map((i) => i.id)).toEqual(['CIIPR-2021-18', 'CIIPR-2021-24', 'CIIPR-2021-25', 'CIIPR-2021-40']);
    });

    it('well-formed values that match nothing give an empty list', async () => {
      await svc.http().get('/api/v1/requirements?chapter=99').set(bearer(token)).expect(200, []);
      await svc.http().get('/api/v1/requirements?tag=no-such-tag').set(bearer(token)).expect(200, []);
    });

    it('400 naming the field for a malformed or unknown filter', async () => {
      const cases: Array<[string, string]> = [
        ['chapter=abc', 'chapter'],
        ['tag=Not%20A%20Tag', 'tag'],
        ['actor=ceo', 'actor'],
        ['source=ISO27001', 'source'],
        ['chapter=11&colour=red', 'colour'],
      ];
      for (const [query, field] of cases) {
        const res = await svc.http().get(`/api/v1/requirements?${query}`).set(bearer(token));
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      }
    });
  });

  describe('GET /api/v1/requirements/:id', () => {
    it('returns the item with the workflow places citing it', async () => {
      const res = await svc.http().get('/api/v1/requirements/GBT39204-11.3-b').set(bearer(token)).expect(200);
      expect(res.body).toMatchObject({ id: 'GBT39204-11.3-b', clause: '11.3' });
      expect(res.body.citedBy.length).toBeGreaterThan(0);
      for (const c of res.body.citedBy) {
        expect(c).toEqual({
          requirementId: 'GBT39204-11.3-b',
          workflowId: expect.any(String),
          version: expect.any(Number),
          kind: expect.stringMatching(/^(state|step|event)$/),
          path: expect.any(String),
        });
      }
    });

    it('404 for an unknown id', async () => {
      const res = await svc.http().get('/api/v1/requirements/GBT39204-99.9-z').set(bearer(token));
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({
        statusCode: 404,
        error: 'Not Found',
        message: expect.stringContaining('GBT39204-99.9-z'),
      });
    });
  });

  describe('GET /api/v1/requirements/coverage', () => {
    it('is not captured by :id and lists every chapter-11 and sharing item as covered', async () => {
      const res = await svc.http().get('/api/v1/requirements/coverage').set(bearer(token)).expect(200);
      const { rows, uncovered, unknown, total, covered } = res.body as {
        rows: Array<{ requirementId: string; citedBy: unknown[] }>;
        uncovered: string[];
        unknown: unknown[];
        total: number;
        covered: number;
      };
      const all: Item[] = (await svc.http().get('/api/v1/requirements').set(bearer(token)).expect(200)).body;
      expect(rows.map((r) => r.requirementId)).toEqual(all.map((i) => i.id));
      expect(total).toBe(rows.length);
      expect(covered).toBe(rows.length - uncovered.length);
      expect(unknown).toEqual([]);
      const mandatory = all
        .filter((i) => i.id.startsWith('GBT39204-11.') || i.tags.includes('sharing'))
        .map((i) => i.id);
      expect(mandatory.filter((id) => uncovered.includes(id))).toEqual([]);
      for (const id of mandatory) expect(rows.find((r) => r.requirementId === id)!.citedBy.length).toBeGreaterThan(0);
    });
  });

  describe('GET /api/v1/taxonomy', () => {
    it('returns categories with parents and children, grades with criteria, warning levels', async () => {
      const res = await svc.http().get('/api/v1/taxonomy').set(bearer(token)).expect(200);
      const cats = res.body.categories as Array<{ code: string; parent: string | null; children: string[] }>;
      expect(cats.find((c) => c.code === 'ransomware')).toMatchObject({ parent: 'malware', children: [] });
      expect(cats.find((c) => c.code === 'network-attack')!.children).toEqual(
        expect.arrayContaining(['intrusion', 'ddos', 'web-defacement', 'supply-chain-compromise']),
      );
      expect(res.body.grades.map((g: { code: string }) => g.code)).toEqual(['I', 'II', 'III', 'IV']);
      expect(res.body.grades[0].criteria.length).toBeGreaterThan(0);
      expect(res.body.earlyWarningLevels.map((l: { code: string }) => l.code)).toEqual([
        'red',
        'orange',
        'yellow',
        'blue',
      ]);
    });
  });

  describe('GET /api/v1/reporting-rules', () => {
    it('without filters lists one rule per operator kind', async () => {
      const res = await svc.http().get('/api/v1/reporting-rules').set(bearer(token)).expect(200);
      expect(res.body.rules.map((r: { operatorKind: string }) => r.operatorKind).sort()).toEqual([
        'cii',
        'organ',
        'other',
      ]);
      expect(res.body.calendar).toMatchObject({ timeZone: 'Asia/Shanghai' });
      // The public holidays and make-up working days each working-day deadline counts, with their source.
      const y2026 = res.body.calendar.years.find((y: { year: number }) => y.year === 2026);
      expect(y2026).toMatchObject({
        source: expect.stringContaining('2026'),
        workdays: expect.arrayContaining(['2026-02-14', '2026-02-28']),
      });
      expect(y2026.holidays).toContainEqual({ name: '春节', from: '2026-02-15', to: '2026-02-23' });
      expect(res.body.reportMandatory).toBeUndefined();
    });

    it('cii + II: PT1H initial report due one hour after detectedAt', async () => {
      const res = await svc
        .http()
        .get('/api/v1/reporting-rules?operatorKind=cii&grade=II&detectedAt=2026-11-25T02:10:00Z')
        .set(bearer(token))
        .expect(200);
      expect(res.body.reportMandatory).toBe(true);
      expect(res.body.rules).toHaveLength(1);
      const rule = res.body.rules[0];
      expect(rule).toMatchObject({ id: 'RR-cii', operatorKind: 'cii' });
      expect(rule.reports.initial).toMatchObject({
        within: 'PT1H',
        clockStartsAt: 'detectedAt',
        dueAt: '2026-11-25T03:10:00.000Z',
      });
      const codes = rule.reports.initial.requiredFields.map((f: { code: string }) => f.code);
      expect(codes).toEqual(expect.arrayContaining(['organisation', 'detectedAt', 'grade', 'ransomDetails']));
      expect(
        rule.reports.initial.requiredFields.find((f: { code: string }) => f.code === 'ransomDetails').requiredWhen,
      ).toEqual({ category: ['ransomware'] });
      // The final report's clock starts when handling ends, which a query cannot know.
      expect(rule.reports.final.dueAt).toBeUndefined();
      expect(rule.reports.onward).toMatchObject({ within: 'PT30M', grades: ['I', 'II'] });
    });

    it('other operators get PT4H; a category resolves conditional fields', async () => {
      const res = await svc
        .http()
        .get(
          '/api/v1/reporting-rules?operatorKind=other&grade=III&detectedAt=2026-11-25T23:30:00%2B08:00&category=ddos',
        )
        .set(bearer(token))
        .expect(200);
      const initial = res.body.rules[0].reports.initial;
      expect(initial).toMatchObject({ within: 'PT4H', dueAt: '2026-11-25T19:30:00.000Z' });
      expect(initial.requiredFields.map((f: { code: string }) => f.code)).not.toContain('ransomDetails');
      const ransom = await svc
        .http()
        .get('/api/v1/reporting-rules?operatorKind=other&grade=III&category=ransomware')
        .set(bearer(token))
        .expect(200);
      expect(ransom.body.rules[0].reports.initial.requiredFields.map((f: { code: string }) => f.code)).toContain(
        'ransomDetails',
      );
    });

    it('grade IV: no mandatory report', async () => {
      const res = await svc
        .http()
        .get('/api/v1/reporting-rules?operatorKind=cii&grade=IV')
        .set(bearer(token))
        .expect(200);
      expect(res.body).toMatchObject({ reportMandatory: false, rules: [] });
    });

    it('400 naming the field for bad values', async () => {
      const cases: Array<[string, string]> = [
        ['operatorKind=bank', 'operatorKind'],
        ['grade=V', 'grade'],
        ['detectedAt=yesterday', 'detectedAt'],
        ['category=no-such-category', 'category'],
        ['operatorKind=cii&limit=1', 'limit'],
      ];
      for (const [query, field] of cases) {
        const res = await svc.http().get(`/api/v1/reporting-rules?${query}`).set(bearer(token));
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      }
    });
  });

  describe('POST /api/v1/grade-suggestions', () => {
    const auditCount = async () => {
      const db = await openStorage(svc.sqlitePath, { readonly: true });
      try {
        return Number((await db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM audit_entry'))!.n);
      } finally {
        await db.close();
      }
    };

    const suggest = (body: Record<string, unknown>) =>
      svc.http().post('/api/v1/grade-suggestions').set(bearer(token)).send(body);
    const firedIds = (res: { body: { fired: Array<{ ruleId: string }> } }) => res.body.fired.map((f) => f.ruleId);

    it(
      'a whole-CII outage of six hours suggests I (guide 一, item 2), citing ' + 'the item; nothing is written',
      async () => {
        const before = await auditCount();
        const res = await suggest({ ciiWholeOutageMinutes: 360 }).expect(200);
        expect(res.body.grade).toBe('I');
        expect(firedIds(res)).toEqual(['GS-I-cii-outage', 'GS-II-cii-outage', 'GS-III-cii-outage']);
        expect(res.body.fired[0]).toEqual({
          ruleId: 'GS-I-cii-outage',
          grade: 'I',
          rationale: { zh: expect.any(String), en: expect.any(String) },
          confidence: 'confirmed',
          source: expect.stringContaining('https://wlzx.gzy.edu.cn/info/1098/1576.htm'),
        });
        // The grade II rule's number is the 2023 draft's, and the answer says so.
        expect(res.body.fired[1]).toMatchObject({
          confidence: 'unverified',
          note: expect.stringContaining('2023 draft value'),
        });
        expect(res.body.confidence).toBe('unverified');
        expect(await auditCount()).toBe(before);
      },
    );

    it('grade III starts at ten minutes of whole outage; nine minutes is IV', async () => {
      expect((await suggest({ ciiWholeOutageMinutes: 10 }).expect(200)).body).toMatchObject({
        grade: 'III',
        fired: [{ ruleId: 'GS-III-cii-outage' }],
      });
      expect((await suggest({ ciiMainFunctionOutageMinutes: 30 }).expect(200)).body.grade).toBe('III');
      expect(
        (await suggest({ ciiWholeOutageMinutes: 9, ciiMainFunctionOutageMinutes: 29 }).expect(200)).body,
      ).toMatchObject({ grade: 'IV', fired: [] });
    });

    it('persons whose personal information leaked: 1000万 is II, one fewer is III', async () => {
      const at = await suggest({ personalInfoPersons: 10_000_000 }).expect(200);
      expect(at.body.grade).toBe('II');
      expect(at.body.fired.find((f: { ruleId: string }) => f.ruleId === 'GS-II-personal-info')).toMatchObject({
        confidence: 'confirmed',
      });
      expect((await suggest({ personalInfoPersons: 9_999_999 }).expect(200)).body.grade).toBe('III');
    });

    it('a provincial portal down a full day, and half of a province affected, are grade I', async () => {
      const portal = await suggest({ siteKind: 'provincial-government-portal', siteUnreachableHours: 24 }).expect(200);
      expect(firedIds(portal)).toEqual(['GS-I-site-unreachable', 'GS-II-site-unreachable', 'GS-III-site-unreachable']);
      const other = await suggest({ siteKind: 'other', siteUnreachableHours: 24 }).expect(200);
      expect(other.body).toMatchObject({ grade: 'IV', fired: [] });
      expect((await suggest({ provincePopulationSharePercent: 50 }).expect(200)).body.grade).toBe('I');
      expect((await suggest({ defacementSpreadDetermined: 'especially-wide' }).expect(200)).body.grade).toBe('I');
    });

    it('an incident declared with the facts gets them, labelled, in its report draft', async () => {
      const impact = {
        personalInfoPersons: 1_500_000,
        dataThreat: 'relatively-serious',
        ciiMainFunctionOutageMinutes: 45,
      };
      const declared = await svc
        .http()
        .post('/api/v1/incidents')
        .set(bearer(operator.tokens.commander.token))
        .send(incidentInput({ category: 'data-theft', grade: 'III', description: '客户数据被窃取', impact }))
        .expect(201);
      expect(declared.body.impact).toEqual(impact);
      const draft = await svc
        .http()
        .post(`/api/v1/incidents/${declared.body.id}/reports`)
        .set(bearer(operator.tokens.liaison.token))
        .send({ kind: 'initial' });
      expect(draft.status).toBe(201);
      expect(draft.body.fields.impact).toBe(
        // In the catalogue's order of facts, whatever order they were entered in.
        '客户数据被窃取；关键信息基础设施主要功能中断运行时长（分钟）：45；' +
          '数据（核心数据、重要数据、个人信息等）丢失、泄露或被窃取、篡改、假冒对国家安全和社会稳定构成的威胁：较严重威胁；' +
          '个人信息被泄露的公民人数（按人计，不按条数）：1500000',
      );
      expect(draft.body.fields.category).toBe('数据窃取事件（data-theft）');
    });

    it('no facts: the default grade with nothing fired', async () => {
      const res = await suggest({}).expect(200);
      expect(res.body).toMatchObject({ grade: 'IV', fired: [] });
    });

    it('400 naming the field for a bad, unknown or no longer accepted fact', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ ciiWholeOutageMinutes: 'long' }, 'ciiWholeOutageMinutes'],
        [{ ciiMainFunctionOutageMinutes: -1 }, 'ciiMainFunctionOutageMinutes'],
        [{ siteKind: 'county-portal' }, 'siteKind'],
        [{ dataThreat: 'catastrophic' }, 'dataThreat'],
        [{ provincePopulationSharePercent: 120 }, 'provincePopulationSharePercent'],
        [{ personalInfoPersons: 2.5 }, 'personalInfoPersons'],
        [{ hostsOnFire: 3 }, 'hostsOnFire'],
        // Facts of the earlier rule set, no longer accepted (stored incidents keep them as text).
        [{ outageHours: 8 }, 'outageHours'],
        [{ ciiAffected: true }, 'ciiAffected'],
        [{ personalRecordsAffected: 1_000_000 }, 'personalRecordsAffected'],
      ];
      for (const [body, field] of cases) {
        const res = await suggest(body);
        expect({ field, status: res.status }).toEqual({ field, status: 400 });
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      }
    });
  });

  it('documents the routes in OpenAPI under the requirements tag', async () => {
    const res = await svc.http().get('/api/docs-json').expect(200);
    for (const path of [
      '/api/v1/requirements',
      '/api/v1/requirements/coverage',
      '/api/v1/requirements/{id}',
      '/api/v1/taxonomy',
      '/api/v1/reporting-rules',
      '/api/v1/grade-suggestions',
    ]) {
      const ops = Object.values(res.body.paths[path] ?? {}) as Array<{ tags: string[] }>;
      expect({ path, tags: ops[0]?.tags }).toEqual({ path, tags: ['requirements'] });
    }
  });
});

describe('a broken requirement catalogue stops start-up', () => {
  jest.setTimeout(60_000);
  let dir: string;
  beforeAll(() => {
    dir = brokenCatalogueCopy();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // startService directly rather than startTestService: the harness cannot clean up after a failed start.
  // On a SQLite file whatever TEST_DATABASE_URL says: the catalogue stops the start-up before any
  // database is opened, so which one does not matter.
  const start = (requirementsDir: string) => {
    const work = mkdtempSync(join(tmpdir(), 'lianfang-req-start-'));
    const env = {
      REQUIREMENTS_DIR: requirementsDir,
      DATABASE_URL: `sqlite:${join(work, 'db.sqlite')}`,
      VAR_DIR: join(work, 'var'),
      LOG_LEVEL: 'silent',
    };
    const started = startService({ env, api: true, workers: true, listen: false, processName: 'test' });
    return started.finally(() => rmSync(work, { recursive: true, force: true }));
  };

  it('startService rejects with a CatalogueError naming file, path and problem', async () => {
    const started = start(dir);
    await expect(started).rejects.toBeInstanceOf(CatalogueError);
    await expect(started).rejects.toMatchObject({
      message: expect.stringMatching(
        new RegExp(
          `^` +
            `${join(dir, 'gbt39204.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` +
            ` /items/\\d+/clause: unknown clause "11\\.9"$`,
        ),
      ),
    });
  });

  it('the process prints that one line and exits 1', async () => {
    const work = mkdtempSync(join(tmpdir(), 'lianfang-req-proc-'));
    try {
      const r = await run([join(ROOT, 'src/main.ts')], {
        env: {
          REQUIREMENTS_DIR: dir,
          VAR_DIR: join(work, 'var'),
          DATABASE_URL: `sqlite:${join(work, 'db.sqlite')}`,
          LOG_LEVEL: 'silent',
          PORT: '0',
        },
      });
      expect(r.code).toBe(1);
      const lines = `${r.out}${r.err}`.split('\n').filter((l) => l.trim() && !l.includes('npm warn'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/gbt39204\.yaml \/items\/\d+\/clause: unknown clause "11\.9"$/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('a REQUIREMENTS_DIR that does not exist is a one-line error too', async () => {
    const started = start(join(dir, 'does-not-exist'));
    await expect(started).rejects.toThrow(/schema directory missing/);
  });
});

describe('npm run requirements:coverage', () => {
  jest.setTimeout(60_000);
  const cli = join(ROOT, 'src/requirements/coverage-cli.ts');

  it('prints the matrix from the real workflow citations and passes', async () => {
    const r = await run([cli]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^requirements: \d+, covered: \d+, uncovered: \d+, unknown citations: 0$/m);
    expect(r.out).toMatch(/^✓ GBT39204-11\.3-b .*<- incident:/m);
    expect(r.out).toContain('OK: chapter 11 and sharing requirements are all covered');
  });

  it('fails on an unknown id and on uncovered chapter-11 items (citations on stdin)', async () => {
    const citations = [
      { requirementId: 'GBT39204-11.3-zz', workflowId: 'incident', kind: 'state', path: 'incident.triage' },
    ];
    const r = await run([cli, '-'], { stdin: JSON.stringify(citations) });
    expect(r.code).toBe(1);
    expect(r.out).toContain('! unknown requirement GBT39204-11.3-zz cited by incident:state:incident.triage');
    expect(r.out).toMatch(/^! GBT39204-11\.3-b is in chapter 11 or tagged sharing and no workflow cites it$/m);
    expect(r.out).toMatch(/FAIL\n$/);
  });

  it('--json gives the report with the failing mandatory ids', async () => {
    const r = await run([cli, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as {
      rows: unknown[];
      uncovered: string[];
      unknown: unknown[];
      uncoveredMandatory: string[];
    };
    expect(report.rows.length).toBeGreaterThan(0);
    expect(report.uncoveredMandatory).toEqual([]);
    expect(report.unknown).toEqual([]);
  });
});
