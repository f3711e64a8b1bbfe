import { DingtalkChannel } from './dingtalk.channel';
import { EmailChannel } from './email.channel';
import { FeishuChannel } from './feishu.channel';
import { ChannelKind, CHANNEL_KINDS, NotificationChannel } from './types';
import { WebhookChannel } from './webhook.channel';
import { WecomChannel } from './wecom.channel';

export * from './types';
export { DEFAULT_TIMEOUT_MS } from './http';
export {
  WebhookChannel,
  verifyWebhookSignature,
  signWebhookPayload,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  DELIVERY_HEADER,
  EVENT_HEADER,
} from './webhook.channel';
export { WecomChannel, WECOM_PERMANENT_ERRCODES } from './wecom.channel';
export { DingtalkChannel, dingtalkSign, DINGTALK_PERMANENT_ERRCODES } from './dingtalk.channel';
export { FeishuChannel, feishuSign, FEISHU_PERMANENT_CODES } from './feishu.channel';
export { EmailChannel, DRILL_SUBJECT_PREFIX, stripDrillStamp } from './email.channel';
export type { WebhookConfig } from './webhook.channel';
export type { WecomConfig } from './wecom.channel';
export type { DingtalkConfig } from './dingtalk.channel';
export type { FeishuConfig } from './feishu.channel';
export type { EmailConfig } from './email.channel';
export type { RobotConfig } from './config-validation';

/** Maps each kind to its channel's config type, so `channelFor('email')` is typed end to end. */
export interface ChannelConfigMap {
  webhook: import('./webhook.channel').WebhookConfig;
  email: import('./email.channel').EmailConfig;
  wecom: import('./wecom.channel').WecomConfig;
  dingtalk: import('./dingtalk.channel').DingtalkConfig;
  feishu: import('./feishu.channel').FeishuConfig;
}

// Channels are stateless, so one instance of each serves every delivery.
const registry: { [K in ChannelKind]: NotificationChannel<ChannelConfigMap[K]> } = {
  webhook: new WebhookChannel(),
  email: new EmailChannel(),
  wecom: new WecomChannel(),
  dingtalk: new DingtalkChannel(),
  feishu: new FeishuChannel(),
};

export function isChannelKind(value: unknown): value is ChannelKind {
  return typeof value === 'string' && (CHANNEL_KINDS as readonly string[]).includes(value);
}

export function channelFor<K extends ChannelKind>(kind: K): NotificationChannel<ChannelConfigMap[K]> {
  if (!isChannelKind(kind))
    throw new Error(`unknown notification channel kind "${String(kind)}" (known: ${CHANNEL_KINDS.join(', ')})`);
  return registry[kind];
}
