import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';

/**
 * Runs a code block of README.md as a receiver would paste it: the ```js block right after the line
 * `<!-- snippet: <name> -->`, as CommonJS, with `require` resolving from this repository (its
 * packages are the ones the snippet names). Returns what the snippet exports.
 */
export function readmeSnippet<T>(name: string): T {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const marker = `<!-- snippet: ${name} -->\n\`\`\`js\n`;
  const start = readme.indexOf(marker);
  if (start < 0) throw new Error(`README.md has no snippet ${name}`);
  const from = start + marker.length;
  const code = readme.slice(from, readme.indexOf('\n```', from));
  const module = { exports: {} as T };
  const wrapped = runInThisContext(`(function (require, module, exports) {\n${code}\n})`, {
    filename: `README.md#${name}`,
  }) as (r: NodeJS.Require, m: { exports: T }, e: T) => void;
  wrapped(require, module, module.exports);
  return module.exports;
}
