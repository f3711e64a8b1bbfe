import {
  DynamicModule,
  Inject,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnModuleInit,
  RequestMethod,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ServeStaticModule } from '@nestjs/serve-static';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { precompressedAssets } from './precompressed';

/**
 * Paths that are the API's, never the console's: they keep their own answers (a JSON 404 for an
 * unknown one). `/assets/` is the console's, but a missing asset is a 404 rather than index.html,
 * which a browser would otherwise take for the script or stylesheet it asked for.
 */
const NOT_A_CONSOLE_ROUTE = ['/api', '/api/{*path}', '/health', '/ready', '/assets/{*path}'];

/** Vite names the files under assets/ by their content's hash: a new build means new names. */
const ASSET_CACHE = 'public, max-age=31536000, immutable';

const isApiPath = (path: string): boolean =>
  path === '/api' || path.startsWith('/api/') || path === '/health' || path === '/ready';

/** When the console has not been built: a plain line saying how, in place of every console page. */
class ConsoleNotBuilt implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly dir: string,
  ) {}

  onModuleInit(): void {
    const app = this.host.httpAdapter.getInstance<{
      get(path: string, handler: (req: Request, res: Response, next: NextFunction) => void): void;
    }>();
    // After the API's routes (Nest calls init hooks once its router is registered), before its 404.
    app.get('{*any}', (req, res, next) => {
      if (isApiPath(req.path)) return next();
      res
        .status(503)
        .type('text/plain')
        .set('Cache-Control', 'no-store')
        .send(`The console is not built (no ${join(this.dir, 'index.html')}): run \`npm run build\`.\n`);
    });
  }
}

/**
 * The built console (web/dist, or CONSOLE_DIR) at `/`: its files as they are, and index.html for
 * every other GET outside the API, so the single-page app's own routes (`/incidents/…`) load it.
 * Served by @nestjs/serve-static (express.static underneath). Long-lived caching for the hashed
 * assets; index.html and the other unhashed files are revalidated on every load (`no-cache`, with
 * ETag and Last-Modified), so a new build is picked up at once.
 *
 * Decided at start-up: a checkout that has not built the console answers 503 with a line saying
 * how to build it, and the API works as ever; building it means restarting the service.
 */
const CONSOLE_ROOT = Symbol('CONSOLE_ROOT');

@Module({})
export class ConsoleModule implements NestModule {
  constructor(@Inject(CONSOLE_ROOT) private readonly dir: string | null) {}

  /** Before the static files (Nest applies middleware ahead of the modules' init hooks): gzip copies. */
  configure(consumer: MiddlewareConsumer): void {
    if (!this.dir) return;
    consumer
      .apply(precompressedAssets(this.dir, ASSET_CACHE))
      .forRoutes(
        { path: 'assets/{*path}', method: RequestMethod.GET },
        { path: 'assets/{*path}', method: RequestMethod.HEAD },
      );
  }

  static forRoot(consoleDir: string): DynamicModule {
    // Absolute: Express sends index.html by absolute path only.
    const dir = resolve(consoleDir);
    if (!existsSync(join(dir, 'index.html'))) {
      return {
        module: ConsoleModule,
        providers: [
          { provide: CONSOLE_ROOT, useValue: null },
          {
            provide: ConsoleNotBuilt,
            inject: [HttpAdapterHost],
            useFactory: (host: HttpAdapterHost) => new ConsoleNotBuilt(host, dir),
          },
        ],
      };
    }
    const assets = join(dir, 'assets') + sep;
    return {
      module: ConsoleModule,
      providers: [{ provide: CONSOLE_ROOT, useValue: dir }],
      imports: [
        ServeStaticModule.forRoot({
          rootPath: dir,
          exclude: NOT_A_CONSOLE_ROUTE,
          serveStaticOptions: {
            setHeaders: (res: Response, path: string) => {
              res.setHeader('Cache-Control', path.startsWith(assets) ? ASSET_CACHE : 'no-cache');
            },
          },
        }),
      ],
    };
  }
}
