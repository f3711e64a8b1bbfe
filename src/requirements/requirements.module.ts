import { Module } from '@nestjs/common';
import { isAbsolute, join, relative } from 'node:path';
import type { AppConfig } from '../config';
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
 * The requirement catalogue's API. The catalogue itself is loaded and validated by the entrypoint
 * before Nest starts (src/bootstrap.ts), so a broken catalogue stops the start-up with one line
 * and nothing half-built, and is provided with the configuration.
 */
@Module({
  controllers: [RequirementsController],
  providers: [RequirementsService],
  exports: [RequirementsService],
})
export class RequirementsModule {}
