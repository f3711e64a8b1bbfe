import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { STIX_SCHEMA_FILES } from '../../../src/sharing/stix/schemas';

const VENDORED = join(__dirname, '../../../src/sharing/stix/schemas');
// CI checks the repository out with the project's shared material beside it (../shared from the repo root).
const SHARED = join(__dirname, '../../../../shared/stix2-json-schemas');

function jsonFiles(root: string): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) stack.push(full);
      else if (name.endsWith('.json')) out.push(relative(root, full));
    }
  }
  return out.sort();
}

describe('vendored OASIS STIX schemas', () => {
  it('index.ts lists every schema file in the folder', () => {
    expect(STIX_SCHEMA_FILES.map((f) => f.file).sort()).toEqual(jsonFiles(VENDORED));
  });

  it('travel with their BSD-3-Clause licence and a source note', () => {
    expect(readFileSync(join(VENDORED, 'LICENSE'), 'utf8')).toMatch(/OASIS Open/);
    expect(readFileSync(join(VENDORED, 'SOURCE.md'), 'utf8')).toMatch(/BSD-3-Clause/);
  });

  it('are byte-for-byte the shared copy (no silent local edits)', () => {
    const shared = jsonFiles(join(SHARED, 'schemas'));
    expect(shared).toEqual(jsonFiles(VENDORED));
    for (const file of shared) {
      expect(readFileSync(join(VENDORED, file), 'utf8')).toBe(readFileSync(join(SHARED, 'schemas', file), 'utf8'));
    }
    expect(readFileSync(join(VENDORED, 'LICENSE'), 'utf8')).toBe(readFileSync(join(SHARED, 'LICENSE'), 'utf8'));
  });
});
