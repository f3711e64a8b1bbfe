import type { IncidentContext } from '../../../workflows/incident/types';
import type { Organisation } from '../../../src/accounts/organisation.entity';
import type { Incident } from '../../../src/incidents/incident.entity';
import { draftFields, impactLines } from '../../../src/reports/report-content';
import { loadCatalogue } from '../../../src/requirements';

describe('impact facts in a report draft', () => {
  const facts = loadCatalogue().gradeRules.facts;

  it('labels each fact with the catalogue label, enum values with their value labels', () => {
    // Listed in the catalogue's order, not the order entered.
    expect(
      impactLines(
        {
          personalInfoPersons: 1_200_000,
          dataThreat: 'serious',
          siteKind: 'central-news-site',
          ciiWholeOutageMinutes: 30,
        },
        facts,
      ),
    ).toEqual([
      '关键信息基础设施整体中断运行时长（分钟）：30',
      '不能访问的网站类别：中央重点新闻网站',
      '数据（核心数据、重要数据、个人信息等）丢失、泄露或被窃取、篡改、假冒对国家安全和社会稳定构成的威胁：严重威胁',
      '个人信息被泄露的公民人数（按人计，不按条数）：1200000',
    ]);
  });

  it('every fact the rules declare has its own label (no fact shown by its code)', () => {
    for (const f of facts) {
      const value = f.type === 'enum' ? f.values![0]! : 1;
      const [line] = impactLines({ [f.name]: value }, facts);
      expect(line!.startsWith(`${f.label.zh}：`)).toBe(true);
      expect(line).not.toContain(f.name);
    }
  });

  it('shows facts stored under older names as stored, under their own name', () => {
    expect(
      impactLines({ outageHours: 8, ciiAffected: true, coreDataLeaked: false, socialImpact: 'regional' }, facts),
    ).toEqual(['outageHours：8', 'ciiAffected：是', 'coreDataLeaked：否', 'socialImpact：regional']);
    // New names first (catalogue order), then the stored old ones; nothing entered, nothing shown.
    expect(impactLines({ outageHours: 8, economicLossCny: 1000, siteKind: null }, facts)).toEqual([
      '直接经济损失（元）：1000',
      'outageHours：8',
    ]);
    expect(impactLines(null, facts)).toEqual([]);
  });

  it('drafts the impact field from the description and the labelled facts', () => {
    const incident = {
      affectedSystems: [],
      affectedBusiness: [],
      occurredAt: null,
      detectedAt: '2026-11-25T02:10:00.000Z',
      category: 'ddos',
      grade: 'III',
      description: '门户网站遭拒绝服务攻击',
      impact: { siteKind: 'provincial-government-portal', siteUnreachableHours: 3 },
    } as unknown as Incident; // only the fields draftFields reads
    const org = { name: '某省政务服务中心' } as Organisation;
    const context = { steps: [] } as unknown as IncidentContext;
    const f = draftFields(incident, org, context, '', facts);
    expect(f.impact).toBe(
      '门户网站遭拒绝服务攻击；不能访问的网站类别：省级以上党政机关门户网站；网站因攻击、故障不能访问的时长（小时）：3',
    );
    expect(f.category).toBe('拒绝服务事件（ddos）');
  });
});
