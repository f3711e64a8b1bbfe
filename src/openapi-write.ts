import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { generateOpenApi, OPENAPI_FILE, serialiseOpenApi } from './openapi';

/**
 * `npm run openapi:write`: writes the OpenAPI document to openapi.json (then the script regenerates
 * the typed client from it). test/e2e/openapi-document.e2e-spec.ts fails while either is stale.
 */
async function main(): Promise<void> {
  writeFileSync(OPENAPI_FILE, serialiseOpenApi(await generateOpenApi()));
  console.log(`wrote ${relative(process.cwd(), OPENAPI_FILE) || OPENAPI_FILE}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
