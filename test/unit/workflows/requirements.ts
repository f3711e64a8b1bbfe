import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..', '..', 'requirements');

export interface RequirementRef {
  id: string;
  actor?: string;
  tags: string[];
}

/** Requirement items (id, actor, tags) from requirements/gbt39204.yaml and requirements/regulations.yaml. */
export function loadRequirementItems(): RequirementRef[] {
  const items: RequirementRef[] = [];
  for (const file of ['gbt39204.yaml', 'regulations.yaml']) {
    const doc = parse(readFileSync(join(ROOT, file), 'utf8')) as {
      items?: Array<{ id?: unknown; actor?: unknown; tags?: unknown }>;
    };
    for (const item of doc.items ?? []) {
      if (typeof item.id === 'string') {
        items.push({
          id: item.id,
          actor: typeof item.actor === 'string' ? item.actor : undefined,
          tags: Array.isArray(item.tags) ? item.tags.map(String) : [],
        });
      }
    }
  }
  return items;
}

/** Requirement IDs from requirements/gbt39204.yaml and requirements/regulations.yaml (items[].id). */
export function loadRequirementIds(): string[] {
  return loadRequirementItems().map((i) => i.id);
}
