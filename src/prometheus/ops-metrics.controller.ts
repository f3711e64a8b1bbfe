import { Controller, Get, NotFoundException, Next, Req, Res, UnauthorizedException } from '@nestjs/common';
import {
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Public } from '../auth';
import { AppConfig } from '../config';
import { ApiStandardErrors, ErrorBody } from '../http';
import { OpsMetrics } from './ops-metrics';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * `GET /metrics` for Prometheus. Not public: the scraper sends `Authorization: Bearer <METRICS_TOKEN>`;
 * without METRICS_TOKEN set the endpoint does not exist (404). It is no API token: the people who
 * run the service hold it, and it opens nothing else. A browser navigating to `/metrics` (Accept:
 * text/html) gets the console's figures page instead, which has the same address.
 */
@ApiStandardErrors()
@ApiTags('operations')
@Public()
@Controller()
export class OpsMetricsController {
  private readonly token: Buffer | null;

  constructor(
    private readonly metrics: OpsMetrics,
    config: AppConfig,
  ) {
    this.token = config.METRICS_TOKEN ? digest(config.METRICS_TOKEN) : null;
  }

  @Get('metrics')
  @ApiOperation({
    summary:
      'Operations metrics in the Prometheus text format: HTTP latency by route, queue depths and failed jobs, ' +
      'outbox backlog and age, notification deliveries by status, timer lateness, database transaction time',
    description: 'Needs `Authorization: Bearer <METRICS_TOKEN>`; absent when METRICS_TOKEN is not set.',
  })
  @ApiHeader({ name: 'Authorization', required: true, description: 'Bearer <METRICS_TOKEN>' })
  @ApiOkResponse({
    description: 'The Prometheus text exposition format, version 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiUnauthorizedResponse({ type: ErrorBody, description: 'No bearer token, or not METRICS_TOKEN' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'METRICS_TOKEN is not set: no metrics are served' })
  async scrape(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    // The console's own page at this address, for a browser's navigation.
    if ((req.headers.accept ?? '').includes('text/html')) return next();
    if (!this.token) throw new NotFoundException('Operations metrics are off: set METRICS_TOKEN');
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
    if (!given || !timingSafeEqual(digest(given), this.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedException('The metrics need Authorization: Bearer <METRICS_TOKEN>');
    }
    const text = await this.metrics.registry.metrics();
    res.status(200).setHeader('Content-Type', this.metrics.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(text);
  }
}
