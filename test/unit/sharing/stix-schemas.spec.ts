import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { STIX_SCHEMA_FILES } from '../../../src/sharing/stix/schemas';

const VENDORED = join(__dirname, '../../../src/sharing/stix/schemas');
// The SHA-256 of every file as copied from upstream (SOURCE.md), so a clone checks itself: no test reads
// anything outside the repository.
const SUMS = readFileSync(join(VENDORED, 'SHA256SUMS'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split(/\s+/) as [string, string]);

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

  it('are byte-for-byte the upstream copy recorded in SHA256SUMS (no silent local edits)', () => {
    expect(SUMS.map(([, file]) => file).sort()).toEqual(jsonFiles(VENDORED));
    for (const [digest, file] of SUMS) {
      expect([
        file,
        createHash('sha256')
          .update(readFileSync(join(VENDORED, file)))
          .digest('hex'),
      ]).toEqual([file, digest]);
    }
  });
});
