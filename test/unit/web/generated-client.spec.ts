import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const OPENAPI_FILE = join(ROOT, 'openapi.json');
const CONSOLE_CLIENT = join(ROOT, 'web', 'src', 'api', 'schema.d.ts');
const TYPEGEN_CONFIG = join(ROOT, 'test', 'contract', 'redocly.typegen.yaml');

/**
 * The console's API types (web/src/api/schema.d.ts) are openapi-typescript's output of the committed
 * openapi.json, so a route or field the service renames breaks the console's type check. This fails while
 * they are older than the document (test/e2e/openapi-document.e2e-spec.ts holds openapi.json to the code).
 */
describe("the console's generated API client", () => {
  it('is current: openapi-typescript output of openapi.json', () => {
    const cli = join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
    // The same command as `npm run openapi:write`, to stdout.
    const fresh = execFileSync(process.execPath, [cli, OPENAPI_FILE, '--redocly', TYPEGEN_CONFIG], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const REGENERATE = 'run `npm run openapi:write` and commit web/src/api/schema.d.ts';
    expect({ current: fresh === readFileSync(CONSOLE_CLIENT, 'utf8'), REGENERATE }).toEqual({
      current: true,
      REGENERATE,
    });
  });
});
