import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { durationMs } from '../common/duration';

/**
 * Report handling settings (REPORT_ACK_WITHIN, REPORT_DELIVERY_BACKOFF, REPORT_DELIVERY_MAX_ATTEMPTS,
 * validated with the rest of the configuration at start-up). Product defaults, not regulation: the
 * schema of requirements/reporting-rules.yaml admits no acknowledgement window, and the rules set none.
 */
@Injectable()
export class ReportsConfig {
  readonly ackWithinMs: number;
  readonly deliveryBackoffMs: number;
  readonly deliveryMaxAttempts: number;

  constructor(config: AppConfig) {
    this.ackWithinMs = durationMs(config.REPORT_ACK_WITHIN);
    this.deliveryBackoffMs = durationMs(config.REPORT_DELIVERY_BACKOFF);
    this.deliveryMaxAttempts = config.REPORT_DELIVERY_MAX_ATTEMPTS;
  }

  /** Delay before attempt n+1 after n failed attempts: backoff · 2^(n-1), at most one hour. */
  retryDelayMs(failedAttempts: number): number {
    return Math.min(this.deliveryBackoffMs * 2 ** Math.max(0, failedAttempts - 1), 3600_000);
  }
}
