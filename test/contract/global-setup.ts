import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_ENV } from './contract-log';

/** A directory for the checked responses' log, read by global-teardown.ts. */
export default function globalSetup(): void {
  process.env[LOG_ENV] = mkdtempSync(join(tmpdir(), 'lianfang-contract-'));
}
