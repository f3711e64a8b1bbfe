// Entry point for the TypeORM CLI (`npm run migration:generate -- src/database/migrations/<Name>`).
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './config/app-config';
import { dataSourceOptions } from './database/data-source-options';
import { ENTITIES } from './entities';

export default new DataSource(dataSourceOptions(loadConfig(), { entities: ENTITIES }));
