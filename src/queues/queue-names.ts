/** BullMQ queues. Job names within a queue say what to do; job ids are deterministic (see outbox). */
export const QUEUES = {
  /** Deadline reminders, deadline-passed events and escalation steps (delayed jobs). */
  timers: 'timers',
  /** One job per notification delivery to one channel. */
  notifications: 'notifications',
  /** Delivery of submitted reports to external recipients. */
  deliveries: 'deliveries',
  /** Polls of external TAXII collections (one job scheduler per subscription). */
  taxii: 'taxii',
  /** Fan-out of an issued early warning to its operators, one batch of operators per job. */
  warnings: 'warnings',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES: QueueName[] = Object.values(QUEUES);

/**
 * BullMQ job ids may not contain ':' and may not be all digits. Our ids are built from UUIDs and
 * names joined with '.', so they are neither.
 */
export function jobId(...parts: Array<string | number>): string {
  const id = parts.map(String).join('.');
  if (id.includes(':') || /^\d+$/.test(id)) throw new Error(`invalid job id ${id}`);
  return id;
}
