import { ConflictException, Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit';
import {
  EscalationLadder,
  type LadderBinding,
  type LadderState,
  TimerHandlers,
  WARNING_FEEDBACK,
  type WarningFeedbackRef,
} from '../clocks';
import type { FanoutPayload } from '../notifications';
import type { OutboxItem } from '../outbox';
import { QUEUES, jobId } from '../queues';
import { WarningEngine, type WarningEvent } from './warning-engine.service';
import { Warning } from './warning.entity';
import { WarningTarget } from './warning-target.entity';

interface FeedbackState extends LadderState {
  target: WarningTarget;
}

/**
 * A warned operator's feedback clock. Its reminder and due time go back into the warning workflow
 * (which refuses a timer event for a stale generation or a state already left: here that is "nothing
 * to do", not an error to retry); after a miss the operator's commander, then its leader, then its
 * admin are told, one escalation step at a time, until feedback arrives.
 */
@Injectable()
export class WarningClocks implements OnModuleInit {
  constructor(
    private readonly handlers: TimerHandlers,
    private readonly ladder: EscalationLadder,
    private readonly engine: WarningEngine,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    const owner = WarningClocks.name;
    this.handlers.on(
      WARNING_FEEDBACK,
      'reminder',
      (ref, d) =>
        this.send(ref, {
          type: 'DEADLINE_REMINDER',
          timer: ref.timer,
          generation: ref.generation,
          fraction: d.fraction,
        }),
      owner,
    );
    this.handlers.on(
      WARNING_FEEDBACK,
      'due',
      (ref) => this.send(ref, { type: 'DEADLINE_MISSED', timer: ref.timer, generation: ref.generation }),
      owner,
    );
    this.ladder.bind(WARNING_FEEDBACK, this.escalation, owner);
  }

  private async send(ref: WarningFeedbackRef, event: WarningEvent): Promise<string> {
    try {
      await this.engine.apply({ system: 'timers', orgId: ref.operatorOrgId }, ref.warningId, ref.operatorOrgId, event);
      return 'applied';
    } catch (err) {
      if (err instanceof ConflictException || err instanceof NotFoundException) return 'stale';
      throw err;
    }
  }

  private readonly escalation: LadderBinding<WarningFeedbackRef, FeedbackState> = {
    load: async (em: EntityManager, ref) => {
      const target = await em
        .getRepository(WarningTarget)
        .findOneBy({ warningId: ref.warningId, operatorOrgId: ref.operatorOrgId });
      if (!target) return null;
      const overdue =
        target.deadlineGeneration === ref.generation && target.deadlineStatus === 'missed' && !target.feedbackAt;
      return { level: target.escalationLevel, overdue, target };
    },
    record: async (em, ref, { target }, { level, role, now }): Promise<OutboxItem[]> => {
      const { warningId, operatorOrgId, timer, generation } = ref;
      const warning = await em.getRepository(Warning).findOneByOrFail({ id: warningId });
      await em
        .getRepository(WarningTarget)
        .update({ warningId, operatorOrgId }, { escalationLevel: level, updatedAt: now.toISOString() });
      await this.audit.append(em, {
        actor: { system: 'timers', orgId: operatorOrgId },
        orgId: operatorOrgId,
        action: 'warning.feedback-escalated',
        payload: {
          warningId,
          reference: warning.reference,
          timer,
          generation,
          level,
          role,
          dueAt: target.dueAt,
          drill: warning.drill,
        },
      });
      const fanout: FanoutPayload = {
        orgId: operatorOrgId,
        warningId,
        event: 'escalation',
        drill: warning.drill,
        role,
        data: {
          timer,
          level,
          role,
          dueAt: target.dueAt,
          reference: warning.reference,
          title: warning.title,
          warningLevel: warning.level,
        },
      };
      return [
        {
          id: jobId('nt', 'w', warningId, operatorOrgId, 'esc', generation, level),
          queue: QUEUES.notifications,
          kind: 'fanout',
          payload: { ...fanout },
        },
      ];
    },
  };
}
