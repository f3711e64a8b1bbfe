import { DataSource } from 'typeorm';
import { ENTITIES } from '../../src/entities';
import { startTestService, TestService } from '../support/harness';

/**
 * Each module registers its own entities (TypeOrmModule.forFeature); src/entities.ts lists them all
 * for data sources outside Nest (the TypeORM and admin CLIs). The service, with its API and workers,
 * must load exactly that list: an entity registered nowhere, or missing from the list, fails here.
 */
describe('entities registered by their modules', () => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(async () => svc?.close());

  it('are exactly the ones src/entities.ts lists', () => {
    const loaded = svc.app
      .get(DataSource)
      .entityMetadatas.map((m) => m.name)
      .sort();
    expect(loaded).toEqual(ENTITIES.map((e) => e.name).sort());
  });
});
