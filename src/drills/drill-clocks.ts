import { Injectable, OnModuleInit } from '@nestjs/common';
import { Users } from '../accounts';
import { AuditService } from '../audit';
import { DRILL_REMINDER, type DrillReminderRef, TimerHandlers } from '../clocks';
import { TransactionRunner } from '../database';
import type { FanoutPayload } from '../notifications';
import { OutboxService } from '../outbox';
import { QUEUES, jobId } from '../queues';
import { Drill } from './drill.entities';

/** The notification event a drill reminder fans out (opt-in by name, see notifications/routing.ts). */
export const DRILL_REMINDER_EVENT = 'drill.reminder';

/**
 * A drill's reminders (DRILL_REMINDER jobs on the timers queue). A reminder is sent once: the row says
 * which were sent, so a job that runs twice, late, or after the drill was started or cancelled changes
 * nothing. Participants are told through the notifications module: one fan-out to the organisation's
 * subscriptions to `drill.reminder`, naming the participants (a channel reaches people, a user row has
 * no channel of its own).
 */
@Injectable()
export class DrillClocks implements OnModuleInit {
  constructor(
    private readonly handlers: TimerHandlers,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly users: Users,
  ) {}

  onModuleInit(): void {
    this.handlers.on(DRILL_REMINDER, 'due', (ref) => this.remind(ref), DrillClocks.name);
  }

  async remind(ref: DrillReminderRef): Promise<string> {
    return this.tx.run(async (em) => {
      const drill = await em.getRepository(Drill).findOneBy({ id: ref.drillId });
      if (!drill || drill.status !== 'scheduled') return 'stale';
      const reminder = drill.reminders.find((r) => r.before === ref.before);
      if (!reminder || reminder.status !== 'pending') return 'stale';
      const now = new Date().toISOString();
      drill.reminders = drill.reminders.map((r) => (r === reminder ? { ...r, status: 'sent', sentAt: now } : r));
      drill.updatedAt = now;
      await em.getRepository(Drill).save(drill);
      const people = await this.users.findMany(drill.participants, em);
      const names = drill.participants.map((id) => people.get(id)?.name ?? id);
      const entry = await this.audit.append(em, {
        actor: { system: 'timers', orgId: drill.orgId },
        action: 'drill.reminded',
        payload: { drillId: drill.id, title: drill.title, before: ref.before, startsAt: drill.startsAt },
      });
      const fanout: FanoutPayload = {
        orgId: drill.orgId,
        event: DRILL_REMINDER_EVENT,
        drill: true,
        grade: drill.grade,
        data: {
          drillId: drill.id,
          title: drill.title,
          startsAt: drill.startsAt,
          before: ref.before,
          scope: drill.scope,
          participants: names.join('、'),
          participantIds: drill.participants,
        },
      };
      await this.outbox.add(em, [
        {
          id: jobId('nt', 'drill', drill.id, ref.before, entry.seq),
          queue: QUEUES.notifications,
          kind: 'fanout',
          payload: { ...fanout },
        },
      ]);
      return 'applied';
    });
  }
}
