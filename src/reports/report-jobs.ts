import type { FanoutPayload } from '../notifications';
import type { OutboxItem } from '../outbox';
import { QUEUES } from '../queues';

/** A notification about a report ("tell whoever subscribed"), resolved into deliveries by the notifications module. */
export function fanout(id: string, payload: FanoutPayload): OutboxItem {
  return { id, queue: QUEUES.notifications, kind: 'fanout', payload: payload as unknown as Record<string, unknown> };
}
