import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config';
import { durationMs } from '../common';

/**
 * Report handling settings (REPORT_ACK_WITHIN, validated with the rest of the configuration at
 * start-up). A product default, not regulation: the schema of requirements/reporting-rules.yaml
 * admits no acknowledgement window, and the rules set none. How deliveries retry
 * (REPORT_DELIVERY_BACKOFF, REPORT_DELIVERY_MAX_ATTEMPTS) is the deliveries queue's configuration,
 * in queues.module.ts.
 */
@Injectable()
export class ReportsConfig {
  readonly ackWithinMs: number;

  constructor(config: AppConfig) {
    this.ackWithinMs = durationMs(config.REPORT_ACK_WITHIN);
  }
}
