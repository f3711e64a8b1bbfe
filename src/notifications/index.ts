/** The notifications module's public entry: what other modules may use. */
export { validateChannelConfig } from './channel-config';
export { channelFor, type DeliveryResult, type RenderedMessage } from './channels';
export { RetryableDeliveryError } from './delivery.service';
export { type FanoutPayload } from './fanout-payload';
export { renderMessage } from './templates';
export {
  CATEGORY_LABELS,
  GRADE_LABELS,
  RECIPIENT_LABELS,
  REPORT_KIND_LABELS,
  formatBeijing,
  label,
} from './templates/labels';
export { deliveryStatusCounts } from './delivery-counts';
