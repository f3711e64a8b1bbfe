import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..', '..', 'requirements');

/** Requirement IDs from requirements/gbt39204.yaml and requirements/regulations.yaml (items[].id). */
export function loadRequirementIds(): string[] {
  const ids: string[] = [];
  for (const file of ['gbt39204.yaml', 'regulations.yaml']) {
    const doc = parse(readFileSync(join(ROOT, file), 'utf8')) as { items?: Array<{ id?: unknown }> };
    for (const item of doc.items ?? []) {
      if (typeof item.id === 'string') ids.push(item.id);
    }
  }
  return ids;
}
