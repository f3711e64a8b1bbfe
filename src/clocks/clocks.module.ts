import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IncidentDeadline } from './incident-deadline.entity';
import { AuditModule } from '../audit';
import { OutboxModule } from '../outbox';
import { QueuesModule } from '../queues';
import { ArrivalHolds } from './arrival-holds';
import { Clocks } from './clocks';
import { DeadlinesController } from './deadlines.controller';
import { DeadlinesService } from './deadlines.service';
import { DeadlineSweeper } from './deadline-sweeper';
import { DeadlineIncidentsRef } from './deadline-incidents';
import { EscalationLadder } from './escalation-ladder';
import { IncidentDeadlines } from './incident-deadlines';
import { TimerHandlers } from './timer-handlers';
import { TimerTransactions } from './timer-transactions';
import { TimersProcessor } from './timers.processor';
import { TimingPolicy } from './timing-policy';

/**
 * Every clock (incident deadlines, report acknowledgement, onward reporting, warning feedback): the
 * planner, the escalation ladder, the timer handler registry, the `incident_deadline` table and the
 * deadline dashboard. The domains that own clocks import this module and register their handlers.
 */
@Module({
  imports: [AuditModule, OutboxModule, TypeOrmModule.forFeature([IncidentDeadline])],
  controllers: [DeadlinesController],
  providers: [
    TimingPolicy,
    Clocks,
    TimerHandlers,
    TimerTransactions,
    EscalationLadder,
    IncidentDeadlines,
    DeadlinesService,
    DeadlineIncidentsRef,
    ArrivalHolds,
  ],
  exports: [TimingPolicy, Clocks, TimerHandlers, TimerTransactions, EscalationLadder, IncidentDeadlines, ArrivalHolds],
})
export class ClocksModule {}

/** The timers queue's processor and the deadline sweeper: only in processes that run workers. */
@Module({ imports: [ClocksModule, QueuesModule], providers: [TimersProcessor, DeadlineSweeper] })
export class ClocksWorkerModule {}
