import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_ENV, type ContractLogLine } from './contract-log';

/**
 * After the run: one line saying how many responses were checked against the OpenAPI document and
 * how many of its operations they exercised, and a failed run if any response disagreed with it.
 * The tests that received such responses have failed already; this also catches the ones that
 * arrived outside any test (a suite's afterAll).
 */
export default function globalTeardown(): void {
  const dir = process.env[LOG_ENV];
  if (!dir) return;
  const lines: ContractLogLine[] = [];
  for (const f of readdirSync(dir)) {
    for (const l of readFileSync(join(dir, f), 'utf8').split('\n')) if (l) lines.push(JSON.parse(l) as ContractLogLine);
  }
  rmSync(dir, { recursive: true, force: true });
  // For looking into a run afterwards (which routes, statuses, problems); it changes nothing checked.
  const keep = process.env.LIANFANG_CONTRACT_REPORT;
  if (keep) writeFileSync(keep, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  if (lines.length === 0) return;
  const routes = new Set(lines.filter((l) => !l.route.includes(' /api/docs')).map((l) => l.route));
  const bad = lines.filter((l) => l.problems.length > 0);
  console.log(
    `\nOpenAPI contract: ${lines.length} responses checked (${lines.filter((l) => l.validated).length} JSON bodies ` +
      `validated), ${routes.size} routes exercised, ${bad.length} violations`,
  );
  if (bad.length) {
    const shown = bad.slice(0, 50).map((l) => {
      const where = `${l.file.split('/test/')[1] ?? l.file}: "${l.test}"`;
      return `${l.route} ${l.status} (${where})\n    ${l.problems.join('\n    ')}`;
    });
    throw new Error(`Responses that disagree with the OpenAPI document:\n${shown.join('\n')}`);
  }
}
