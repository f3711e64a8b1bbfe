import { Global, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config';
import { dataSourceOptions } from './data-source-options';
import { SequenceRow } from './sequence.entity';
import { checkKeyFingerprints, migrate } from './startup';
import { TransactionRunner } from './transaction-runner';

/**
 * Pending migrations run at start-up (the embedded default has no separate deploy step), one process
 * at a time; then the process's keys are checked against the database's. This module's init runs
 * before any other module's (every module depends on it), and nothing touches the database before.
 */
@Injectable()
export class DatabaseStartup implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await migrate(this.dataSource);
    await checkKeyFingerprints(this.dataSource, this.config);
  }
}

@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([SequenceRow]),
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      // Each module registers its own entities (TypeOrmModule.forFeature); autoLoadEntities collects them.
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config), autoLoadEntities: true }),
    }),
  ],
  providers: [TransactionRunner, DatabaseStartup],
  exports: [TransactionRunner],
})
export class DatabaseModule {}
