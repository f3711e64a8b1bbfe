import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/decorators';
import { RedisHealth } from '../redis/redis.module';

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
    private readonly dataSource: DataSource,
    private readonly redis: RedisHealth,
  ) {}

  /**
   * Liveness: the process answers. Deliberately checks nothing else, so a Redis outage does not get the process
   * restarted.
   */
  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers (checks nothing else)' })
  @ApiOkResponse({ type: HealthView, example: { status: 'ok' } })
  health() {
    return { status: 'ok' };
  }

  /** Readiness: the database and Redis both answer. */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database and Redis both answer' })
  @ApiOkResponse({ type: ReadinessView, example: { status: 'ready', checks: { database: 'up', redis: 'up' } } })
  @ApiServiceUnavailableResponse({
    type: ReadinessView,
    example: { status: 'not-ready', checks: { database: 'up', redis: 'down' } },
  })
  async ready(@Res({ passthrough: true }) res: Response) {
    const [database, redis] = await Promise.all([this.databaseUp(), this.redis.ping()]);
    const checks = { database: database ? 'up' : 'down', redis: redis ? 'up' : 'down' };
    const ok = database && redis;
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ready' : 'not-ready', checks };
  }

  private async databaseUp(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}
