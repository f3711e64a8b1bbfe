import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Hashed build output only: a name, no directories, so no path can leave the assets folder. */
const ASSET = /^\/assets\/([\w-]+\.(js|css))$/;
const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/**
 * The console's scripts and styles as the build compressed them (`<file>.gz`, gzip level 9, written by
 * web/vite.config.ts) to browsers that accept gzip: about a third of the bytes on the wire, and no
 * compression work per request (a compression middleware would also sit in front of the event stream,
 * which must not be buffered). Anything else, or a browser that does not accept gzip, goes on to the
 * plain files. Whether a .gz exists is read once per name.
 */
export function precompressedAssets(dir: string, cacheControl: string) {
  const present = new Map<string, boolean>();
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const match = ASSET.exec(req.originalUrl.split('?')[0]);
    if (!match) return next();
    res.setHeader('Vary', 'Accept-Encoding');
    if (!/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) return next();
    const file = join(dir, 'assets', `${match[1]}.gz`);
    let exists = present.get(file);
    if (exists === undefined) present.set(file, (exists = existsSync(file)));
    if (!exists) return next();
    res.sendFile(file, {
      headers: { 'Content-Type': TYPES[match[2]], 'Content-Encoding': 'gzip', 'Cache-Control': cacheControl },
      lastModified: true,
      etag: true,
    });
  };
}
