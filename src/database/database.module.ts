import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config';
import { dataSourceOptions } from './data-source-options';
import { SequenceRow } from './sequence.entity';
import { TransactionRunner } from './transaction-runner';

@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([SequenceRow]),
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      // Pending migrations run at start-up: the embedded default has no separate deploy step.
      // Each module registers its own entities (TypeOrmModule.forFeature); autoLoadEntities collects them.
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config),
        autoLoadEntities: true,
        migrationsRun: true,
      }),
    }),
  ],
  providers: [TransactionRunner],
  exports: [TransactionRunner],
})
export class DatabaseModule {}
