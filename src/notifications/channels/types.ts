import type { EgressPolicy } from '../../egress';

/**
 * The contract every notification channel implements. Channels are plain classes with no Nest
 * wiring: the delivery processor picks one with `channelFor(kind)`, validates the stored config,
 * opens the sealed secret and calls `send`. A channel never throws for a delivery problem — it
 * returns a DeliveryResult whose `retryable` tells the processor whether another attempt can help.
 */

export type ChannelKind = 'webhook' | 'email' | 'wecom' | 'dingtalk' | 'feishu';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['webhook', 'email', 'wecom', 'dingtalk', 'feishu'];

export type Locale = 'zh-CN' | 'en';

export interface RenderedMessage {
  title: string;
  /** Markdown-ish body: `**bold**`, `# heading`, `> quote`, `- item`; channels downgrade it as they must. */
  text: string;
  locale: Locale;
  drill: boolean;
  /** The event the message was rendered for (set by renderMessage); the webhook carries it. */
  event?: string;
}

export interface DeliveryResult {
  ok: boolean;
  /** HTTP status, or the SMTP reply code for email. */
  status?: number;
  /** What the receiver said, truncated and with secrets scrubbed. */
  response?: string;
  error?: string;
  /**
   * `error` without the receiver's words (robot errmsg, SMTP reply text), where those may not be
   * echoed (the subscription test endpoint); absent when `error` holds none.
   */
  reason?: string;
  retryable: boolean;
}

export interface EmailAttachment {
  filename: string;
  content: Buffer | string;
  contentType: string;
}

/**
 * What a send needs beyond the rendered message. The processor passes the same `deliveryId` on
 * every attempt of one delivery (e.g. the outbox row id) so receivers can drop duplicates.
 */
export interface SendContext {
  /** Stable across retries of one delivery; a random UUID is used when absent (idempotency is then lost). */
  deliveryId?: string;
  /** Overrides `message.event` for the webhook body. */
  event?: string;
  /** Structured payload for the generic webhook (`data` in its body); ignored by the other channels. */
  data?: Record<string, unknown>;
  /** Files for the email channel (reports); ignored by the other channels. */
  attachments?: EmailAttachment[];
  /** Overrides the channel config's timeout for this attempt. */
  timeoutMs?: number;
  /** The deployment's egress policy (EGRESS_ALLOW); when absent only public destinations are reached. */
  egress?: EgressPolicy;
  /** Clock for signatures and `sentAt`; tests pin it. */
  now?: () => Date;
}

export interface NotificationChannel<C> {
  readonly kind: ChannelKind;
  /**
   * Returns the typed config (validated by the channel's DTO class, see config-validation.ts) or
   * throws ChannelConfigError naming the offending field.
   */
  validateConfig(config: unknown): C;
  send(config: C, message: RenderedMessage, secret?: string, context?: SendContext): Promise<DeliveryResult>;
}

/** One thing wrong with a channel config: the field's dotted path (`tls.minVersion`, `to[1]`) and what. */
export interface ConfigProblem {
  field: string;
  problem: string;
}

export class ChannelConfigError extends Error {
  constructor(
    readonly kind: ChannelKind,
    /** Dotted path of the (first) offending field, e.g. `tls.minVersion`. */
    readonly field: string,
    problem: string,
    /** Every problem found, the first one included. */
    readonly problems: readonly ConfigProblem[] = [{ field, problem }],
  ) {
    super(`${kind} channel config: "${field}" ${problem}`);
    this.name = 'ChannelConfigError';
  }
}
