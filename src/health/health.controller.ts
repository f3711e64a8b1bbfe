import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/decorators';
import { RedisHealth } from '../redis/redis.module';

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
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  health() {
    return { status: 'ok' };
  }

  /** Readiness: the database and Redis both answer. */
  @Get('ready')
  @ApiOkResponse({ schema: { example: { status: 'ready', checks: { database: 'up', redis: 'up' } } } })
  @ApiServiceUnavailableResponse({
    schema: { example: { status: 'not-ready', checks: { database: 'up', redis: 'down' } } },
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
