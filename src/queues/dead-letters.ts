import { getQueueToken } from '@nestjs/bullmq';
import { Controller, ForbiddenException, Get, Injectable, Module, Query } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Job, Queue } from 'bullmq';
import { CurrentPrincipal, Roles, type Principal } from '../auth';
import { ApiStandardErrors, ErrorBody } from '../http';
import { QUEUE_NAMES, type QueueName } from './queue-names';
import { QueuesModule } from './queues.module';

/**
 * What a dead letter shows of its job's data: the ids that say which clock, delivery or incident it
 * was for. Message bodies and payloads stay out (a platform admin reads every tenant's dead letters).
 */
const SHOWN_FIELDS = [
  'incidentId',
  'deliveryId',
  'reportId',
  'warningId',
  'operatorOrgId',
  'orgId',
  'timer',
  'generation',
  'level',
  'fraction',
  'outboxId',
] as const;

class DeadLetterQuery {
  @ApiPropertyOptional({ enum: QUEUE_NAMES, description: 'One queue only; all of them when absent' })
  @IsOptional()
  @IsIn(QUEUE_NAMES)
  queue?: QueueName;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200, description: 'Newest first, per queue' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

class DeadLetterView {
  @ApiProperty({ enum: QUEUE_NAMES }) queue!: string;
  @ApiProperty({ description: 'The job id (deterministic: it names the clock or delivery)' }) id!: string;
  @ApiProperty({ example: 'deadline-due' }) name!: string;
  @ApiProperty() attemptsMade!: number;
  @ApiProperty({ description: 'Attempts it had in all' }) attempts!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The error of its last attempt' })
  failedReason!: string | null;
  @ApiProperty({ type: String, nullable: true }) failedAt!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    description: `The ids in its data: ${SHOWN_FIELDS.join(', ')}`,
  })
  refs!: Record<string, string | number | boolean>;
}

class DeadLetterCountView {
  @ApiProperty({ enum: QUEUE_NAMES }) queue!: string;
  @ApiProperty({ description: 'Jobs in its failed set (kept 30 days)' }) failed!: number;
}

class DeadLettersView {
  @ApiProperty({ type: [DeadLetterCountView] }) counts!: DeadLetterCountView[];
  @ApiProperty({ type: [DeadLetterView] }) items!: DeadLetterView[];
}

/** The jobs that failed on every attempt and will not run again, from each queue's failed set. */
@Injectable()
export class DeadLetters {
  constructor(private readonly moduleRef: ModuleRef) {}

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  async list(q: DeadLetterQuery): Promise<DeadLettersView> {
    const names = q.queue ? [q.queue] : QUEUE_NAMES;
    const limit = q.limit ?? 50;
    const counts: DeadLetterCountView[] = [];
    const items: DeadLetterView[] = [];
    for (const name of names) {
      const queue = this.queue(name);
      counts.push({ queue: name, failed: await queue.getFailedCount() });
      for (const job of (await queue.getFailed(0, limit - 1)).filter((j): j is Job => !!j)) items.push(view(name, job));
    }
    items.sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? ''));
    return { counts, items };
  }
}

function view(queue: QueueName, job: Job): DeadLetterView {
  const data = (job.data ?? {}) as Record<string, unknown>;
  const refs: Record<string, string | number | boolean> = {};
  for (const f of SHOWN_FIELDS) {
    const v = data[f];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') refs[f] = v;
  }
  return {
    queue,
    id: String(job.id),
    name: job.name,
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    failedReason: job.failedReason ?? null,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    refs,
  };
}

@ApiStandardErrors()
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetters) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary:
      'Platform admins: queue jobs that failed on every attempt (timers, notifications, report deliveries), ' +
      'newest first, with the ids they were for',
  })
  @ApiOkResponse({ type: DeadLettersView })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'Not a platform admin' })
  list(@CurrentPrincipal() p: Principal, @Query() q: DeadLetterQuery) {
    if (!p.isPlatformAdmin) throw new ForbiddenException('Only platform admins see the dead letters');
    return this.deadLetters.list(q);
  }
}

/** The dead-letter view: in API processes. */
@Module({ imports: [QueuesModule], controllers: [DeadLettersController], providers: [DeadLetters] })
export class DeadLettersModule {}
