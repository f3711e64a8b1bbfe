import { loadCatalogue } from '../../../src/requirements';
import { playbookFor } from '../../../workflows/playbooks';

/**
 * The runtime picks a playbook with the catalogue's own parent lookup (incident engine, incident
 * view). Every category must land on a sensible playbook: its own, its nearest ancestor's, or the
 * generic one where the taxonomy has nothing closer.
 */
describe('playbooks for the taxonomy categories', () => {
  const cat = loadCatalogue();
  const parentOf = (code: string) => cat.category(code)?.parent ?? undefined;

  it.each([
    ['computer-virus', 'malware'],
    ['cryptomining', 'malware'],
    ['ransomware', 'ransomware'],
    ['backdoor-implant', 'intrusion'],
    ['credential-attack', 'intrusion'],
    ['domain-hijacking', 'intrusion'],
    ['apt', 'intrusion'],
    ['compromised-host', 'intrusion'],
    ['network-scanning', 'intrusion'],
    ['ddos', 'ddos'],
    ['data-theft', 'data-leak'],
    ['data-loss', 'data-leak'],
    ['data-poisoning', 'data-leak'],
    ['technical-failure', 'service-outage'],
    ['supporting-facility-failure', 'service-outage'],
    ['physical-damage', 'service-outage'],
    ['online-fraud', 'generic'],
    ['misoperation', 'generic'],
    ['network-vulnerability', 'generic'],
    ['traffic-anomaly', 'generic'],
    ['natural-disaster', 'generic'],
  ])('%s gets the %s playbook', (code, playbook) => {
    expect(cat.isCategory(code)).toBe(true);
    expect(playbookFor(code, parentOf).id).toBe(playbook);
  });

  it('every category of the taxonomy resolves to a playbook', () => {
    for (const c of cat.categories) expect(playbookFor(c.code, parentOf).steps.length).toBeGreaterThan(0);
  });
});
