import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { generateOpenApi, OPENAPI_FILE, serialiseOpenApi } from './openapi';

/** `npm run openapi:write`: writes the OpenAPI document to openapi.json, the copy clients are generated from. */
async function main(): Promise<void> {
  writeFileSync(OPENAPI_FILE, serialiseOpenApi(await generateOpenApi()));
  console.log(`wrote ${relative(process.cwd(), OPENAPI_FILE) || OPENAPI_FILE}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
