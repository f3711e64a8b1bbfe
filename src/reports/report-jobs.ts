import type { FanoutPayload } from '../notifications/fanout-payload';
import type { OutboxItem } from '../outbox/outbox.service';
import { QUEUES } from '../queues/queue-names';

/** A notification about a report ("tell whoever subscribed"), resolved into deliveries by the notifications module. */
export function fanout(id: string, payload: FanoutPayload): OutboxItem {
  return { id, queue: QUEUES.notifications, kind: 'fanout', payload: payload as unknown as Record<string, unknown> };
}
