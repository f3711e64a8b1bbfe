/**
 * The requirement ids that workflows and playbooks cite (copied from the lead's id list), with the
 * actor and tags each must carry. The catalogue may hold more; it must never hold fewer.
 */
export interface ExpectedId {
  id: string;
  actor?: string;
  tags: string[];
}

export const EXPECTED_IDS: ExpectedId[] = [
  { id: 'GBT39204-9.1-a', actor: 'operator', tags: ['monitoring'] },
  { id: 'GBT39204-9.1-b', actor: 'operator', tags: ['monitoring', 'sharing'] },
  { id: 'GBT39204-9.2-a', actor: 'operator', tags: ['monitoring'] },
  { id: 'GBT39204-9.2-b', actor: 'operator', tags: ['monitoring', 'detection'] },
  { id: 'GBT39204-9.3-a', actor: 'operator', tags: ['warning', 'sharing'] },
  { id: 'GBT39204-9.3-b', actor: 'operator', tags: ['warning', 'feedback', 'sharing'] },
  { id: 'GBT39204-9.3-c', actor: 'operator', tags: ['warning', 'reporting', 'sharing'] },
  { id: 'GBT39204-10.3-a', actor: 'operator', tags: ['drill'] },
  { id: 'GBT39204-10.4-a', actor: 'operator', tags: ['sharing', 'intelligence'] },
  { id: 'GBT39204-10.4-b', actor: 'operator', tags: ['sharing', 'intelligence'] },
  { id: 'GBT39204-10.4-c', actor: 'operator', tags: ['sharing', 'intelligence'] },
  { id: 'GBT39204-11.1-a', actor: 'operator', tags: ['plan'] },
  { id: 'GBT39204-11.1-b', actor: 'operator', tags: ['plan'] },
  { id: 'GBT39204-11.1-c', actor: 'operator', tags: ['plan', 'review'] },
  { id: 'GBT39204-11.2-a', actor: 'operator', tags: ['drill'] },
  { id: 'GBT39204-11.2-b', actor: 'operator', tags: ['drill', 'sharing'] },
  { id: 'GBT39204-11.2-c', actor: 'operator', tags: ['drill', 'review'] },
  { id: 'GBT39204-11.3-a', actor: 'operator', tags: ['response'] },
  { id: 'GBT39204-11.3-b', actor: 'operator', tags: ['reporting'] },
  { id: 'GBT39204-11.3-c', actor: 'operator', tags: ['response', 'containment'] },
  { id: 'GBT39204-11.3-d', actor: 'operator', tags: ['response', 'evidence'] },
  { id: 'GBT39204-11.3-e', actor: 'operator', tags: ['response', 'recovery'] },
  { id: 'GBT39204-11.3-f', actor: 'operator', tags: ['review'] },
  { id: 'GBT39204-11.4-a', actor: 'operator', tags: ['reidentification'] },
  { id: 'GBT39204-11.4-b', actor: 'operator', tags: ['reidentification', 'review'] },
  { id: 'NCIRM-2025-4-cii', tags: ['reporting', 'deadline'] },
  { id: 'NCIRM-2025-4-onward', actor: 'protection-department', tags: ['reporting', 'deadline'] },
  { id: 'NCIRM-2025-4-organ', tags: ['reporting', 'deadline'] },
  { id: 'NCIRM-2025-4-other', tags: ['reporting', 'deadline'] },
  { id: 'NCIRM-2025-content', tags: ['reporting'] },
  { id: 'NCIRM-2025-followup', tags: ['reporting'] },
  { id: 'NCIRM-2025-final', tags: ['reporting', 'review'] },
  { id: 'CIIPR-2021-18', tags: ['reporting'] },
];
