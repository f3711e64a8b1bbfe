import { DynamicModule, Global, Module } from '@nestjs/common';
import { isAbsolute, join, relative } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { Catalogue, CatalogueError, defaultCatalogueDir, loadCatalogue } from './catalogue';
import { RequirementsController } from './requirements.controller';
import { RequirementsService } from './requirements.service';

/** Loads the catalogue named by REQUIREMENTS_DIR (default: the shipped requirements/). */
export function catalogueFromConfig(config: Pick<AppConfig, 'REQUIREMENTS_DIR'>): Catalogue {
  const dir = config.REQUIREMENTS_DIR ?? defaultCatalogueDir();
  try {
    return loadCatalogue(dir);
  } catch (e) {
    if (!(e instanceof CatalogueError)) throw e;
    // The loader names files relative to the catalogue directory; with REQUIREMENTS_DIR an operator
    // may be editing a copy elsewhere, so say which directory the file is in.
    const rel = relative(process.cwd(), join(dir, e.file));
    throw new CatalogueError(rel.startsWith('..') || isAbsolute(rel) ? join(dir, e.file) : rel, e.path, e.problem);
  }
}

/**
 * The requirement catalogue for the whole process (API and workers: timers read deadlines from it),
 * loaded once at start-up.
 *
 * Why a Promise<DynamicModule> rather than a provider factory: Nest builds every module's providers
 * concurrently, so a factory that throws leaves the others (BullMQ queues, the database) half-built
 * and never closed; the process would hang reconnecting to a Redis that start-up has already
 * stopped. A rejected module promise fails Nest's scan instead, before any provider exists, and
 * startService reports the CatalogueError as its one line.
 */
@Global()
@Module({})
export class RequirementsModule {
  static forRoot(config: Pick<AppConfig, 'REQUIREMENTS_DIR'>): Promise<DynamicModule> {
    const loaded = (async (): Promise<DynamicModule> => {
      const catalogue = catalogueFromConfig(config);
      return {
        module: RequirementsModule,
        global: true,
        controllers: [RequirementsController],
        providers: [{ provide: Catalogue, useValue: catalogue }, RequirementsService],
        exports: [Catalogue, RequirementsService],
      };
    })();
    // Nest awaits this promise during its scan, a few ticks later; until then a rejection must not
    // count as unhandled (Node would end the process before the one-line message is printed).
    loaded.catch(() => undefined);
    return loaded;
  }
}
