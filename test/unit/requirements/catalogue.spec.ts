import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { CATALOGUE_FILES, CatalogueError, loadCatalogue, type Catalogue } from '../../../src/requirements';
import { brokenCopy, cleanCopy, removeCopies, replaceOnce, REQUIREMENTS_DIR } from './helpers';
import { EXPECTED_IDS } from './ids.fixture';

function loadError(dir: string): CatalogueError {
  try {
    loadCatalogue(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(CatalogueError);
    const err = e as CatalogueError;
    expect(err.message).not.toContain('\n');
    return err;
  }
  throw new Error('loadCatalogue accepted a broken catalogue');
}

describe('shipped requirement files', () => {
  const schemaDir = join(REQUIREMENTS_DIR, 'schema');

  it.each(CATALOGUE_FILES.map((f) => [f]))('%s.yaml validates against its own schema', (name) => {
    // Independent of the loader: a fresh ajv, the schema file and the YAML file, nothing else.
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
    for (const f of readdirSync(schemaDir).filter((x) => x.endsWith('.schema.json'))) {
      ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, f), 'utf8')), f);
    }
    const validate = ajv.getSchema(`${name}.schema.json`)!;
    const data = parse(readFileSync(join(REQUIREMENTS_DIR, `${name}.yaml`), 'utf8'));
    const ok = validate(data);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('every YAML file in requirements/ has a schema', () => {
    const yaml = readdirSync(REQUIREMENTS_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    expect(yaml).toEqual(CATALOGUE_FILES.map((f) => `${f}.yaml`).sort());
    for (const f of yaml) {
      expect(readdirSync(schemaDir)).toContain(f.replace(/\.yaml$/, '.schema.json'));
    }
  });

  it('loads from the default directory and from an explicit copy alike', () => {
    const a = loadCatalogue();
    const b = loadCatalogue(cleanCopy());
    expect(b.requirements.map((r) => r.id)).toEqual(a.requirements.map((r) => r.id));
    removeCopies();
  });
});

