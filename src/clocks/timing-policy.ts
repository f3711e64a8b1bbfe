import { Injectable } from '@nestjs/common';
import { type Role, durationMs } from '../common';
import { AppConfig } from '../config';
import { Catalogue } from '../requirements';

/**
 * When reminders and escalation steps fire. The product defaults live with the reporting rules in
 * requirements/reporting-rules.yaml; REMINDER_FRACTIONS and ESCALATION_STEP_DELAY override them per
 * deployment (and let tests run a whole escalation in seconds).
 */
@Injectable()
export class TimingPolicy {
  readonly reminders: readonly number[];
  readonly escalationSteps: readonly Role[];
  readonly escalationStepDelayMs: number;

  constructor(config: AppConfig, catalogue: Catalogue) {
    this.reminders = config.REMINDER_FRACTIONS
      ? config.REMINDER_FRACTIONS.split(',').map(Number)
      : [...catalogue.reminders];
    this.escalationSteps = catalogue.escalation.steps as Role[];
    this.escalationStepDelayMs = durationMs(config.ESCALATION_STEP_DELAY ?? catalogue.escalation.stepDelay);
  }
}
