import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REQUIREMENTS_DIR = resolve(__dirname, '../../../requirements');

const made: string[] = [];

/** A throw-away copy of requirements/ with `file` rewritten by `mutate`. */
export function brokenCopy(file: string, mutate: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lianfang-req-'));
  made.push(dir);
  cpSync(REQUIREMENTS_DIR, dir, { recursive: true });
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = mutate(before);
  // A mutation that changes nothing would make the test pass for the wrong reason.
  if (after === before) throw new Error(`mutation of ${file} changed nothing`);
  writeFileSync(path, after);
  return dir;
}

export function cleanCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lianfang-req-'));
  made.push(dir);
  cpSync(REQUIREMENTS_DIR, dir, { recursive: true });
  return dir;
}

export function removeCopies(): void {
  while (made.length) rmSync(made.pop()!, { recursive: true, force: true });
}

/** Replaces exactly one occurrence; fails loudly when the anchor text is missing or ambiguous. */
export function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0) throw new Error(`anchor not found: ${from}`);
  if (text.indexOf(from, at + 1) >= 0) throw new Error(`anchor not unique: ${from}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}
