import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { ImpactFactsDto } from '../../../src/incidents/incident.dto';
import { loadCatalogue, type ImpactFacts } from '../../../src/requirements';

/**
 * The facts exist three times: in grade-suggestion.yaml (the rules read them), in ImpactFactsDto
 * (the edge validates them) and in the ImpactFacts type. A fact only in the DTO would pass
 * validation and then make suggestGrade throw; one only in the YAML could never be entered.
 */
describe('impact facts: YAML, DTO and type in step', () => {
  const facts = loadCatalogue().gradeRules.facts;
  const check = (plain: Record<string, unknown>) =>
    validateSync(plainToInstance(ImpactFactsDto, plain), { whitelist: true, forbidNonWhitelisted: true });

  it('the DTO validates exactly the facts the rules declare', () => {
    const props = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(ImpactFactsDto, '', true, false)
        .map((m) => m.propertyName),
    );
    expect([...props].sort()).toEqual(facts.map((f) => f.name).sort());
  });

  it('the ImpactFacts type names the same facts', () => {
    // A Record over the type's keys: the compiler fails when a key is missing or extra.
    const keys: Record<keyof Required<ImpactFacts>, true> = {
      ciiWholeOutageMinutes: true,
      ciiMainFunctionOutageMinutes: true,
      siteKind: true,
      siteUnreachableHours: true,
      provincePopulationSharePercent: true,
      prefecturePopulationSharePercent: true,
      peopleServicesAffected: true,
      dataThreat: true,
      personalInfoPersons: true,
      defacementHomePageHours: true,
      defacementOtherPageHours: true,
      defacementReposts: true,
      defacementViews: true,
      defacementSpreadDetermined: true,
      economicLossCny: true,
    };
    expect(Object.keys(keys).sort()).toEqual(facts.map((f) => f.name).sort());
  });

  it.each(facts.map((f) => [f.name, f] as const))('%s: its values pass and a wrong type fails', (name, fact) => {
    const good = fact.type === 'enum' ? fact.values! : fact.type === 'number' ? [0, 10] : [true];
    for (const v of good) expect({ name, v, errors: check({ [name]: v }) }).toEqual({ name, v, errors: [] });
    const bad = fact.type === 'enum' ? ['not-a-value', 1] : ['ten', -1];
    for (const v of bad)
      expect({ name, v, failed: check({ [name]: v }).map((e) => e.property) }).toEqual({ name, v, failed: [name] });
  });

  it('enum facts label every value, and the DTO accepts exactly those values', () => {
    for (const f of facts.filter((x) => x.type === 'enum')) {
      expect(Object.keys(f.valueLabels ?? {}).sort()).toEqual([...f.values!].sort());
    }
  });

  it('shares are percentages and people, persons, reposts and views are whole numbers', () => {
    expect(check({ provincePopulationSharePercent: 100.1 }).map((e) => e.property)).toEqual([
      'provincePopulationSharePercent',
    ]);
    expect(check({ prefecturePopulationSharePercent: 100 })).toEqual([]);
    for (const name of ['peopleServicesAffected', 'personalInfoPersons', 'defacementReposts', 'defacementViews']) {
      expect(check({ [name]: 1.5 }).map((e) => e.property)).toEqual([name]);
    }
    // Ten minutes is exact in minutes; fractions of an hour are accepted where the unit is hours.
    expect(check({ ciiWholeOutageMinutes: 10, defacementHomePageHours: 0.5 })).toEqual([]);
  });
});
