import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../auth';
import { RedisHealthIndicator } from './redis.health';

type CheckStatus = 'up' | 'down';

class HealthView {
  @ApiProperty({ enum: ['ok'] }) status!: string;
}

class ReadinessChecksView {
  @ApiProperty({ enum: ['up', 'down'] }) database!: string;
  @ApiProperty({ enum: ['up', 'down'] }) redis!: string;
}

class ReadinessView {
  @ApiProperty({ enum: ['ready', 'not-ready'] }) status!: string;
  @ApiProperty({ type: ReadinessChecksView }) checks!: ReadinessChecksView;
}

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly checks: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /**
   * Liveness: the process answers. Deliberately checks nothing else, so a Redis outage does not get the process
   * restarted.
   */
  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers (checks nothing else)' })
  @ApiOkResponse({ type: HealthView, example: { status: 'ok' } })
  async health() {
    const result = await this.checks.check([]);
    return { status: result.status };
  }

  /** Readiness: the database and Redis both answer (each within a second). */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database and Redis both answer' })
  @ApiOkResponse({ type: ReadinessView, example: { status: 'ready', checks: { database: 'up', redis: 'up' } } })
  @ApiServiceUnavailableResponse({
    type: ReadinessView,
    example: { status: 'not-ready', checks: { database: 'up', redis: 'down' } },
  })
  async ready(@Res({ passthrough: true }) res: Response) {
    const result = await this.readiness();
    const status = (key: string): CheckStatus => (result.details[key]?.status === 'up' ? 'up' : 'down');
    const ok = result.status === 'ok';
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    // The answer keeps the shape it had before terminus, which probes and scripts already read.
    return { status: ok ? 'ready' : 'not-ready', checks: { database: status('database'), redis: status('redis') } };
  }

  /** Terminus answers a failed check by throwing its result; here it is a result like any other. */
  private async readiness(): Promise<HealthCheckResult> {
    try {
      return await this.checks.check([
        () => this.database.pingCheck('database').withTimeout(1000),
        () => this.redis.pingCheck('redis'),
      ]);
    } catch (err) {
      if (err instanceof ServiceUnavailableException) return err.getResponse() as HealthCheckResult;
      throw err;
    }
  }
}
