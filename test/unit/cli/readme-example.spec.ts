import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { playbookFor } from '../../../workflows';
import { PHASES } from '../../../workflows/types';

/**
 * The README's command-line example is what a newcomer types first: every step id it completes
 * must exist in the playbook of the category it declares, and be in a phase the incident has
 * reached by then (triage before CONFIRM, handling after it).
 */
describe('README command-line example', () => {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Command line'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  const commands = block
    .split('\n')
    .map((l) => /^npx lianfang (\S+)(.*)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null);

  it("completes only steps of the declared category's playbook, in phases the incident has reached", () => {
    const category = /--category (\S+)/.exec(commands.find((m) => m[1] === 'declare')![2]!)![1]!;
    const steps = new Map(playbookFor(category).steps.map((s) => [s.id, s.phase]));
    let reached = PHASES.indexOf('triage');
    const completed: string[] = [];
    for (const [, command, rest] of commands) {
      if (command === 'event' && /\bCONFIRM\b/.test(rest!)) reached = PHASES.indexOf('containment');
      if (command !== 'complete') continue;
      const stepId = rest!.trim().split(/\s+/)[1]!;
      expect({ stepId, known: steps.has(stepId) }).toEqual({ stepId, known: true });
      expect({ stepId, reachable: PHASES.indexOf(steps.get(stepId)!) <= reached }).toEqual({ stepId, reachable: true });
      completed.push(stepId);
    }
    expect(completed.length).toBeGreaterThan(0);
  });
});
