import type { Grade, Role } from '../common';

/**
 * The contract of a `fanout` outbox item: "this happened in this organisation; tell whoever
 * subscribed". Written to the outbox by the engine (workflow `notify` effects), escalation, reports
 * and warnings; FanoutService resolves it into one delivery per matching subscription while the
 * writing transaction is still open, so no `fanout` job ever reaches the queue.
 */
export interface FanoutPayload {
  orgId: string;
  /**
   * Workflow notify event (e.g. incident.confirmed, deadline.missed) or a domain event (escalation, report.submitted,
   * warning.received…).
   */
  event: string;
  data: Record<string, unknown>;
  drill: boolean;
  incidentId?: string | null;
  grade?: Grade | null;
  warningId?: string | null;
  reportId?: string | null;
  /** Escalation: the role this step is addressed to (commander, leader, admin). */
  role?: Role;
  /**
   * A plan's notification step (`plan.notification`): whom it addresses. The subscriptions on `channel`
   * (any when absent) that serve `role` (any when absent) get it, whatever events they list.
   */
  notify?: { role?: string; channel?: string };
}