describe('catalogue content', () => {
  let cat: Catalogue;
  beforeAll(() => {
    cat = loadCatalogue();
  });

  it('holds every id the workflows cite, with the expected actor and tags', () => {
    for (const exp of EXPECTED_IDS) {
      const item = cat.requirement(exp.id);
      expect({ id: exp.id, found: Boolean(item) }).toEqual({ id: exp.id, found: true });
      if (exp.actor) expect({ id: exp.id, actor: item!.actor }).toEqual({ id: exp.id, actor: exp.actor });
      expect({ id: exp.id, tags: item!.tags }).toEqual({ id: exp.id, tags: expect.arrayContaining(exp.tags) });
    }
  });

  it('holds every chapter-11 item of the id list under its clause', () => {
    const chapter11 = EXPECTED_IDS.filter((e) => e.id.startsWith('GBT39204-11.'));
    expect(chapter11).toHaveLength(14);
    for (const e of chapter11) {
      const item = cat.requirement(e.id)!;
      expect(item.document).toBe('GBT39204-2022');
      expect(e.id).toBe(`GBT39204-${item.clause}-${e.id.slice(-1)}`);
      expect(item.clause.startsWith('11.')).toBe(true);
    }
  });

  it('holds every information-sharing item of the id list, tagged sharing', () => {
    const sharing = EXPECTED_IDS.filter((e) => e.tags.includes('sharing')).map((e) => e.id);
    expect(sharing.length).toBeGreaterThanOrEqual(8);
    const tagged = cat.requirements.filter((r) => r.tags.includes('sharing')).map((r) => r.id);
    expect(tagged).toEqual(expect.arrayContaining(sharing));
  });

  it('gives every item bilingual title and summary, a source and a confidence', () => {
    for (const r of cat.requirements) {
      expect(r.title.zh.length * r.title.en.length * r.summary.zh.length * r.summary.en.length).toBeGreaterThan(0);
      expect(r.source.length).toBeGreaterThan(0);
      expect(['confirmed', 'unverified']).toContain(r.confidence);
    }
  });

  it('lists chapters 5-11 with the clause numbers of the recalled layout, marked unverified', () => {
    expect(cat.chapters.map((c) => c.number)).toEqual(['5', '6', '7', '8', '9', '10', '11']);
    expect(cat.clauses.map((c) => c.number)).toEqual([
      '6.1',
      '6.2',
      '6.3',
      '6.4',
      // 7.1 is level protection (table of contents), so the recalled clauses after it end at 7.10.
      '7.1',
      '7.2',
      '7.3',
      '7.4',
      '7.5',
      '7.6',
      '7.7',
      '7.8',
      '7.9',
      '7.10',
      '8.1',
      '8.2',
      '8.3',
      '9.1',
      '9.2',
      '9.3',
      '10.1',
      '10.2',
      '10.3',
      '10.4',
      '11.1',
      '11.2',
      '11.3',
      '11.4',
    ]);
    expect(cat.layout.confidence).toBe('unverified');
    expect(cat.clauses.every((c) => c.confidence === 'unverified')).toBe(true);
    expect(cat.principles).toHaveLength(3);
  });

  it('places the GB/T 39204 structure as its table of contents has it', () => {
    // https://www.chinesestandard.net/PDF/English.amp.aspx/GBT39204-2022: "4 Basic principles of
    // security protection", "5 Main contents and activities", "7 Safety protection 7.1 Network
    // security leve[l protection]".
    expect(cat.principles.map((p) => p.id)).toEqual([
      'GBT39204-4-principle-business',
      'GBT39204-4-principle-risk',
      'GBT39204-4-principle-sharing',
    ]);
    expect(cat.principles.every((p) => p.confidence === 'confirmed' && /https?:\/\//.test(p.source))).toBe(true);
    expect(cat.chapters.find((c) => c.number === '5')!.title.en).toBe('Main contents and activities');
    const ch7 = cat.chapters.find((c) => c.number === '7')!.clauses;
    expect(ch7[0]).toMatchObject({ number: '7.1', title: { zh: '网络安全等级保护' } });
    expect(ch7.map((c) => [c.number, c.title.zh]).slice(-2)).toEqual([
      ['7.9', '供应链安全保护'],
      ['7.10', '数据安全防护'],
    ]);
    const doc = cat.documents.find((d) => d.id === 'GBT39204-2022')!;
    // The official English title of the catalogue record, https://bzchaxun.com/view/6104115012000000.html.
    expect(doc.title.en).toBe(
      'Information security technology—Cybersecurity requirements for critical information infrastructure protection',
    );
  });

  it('cites public sources, never a file users do not get', () => {
    const texts: string[] = [
      ...cat.requirements.filter((r) => r.document === 'GBT39204-2022').map((r) => r.source),
      ...cat.principles.map((p) => p.source),
      cat.layout.source,
      cat.documents.find((d) => d.id === 'GBT39204-2022')!.source,
      cat.taxonomy.categorySource,
      cat.taxonomy.gradingSource,
      cat.gradeRules.source,
      ...cat.gradeRules.rules.map((r) => r.source),
    ];
    for (const t of texts) expect(t).not.toMatch(/FACTS\.md|seed article/i);
  });

  it('cites the articles of the published Measures, each confirmed one with its address', () => {
    // The article numbers as published (Arts. 4, 7, 8, 10, 11); the 2023 draft's numbering is gone.
    const articles: Record<string, string> = {
      'NCIRM-2025-4-cii': 'Art. 4',
      'NCIRM-2025-4-onward': 'Art. 4',
      'NCIRM-2025-4-organ': 'Art. 4',
      'NCIRM-2025-4-other': 'Art. 4',
      'NCIRM-2025-4-provincial-onward': 'Art. 4',
      'NCIRM-2025-4-police': 'Art. 4',
      'NCIRM-2025-content': 'Art. 7',
      'NCIRM-2025-partial': 'Art. 7 para. 2',
      'NCIRM-2025-final': 'Art. 8',
      'NCIRM-2025-10': 'Art. 10',
      'NCIRM-2025-11': 'Art. 11',
      'CIIPR-2021-18': 'Art. 18',
      'CIIPR-2021-24': 'Art. 24',
      'CIIPR-2021-25': 'Art. 25',
      'CIIPR-2021-40': 'Art. 40',
    };
    for (const [id, clause] of Object.entries(articles)) {
      const r = cat.requirement(id)!;
      expect({ id, clause: r.clause, confidence: r.confidence }).toEqual({ id, clause, confidence: 'confirmed' });
      expect(r.source).toMatch(/https?:\/\//);
    }
    // Found in the published text without an article number: unverified, and saying so.
    for (const id of ['NCIRM-2025-followup', 'NCIRM-2025-sector', 'NCIRM-2025-providers']) {
      expect(cat.requirement(id)).toMatchObject({ clause: 'article not identified', confidence: 'unverified' });
    }
    expect(cat.ruleFor('cii', 'III')!.reports.final).toMatchObject({
      within: 'P30D',
      dayKind: 'calendar',
      confidence: 'confirmed',
    });
  });

  it('cites public sources only, never a file users do not get', () => {
    const text = ['regulations', 'reporting-rules']
      .map((f) => readFileSync(join(REQUIREMENTS_DIR, `${f}.yaml`), 'utf8'))
      .join('\n');
    expect(text).not.toMatch(/FACTS\.md|DESIGN\.md/);
    for (const d of cat.documents.filter((x) => x.id !== 'GBT39204-2022')) expect(d.source).toMatch(/https?:\/\//);
  });

  it('has the fixed category codes with their parents', () => {
    const top = [
      'malware',
      'network-attack',
      'data-security',
      'information-content',
      'equipment-failure',
      'non-compliant-operation',
      'security-hazard',
      'abnormal-behaviour',
      'force-majeure',
      'other',
    ];
    for (const code of top) expect(cat.category(code)?.parent).toBeNull();
    expect(cat.category('ransomware')!.parent).toBe('malware');
    for (const code of ['intrusion', 'ddos', 'web-defacement', 'supply-chain-compromise']) {
      expect(cat.category(code)!.parent).toBe('network-attack');
    }
    expect(cat.category('data-leak')!.parent).toBe('data-security');
    expect(cat.category('service-outage')!.parent).toBe('equipment-failure');
    expect(cat.isCategory('ransomware')).toBe(true);
    expect(cat.isCategory('Ransomware')).toBe(false);
    expect(cat.categoryLineage('ransomware')).toEqual(['ransomware', 'malware']);
  });

  it('names categories as GB/T 20986-2023 does, with the sub-categories a responder picks', () => {
    // Names and parents as in the standard's category list (event_category table reproducing it);
    // 拒绝服务事件 and 数据损失事件 correct the earlier 拒绝服务攻击事件 / 数据丢失事件.
    const expected: Array<[code: string, zh: string, parent: string]> = [
      ['ddos', '拒绝服务事件', 'network-attack'],
      ['data-loss', '数据损失事件', 'data-security'],
      ['computer-virus', '计算机病毒事件', 'malware'],
      ['cryptomining', '挖矿病毒事件', 'malware'],
      ['backdoor-implant', '后门植入事件', 'network-attack'],
      ['credential-attack', '凭据攻击事件', 'network-attack'],
      ['domain-hijacking', '域名劫持事件', 'network-attack'],
      ['apt', 'APT事件', 'network-attack'],
      ['data-theft', '数据窃取事件', 'data-security'],
      ['technical-failure', '技术故障事件', 'equipment-failure'],
      ['supporting-facility-failure', '配套设施故障事件', 'equipment-failure'],
    ];
    for (const [code, zh, parent] of expected) {
      expect({ code, zh: cat.category(code)?.name.zh, parent: cat.category(code)?.parent }).toEqual({
        code,
        zh,
        parent,
      });
      expect(cat.category(code)!.origin).toBe('standard');
    }
    // Only the two sub-categories we added for playbooks are product classes.
    expect(
      cat.categories
        .filter((c) => c.origin === 'product')
        .map((c) => c.code)
        .sort(),
    ).toEqual(['intrusion', 'service-outage']);
  });

  it('has grades I-IV, grade I thresholds read in the final guide, and the four warning levels', () => {
    expect(cat.taxonomy.grades.map((g) => [g.code, g.name.zh])).toEqual([
      ['I', '特别重大'],
      ['II', '重大'],
      ['III', '较大'],
      ['IV', '一般'],
    ]);
    // Grade 一 items 1-7 were read in a reprint of the final guide (wlzx.gzy.edu.cn); grades 二/三 only in part.
    expect(cat.taxonomy.grades.map((g) => g.thresholdsConfidence)).toEqual([
      'confirmed',
      'unverified',
      'unverified',
      'unverified',
    ]);
    // Every grade describes every dimension the guide measures, including the ones it added.
    const dims = cat.taxonomy.gradingDimensions.map((d) => d.code);
    expect(dims).toEqual(
      expect.arrayContaining([
        'site-unreachable',
        'system-interruption',
        'population-share',
        'public-service',
        'defacement-spread',
        'personal-information',
      ]),
    );
    for (const g of cat.taxonomy.grades) expect(g.criteria.map((c) => c.dimension)).toEqual(dims);
    expect(cat.taxonomy.grades.map((g) => g.reportMandatory)).toEqual([true, true, true, false]);
    expect(cat.taxonomy.earlyWarningLevels.map((l) => l.code)).toEqual(['red', 'orange', 'yellow', 'blue']);
  });

  it('exposes the product defaults for warnings, reminders and escalation', () => {
    expect(cat.earlyWarning.basis).toBe('product-default');
    expect(cat.earlyWarning.feedbackDefaultWithin).toEqual({ red: 'PT2H', orange: 'PT6H', yellow: 'P1D', blue: 'P3D' });
    expect(cat.reminders).toEqual([0.5, 0.8]);
    expect(cat.escalation).toEqual({
      basis: 'product-default',
      steps: ['commander', 'leader', 'admin'],
      stepDelay: 'PT15M',
    });
  });

  it('has one rule per operator kind with the Art. 4 recipients', () => {
    expect(cat.reportingRules.map((r) => [r.operatorKind, r.recipients.map((x) => x.kind)])).toEqual([
      ['cii', ['protection-department', 'public-security']],
      ['organ', ['own-cyberspace-body']],
      ['other', ['provincial-cyberspace-department']],
    ]);
  });

  it('requires ransom details only for ransomware, and allows a partial first report', () => {
    const rule = cat.ruleFor('cii', 'II')!;
    expect(cat.requiredReportFields(rule, 'initial', 'ransomware')).toContain('ransomDetails');
    expect(cat.requiredReportFields(rule, 'initial', 'ddos')).not.toContain('ransomDetails');
    expect(cat.requiredReportFields(rule, 'initial')).not.toContain('ransomDetails');
    const initial = rule.reports.initial;
    expect(initial.minimumFields.length).toBeLessThan(initial.requiredFields.length);
    expect(initial.requiredFields).toEqual(expect.arrayContaining(initial.minimumFields));
    expect(cat.requiredReportFields(rule, 'final', 'ransomware')).toEqual(
      expect.arrayContaining(['cause', 'accountability', 'rectification', 'lessons']),
    );
    expect(rule.reports.followUp).toMatchObject({ trigger: 'on-development', withinBasis: 'product-default' });
    const codes = cat.reportFields.map((f) => f.code);
    expect(codes).toEqual([
      'organisation',
      'contact',
      'affectedSystems',
      'affectedBusiness',
      'occurredAt',
      'detectedAt',
      'location',
      'category',
      'grade',
      'impact',
      'losses',
      'measuresTaken',
      'measuresEffect',
      'cause',
      'nextSteps',
      'supportNeeded',
      'trend',
      'investigationLeads',
      'sceneProtection',
      'ransomDetails',
      'accountability',
      'rectification',
      'lessons',
      'other',
    ]);
  });

  it(
    'asks for the content items of Art. 7: trend, investigation leads and ' +
      'the ransom date; scene protection is optional',
    () => {
      for (const kind of ['cii', 'organ', 'other'] as const) {
        const initial = cat.ruleFor(kind, 'II')!.reports.initial;
        expect(initial.requiredFields).toEqual(expect.arrayContaining(['trend', 'investigationLeads']));
        // Not found in the published text (a 2023-draft item): offered, never required.
        expect(initial.requiredFields).not.toContain('sceneProtection');
        // Art. 7 para. 2: trend and cause may follow later.
        expect(initial.minimumFields).not.toContain('trend');
        expect(initial.requirementIds).toEqual(expect.arrayContaining(['NCIRM-2025-content', 'NCIRM-2025-partial']));
      }
      expect(cat.reportFields.find((f) => f.code === 'ransomDetails')!.label.zh).toContain('日期');
    },
  );

  it('models the onward report of the provincial cyberspace department: grade I/II within 1 hour of receipt', () => {
    const onward = cat.ruleFor('other', 'II')!.reports.onward!;
    expect(onward).toMatchObject({
      from: 'provincial-cyberspace-department',
      within: 'PT1H',
      clockStartsAt: 'receivedAt',
      grades: ['I', 'II'],
    });
    expect(onward.requirementIds).toEqual(['NCIRM-2025-4-provincial-onward']);
  });

  it(
    'owes a police report for every operator kind and grade when a crime ' +
      'is suspected, with the national channels as data',
    () => {
      expect(cat.policeReport).toMatchObject({
        id: 'RR-police',
        within: 'PT24H',
        withinBasis: 'product-default',
        requirementIds: ['NCIRM-2025-4-police'],
      });
      expect(cat.policeReportDeadline(new Date('2026-04-03T10:00:00+08:00')).toISOString()).toBe(
        '2026-04-04T02:00:00.000Z',
      );
      expect(cat.nationalChannels.channels.map((c) => [c.kind, c.value])).toEqual([
        ['hotline', '12387'],
        ['web', '12387.cert.org.cn'],
        ['mini-program', '12387'],
        ['wechat-account', 'CNCERT'],
        ['email', '12387@cert.org.cn'],
        ['fax', '010-82992387'],
      ]);
    },
  );
});

describe('broken catalogues are rejected with a one-line message naming file and path', () => {
  afterEach(removeCopies);

  it('rejects an id defined twice across files', () => {
    const dir = brokenCopy('regulations.yaml', (t) => replaceOnce(t, '- id: NCIRM-2025-final', '- id: GBT39204-9.1-a'));
    expect(loadError(dir).message).toBe(
      'regulations.yaml /items/9/id: duplicate id "GBT39204-9.1-a" (already defined at gbt39204.yaml /items/0/id)',
    );
  });

  it('rejects a reporting rule citing a requirement that does not exist', () => {
    const dir = brokenCopy('reporting-rules.yaml', (t) =>
      replaceOnce(t, 'requirementIds: [NCIRM-2025-4-other]', 'requirementIds: [NCIRM-2025-4-nowhere]'),
    );
    expect(loadError(dir).message).toBe(
      'reporting-rules.yaml /rules/2/requirementIds/0: unknown requirement id "NCIRM-2025-4-nowhere"',
    );
  });

  it('rejects a dangling reference inside a report', () => {
    const dir = brokenCopy('reporting-rules.yaml', (t) =>
      replaceOnce(t, 'requirementIds: [NCIRM-2025-followup]', 'requirementIds: [NCIRM-2025-followup, GBT39204-99.1-z]'),
    );
    const err = loadError(dir);
    expect(err.file).toBe('reporting-rules.yaml');
    expect(err.path).toBe('/rules/0/reports/followUp/requirementIds/1');
    expect(err.message).toContain('unknown requirement id "GBT39204-99.1-z"');
  });

  it('rejects a duration that does not parse', () => {
    const dir = brokenCopy('reporting-rules.yaml', (t) => replaceOnce(t, 'within: PT4H', 'within: PT4X'));
    const err = loadError(dir);
    expect(err.message).toMatch(
      /^reporting-rules\.yaml \/rules\/2\/reports\/initial\/within: bad duration: "PT4X" is not/,
    );
  });

  it('rejects a calendar-dependent duration (months) in the escalation delay', () => {
    const dir = brokenCopy('reporting-rules.yaml', (t) => replaceOnce(t, 'stepDelay: PT15M', 'stepDelay: P1M'));
    expect(loadError(dir).message).toMatch(/^reporting-rules\.yaml \/escalation\/stepDelay: bad duration: "P1M"/);
  });

  it('rejects a bad early-warning default duration', () => {
    const dir = brokenCopy('reporting-rules.yaml', (t) => replaceOnce(t, 'orange: PT6H', 'orange: six hours'));
    expect(loadError(dir).message).toMatch(
      /^reporting-rules\.yaml \/earlyWarning\/feedbackDefaultWithin\/orange: bad duration/,
    );
  });

  it('rejects a make-up working day that is not on a weekend, naming the entry', () => {
    const dir = brokenCopy('reporting-rules.yaml', (t) =>
      replaceOnce(t, 'workdays: [2026-01-04,', 'workdays: [2026-01-05,'),
    );
    expect(loadError(dir).message).toBe(
      'reporting-rules.yaml /calendar/years/1/workdays/0: 2026-01-05 is a ' +
        'weekday; only a Saturday or Sunday can be a make-up working day',
    );
  });

  it('rejects a holiday date the schema cannot catch (no 30 February)', () => {
    const dir = brokenCopy('reporting-rules.yaml', (t) => replaceOnce(t, 'from: 2026-02-15', 'from: 2026-02-30'));
    expect(loadError(dir).message).toMatch(
      /^reporting-rules\.yaml \/calendar\/years\/1\/holidays\/1\/from: "2026-02-30" is not a calendar date/,
    );
  });

  it('rejects malformed YAML with line and column', () => {
    const dir = brokenCopy('taxonomy.yaml', (t) => replaceOnce(t, '{ code: ddos, name:', '{ code: ddos name: [ '));
    const err = loadError(dir);
    expect(err.file).toBe('taxonomy.yaml');
    expect(err.message).toMatch(/^taxonomy\.yaml line \d+, column \d+: malformed YAML: /);
  });

  it('rejects a duplicate key as malformed YAML', () => {
    let line = 0;
    const dir = brokenCopy('grade-suggestion.yaml', (t) => {
      const out = replaceOnce(t, 'defaultGrade: IV', 'defaultGrade: IV\ndefaultGrade: III');
      line = out.split('\n').indexOf('defaultGrade: III') + 1;
      return out;
    });
    expect(loadError(dir).message).toBe(
      `grade-suggestion.yaml line ${line}, column 1: malformed YAML: Map keys must be unique`,
    );
  });

  it('rejects a schema violation (bad enum) naming the path', () => {
    const dir = brokenCopy('gbt39204.yaml', (t) =>
      t.replace('    actor: operator\n    tags: [monitoring]\n', '    actor: vendor\n    tags: [monitoring]\n'),
    );
    expect(loadError(dir).message).toBe(
      'gbt39204.yaml /items/0/actor: schema violation: must be one of ' +
        '["operator","security-management-organisation","protection-department","public-security"]',
    );
  });

  it('rejects a missing required property and an unknown property', () => {
    const missing = brokenCopy('regulations.yaml', (t) =>
      replaceOnce(
        t,
        '    actor: protection-department\n    tags: [reporting, deadline, ' +
          'onward]\n    confidence: confirmed\n    source: 国家网络安全事件报告管理办法 Art. ' +
          '4, reprint',
        '    tags: [reporting, deadline, onward]\n    confidence: confirmed\n  ' +
          '  source: 国家网络安全事件报告管理办法 Art. 4, reprint',
      ),
    );
    expect(loadError(missing).message).toBe(
      "regulations.yaml /items/1: schema violation: must have required property 'actor'",
    );
    const extra = brokenCopy('taxonomy.yaml', (t) =>
      replaceOnce(t, '  - code: II\n', '  - code: II\n    colour: red\n'),
    );
    expect(loadError(extra).message).toBe(
      'taxonomy.yaml /grades/1/colour: schema violation: property is not allowed here',
    );
  });

  it('rejects a grade code outside I-IV', () => {
    const dir = brokenCopy('reporting-rules.yaml', (t) => t.replace('grades: [I, II, III]', 'grades: [I, II, V]'));
    const err = loadError(dir);
    expect(err.message).toMatch(
      /^reporting-rules\.yaml \/rules\/0\/grades\/2: schema violation: must be one of \["I","II","III","IV"\]$/,
    );
  });

  it('rejects a category whose parent does not exist', () => {
    const dir = brokenCopy('taxonomy.yaml', (t) =>
      replaceOnce(t, 'en: Ransomware }, parent: malware,', 'en: Ransomware }, parent: malicious,'),
    );
    const idx = (
      parse(readFileSync(join(REQUIREMENTS_DIR, 'taxonomy.yaml'), 'utf8')) as { categories: Array<{ code: string }> }
    ).categories.findIndex((c) => c.code === 'ransomware');
    expect(loadError(dir).message).toBe(`taxonomy.yaml /categories/${idx}/parent: unknown parent category "malicious"`);
  });

  it('rejects a category that is its own ancestor', () => {
    const dir = brokenCopy('taxonomy.yaml', (t) =>
      replaceOnce(t, 'en: Malicious program }, parent: null,', 'en: Malicious program }, parent: ransomware,'),
    );
    expect(loadError(dir).message).toBe('taxonomy.yaml /categories/0/parent: category "malware" is its own ancestor');
  });

  it('rejects a report listing a field code that is not defined', () => {
    const dir = brokenCopy('reporting-rules.yaml', (t) =>
      replaceOnce(
        t,
        'requiredFields: [organisation, contact, grade, impact,',
        'requiredFields: [organisation, contact, grade, harm,',
      ),
    );
    expect(loadError(dir).message).toBe(
      'reporting-rules.yaml /rules/0/reports/followUp/requiredFields/3: unknown report field "harm"',
    );
  });

  it('rejects a grade rule on an undeclared fact', () => {
    const dir = brokenCopy('grade-suggestion.yaml', (t) =>
      replaceOnce(
        t,
        '{ fact: dataThreat, op: eq, value: especially-serious }',
        '{ fact: dataThreatLevel, op: eq, value: especially-serious }',
      ),
    );
    expect(loadError(dir).message).toBe(
      'grade-suggestion.yaml /rules/3/conditions/all/0: unknown fact "dataThreatLevel"',
    );
  });

  it("rejects an enum value outside the fact's values, and value labels that do not match the values", () => {
    const badValue = brokenCopy('grade-suggestion.yaml', (t) =>
      replaceOnce(
        t,
        '{ fact: dataThreat, op: eq, value: especially-serious }',
        '{ fact: dataThreat, op: eq, value: catastrophic }',
      ),
    );
    expect(loadError(badValue).message).toBe(
      'grade-suggestion.yaml /rules/3/conditions/all/0: value "catastrophic" ' +
        'is not one of especially-serious, serious, relatively-serious, some',
    );
    const extraLabel = brokenCopy('grade-suggestion.yaml', (t) =>
      replaceOnce(
        t,
        '      some: { zh: 一定威胁, en: Some threat }\n',
        '      some: { zh: 一定威胁, en: Some threat }\n      none: { zh: 无, en: None }\n',
      ),
    );
    expect(loadError(extraLabel).message).toBe(
      'grade-suggestion.yaml /facts/7/valueLabels/none: "none" is not a value of fact "dataThreat"',
    );
    const missingLabel = brokenCopy('grade-suggestion.yaml', (t) =>
      replaceOnce(t, '      some: { zh: 一定威胁, en: Some threat }\n', ''),
    );
    expect(loadError(missingLabel).message).toBe(
      'grade-suggestion.yaml /facts/7/valueLabels: no label for value "some"',
    );
  });

  it('rejects a grade rule without a source', () => {
    const dir = brokenCopy('grade-suggestion.yaml', (t) =>
      replaceOnce(
        t,
        '    source: 《网络安全事件分级指南》 一、特别重大网络安全事件, item 7; reprint https://wlzx.gzy.edu.cn/info/1098/1576.htm\n',
        '',
      ),
    );
    expect(loadError(dir).message).toBe(
      "grade-suggestion.yaml /rules/6: schema violation: must have required property 'source'",
    );
  });

  it('rejects a grade item whose clause is not in the chapter layout', () => {
    const dir = brokenCopy('gbt39204.yaml', (t) =>
      replaceOnce(t, '- id: GBT39204-10.3-a\n    clause: "10.3"', '- id: GBT39204-10.3-a\n    clause: "10.5"'),
    );
    expect(loadError(dir).message).toBe('gbt39204.yaml /items/7/clause: unknown clause "10.5"');
  });

  it('rejects an empty file, a missing file and an unexpected one', () => {
    const empty = brokenCopy('taxonomy.yaml', () => '');
    expect(loadError(empty).message).toBe('taxonomy.yaml /: schema violation: must be object');
    const missing = cleanCopy();
    rmSync(join(missing, 'regulations.yaml'));
    expect(loadError(missing).message).toMatch(/^regulations\.yaml \/: file missing in /);
    const extra = cleanCopy();
    writeFileSync(join(extra, 'notes.yaml'), 'a: 1\n');
    expect(loadError(extra).message).toBe('notes.yaml /: unexpected file: the catalogue has no schema for "notes"');
  });
});

describe('the loaded catalogue is read-only', () => {
  it('refuses edits, including to objects shared through YAML aliases', () => {
    const cat = loadCatalogue();
    const followUp = cat.ruleFor('cii', 'II')!.reports.followUp;
    expect(() => {
      (followUp as { within?: string }).within = 'PT1M';
    }).toThrow(TypeError);
    expect(cat.ruleFor('other', 'II')!.reports.followUp.within).toBe('P1D');
    expect(() => (cat.requirements as unknown as unknown[]).push({})).toThrow(TypeError);
  });
});
