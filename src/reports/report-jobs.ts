import type { FanoutPayload } from '../notifications/fanout-payload';
import type { OutboxItem } from '../outbox/outbox.service';
import { QUEUES, jobId } from '../queues/queue-names';

/** A notification about a report ("tell whoever subscribed"), resolved into deliveries by the notifications module. */
export function fanout(id: string, payload: FanoutPayload): OutboxItem {
  return { id, queue: QUEUES.notifications, kind: 'fanout', payload: payload as unknown as Record<string, unknown> };
}

/** Job ids of a delivery's acknowledgement clock (the due job and every escalation step). */
function ackJobIds(deliveryId: string, steps: number): string[] {
  return [
    jobId('rpt', deliveryId, 'ack'),
    ...Array.from({ length: steps }, (_, i) => jobId('rpt', deliveryId, 'ack', 'esc', i + 1)),
  ];
}

export function cancelAckJobs(deliveryId: string, steps: number): OutboxItem {
  return {
    id: jobId('cancel', 'rpt', deliveryId, 'ack'),
    queue: QUEUES.timers,
    kind: 'cancel',
    payload: { jobIds: ackJobIds(deliveryId, steps) },
  };
}
