import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * `<repo>/web/dist`: the repository is the first directory above this file that holds a
 * package.json, so the default is the same from src/ (ts-node) and from dist/src/ (npm start).
 */
export function defaultConsoleDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return join(process.cwd(), 'web', 'dist');
    dir = parent;
  }
  return join(dir, 'web', 'dist');
}
