import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PLAYBOOKS, playbookFor, initialSteps, getPlaybook, KNOWN_PARENTS } from '../../../workflows/playbooks';
import { PHASES, ROLES, EVIDENCE_KINDS } from '../../../workflows/types';
import { loadRequirementIds } from './requirements';

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

describe('playbooks', () => {
  const requirementIds = loadRequirementIds();

  it('covers the categories the product promises', () => {
    const ids = PLAYBOOKS.map((p) => p.id);
    for (const id of [
      'ransomware',
      'malware',
      'intrusion',
      'ddos',
      'data-leak',
      'web-defacement',
      'service-outage',
      'supply-chain-compromise',
      'generic',
    ]) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  describe.each(PLAYBOOKS.map((p) => [p.id, p] as const))('%s', (_id, playbook) => {
    it('has unique kebab-case step ids and a compact size', () => {
      const ids = playbook.steps.map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(KEBAB);
      const realSteps = playbook.steps.filter((s) => !s.drillOnly).length;
      expect(realSteps).toBeGreaterThanOrEqual(10);
      // 17 since the service-provider step joined triage (playbooks version 2).
      expect(realSteps).toBeLessThanOrEqual(17);
    });

    it('has at least one mandatory step in every phase, for real incidents and drills alike', () => {
      for (const drill of [false, true]) {
        const steps = initialSteps(playbook, drill);
        for (const phase of PHASES) {
          expect(steps.filter((s) => s.phase === phase && s.mandatory).length).toBeGreaterThanOrEqual(1);
        }
      }
    });

    it('lists steps in phase order', () => {
      const order = playbook.steps.map((s) => PHASES.indexOf(s.phase));
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    });

    it('has complete bilingual text, valid roles and evidence kinds, and cites existing requirements', () => {
      for (const step of playbook.steps) {
        for (const text of [step.title, step.guidance]) {
          expect(text.zh.trim()).not.toBe('');
          expect(text.en.trim()).not.toBe('');
        }
        expect(step.roles.length).toBeGreaterThan(0);
        for (const role of step.roles) {
          expect(ROLES).toContain(role);
          expect(['viewer', 'system', 'department-officer']).not.toContain(role);
        }
        for (const e of step.evidence) {
          expect(EVIDENCE_KINDS).toContain(e.kind);
          expect(e.description.zh && e.description.en).toBeTruthy();
        }
        expect(step.requirements.length).toBeGreaterThan(0);
        for (const id of step.requirements) expect(requirementIds).toContain(id);
      }
    });
  });

  it('picks the most specific playbook, walking up the taxonomy', () => {
    expect(playbookFor('ransomware').id).toBe('ransomware');
    expect(playbookFor('trojan').id).toBe('malware');
    expect(playbookFor('phishing').id).toBe('intrusion');
    expect(playbookFor('network-attack').id).toBe('intrusion');
    expect(playbookFor('data-tampering').id).toBe('data-leak');
    expect(playbookFor('equipment-failure').id).toBe('service-outage');
    expect(playbookFor('force-majeure').id).toBe('generic');
    expect(playbookFor('no-such-category').id).toBe('generic');
    // A caller-supplied taxonomy wins over the built-in parents.
    expect(
      playbookFor('ransomware-variant-x', (c) => (c === 'ransomware-variant-x' ? 'ransomware' : undefined)).id,
    ).toBe('ransomware');
    expect(playbookFor('trojan', () => undefined).id).toBe('generic');
    // A cyclic taxonomy cannot hang the lookup.
    expect(playbookFor('a', (c) => (c === 'a' ? 'b' : 'a')).id).toBe('generic');
  });

  it('ransomware carries the ransom-specific steps', () => {
    const ids = getPlaybook('ransomware')!.steps.map((s) => s.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'isolate-infected-hosts',
        'preserve-samples-and-ransom-note',
        'no-payment-without-approval',
        'identify-strain',
        'restore-from-offline-backups',
        'record-ransom-details',
      ]),
    );
    expect(getPlaybook('ransomware')!.steps.find((s) => s.id === 'no-payment-without-approval')!.roles).toEqual([
      'leader',
    ]);
  });
});

describe('the sub-category parents pure callers fall back on', () => {
  it('are exactly the parents of requirements/taxonomy.yaml', () => {
    const taxonomy = parseYaml(readFileSync(join(__dirname, '../../../requirements/taxonomy.yaml'), 'utf8')) as {
      categories: Array<{ code: string; parent: string | null }>;
    };
    const parents = Object.fromEntries(taxonomy.categories.filter((c) => c.parent).map((c) => [c.code, c.parent]));
    expect({ ...KNOWN_PARENTS }).toEqual(parents);
  });
});
