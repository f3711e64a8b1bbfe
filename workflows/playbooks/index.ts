import type { Playbook, StepState, StepTemplate } from '../types';
import { GENERIC, PLAYBOOKS } from './catalogue';

export { PLAYBOOKS, GENERIC } from './catalogue';
export { TRIAGE_STEPS, REVIEW_STEPS, REIDENTIFICATION_STEPS } from './common';

/**
 * Parents of the sub-categories in requirements/taxonomy.yaml, used only when the caller passes no
 * `parentOf`. The runtime should pass the catalogue's own lookup; this keeps pure callers (tests, the
 * machine's default input) from silently falling back to `generic` for a known sub-category.
 */
export const KNOWN_PARENTS: Readonly<Record<string, string>> = {
  'computer-virus': 'malware',
  worm: 'malware',
  trojan: 'malware',
  botnet: 'malware',
  ransomware: 'malware',
  cryptomining: 'malware',
  intrusion: 'network-attack',
  'network-scanning': 'network-attack',
  phishing: 'network-attack',
  'vulnerability-exploitation': 'network-attack',
  'backdoor-implant': 'network-attack',
  'credential-attack': 'network-attack',
  ddos: 'network-attack',
  'web-defacement': 'network-attack',
  'domain-hijacking': 'network-attack',
  'compromised-host': 'network-attack',
  'supply-chain-compromise': 'network-attack',
  apt: 'network-attack',
  'data-tampering': 'data-security',
  'data-leak': 'data-security',
  'data-theft': 'data-security',
  'data-poisoning': 'data-security',
  'data-loss': 'data-security',
  'online-fraud': 'information-content',
  'technical-failure': 'equipment-failure',
  'supporting-facility-failure': 'equipment-failure',
  'physical-damage': 'equipment-failure',
  'service-outage': 'equipment-failure',
  misoperation: 'non-compliant-operation',
  'network-vulnerability': 'security-hazard',
  'access-anomaly': 'abnormal-behaviour',
  'traffic-anomaly': 'abnormal-behaviour',
  'natural-disaster': 'force-majeure',
};

const BY_CATEGORY: ReadonlyMap<string, Playbook> = new Map(
  PLAYBOOKS.flatMap((p) => p.categories.map((c) => [c, p] as const)),
);

/**
 * The most specific playbook for a category: the category's own, else its nearest ancestor's, else
 * `generic`. The walk is bounded so a cyclic parentOf cannot hang the caller.
 */
export function playbookFor(categoryCode: string, parentOf?: (code: string) => string | undefined): Playbook {
  const parent = parentOf ?? ((code: string) => KNOWN_PARENTS[code]);
  let code: string | undefined = categoryCode;
  for (let depth = 0; code !== undefined && depth < 16; depth++) {
    const found = BY_CATEGORY.get(code);
    if (found) return found;
    code = parent(code);
  }
  return GENERIC;
}

export function getPlaybook(id: string): Playbook | undefined {
  return PLAYBOOKS.find((p) => p.id === id);
}

export function toStepState(template: StepTemplate): StepState {
  return {
    id: template.id,
    phase: template.phase,
    title: { ...template.title },
    roles: [...template.roles],
    mandatory: template.mandatory,
    requirements: [...template.requirements],
    status: 'open',
    reopenCount: 0,
  };
}

/** The steps an incident starts with: drill-only steps are dropped for real incidents. */
export function initialSteps(playbook: Playbook, drill: boolean): StepState[] {
  return playbook.steps.filter((s) => drill || !s.drillOnly).map(toStepState);
}
