import { EgressPolicy, parseEgressAllow } from '../../../../src/egress/egress-policy';
import type { NotificationChannel } from '../../../../src/notifications/channels';

/** What a deployment that runs its receivers on this machine sets: EGRESS_ALLOW=127.0.0.1. */
export const LOOPBACK_EGRESS = new EgressPolicy(parseEgressAllow('127.0.0.1'));

/** The channel, sending through the loopback allow-list unless a test passes another policy. */
export function throughLoopbackAllowList<C, T extends NotificationChannel<C>>(channel: T): T {
  return new Proxy(channel, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (config: C, message: Parameters<T['send']>[1], secret?: string, context: Parameters<T['send']>[3] = {}) =>
        target.send(config, message, secret, { egress: LOOPBACK_EGRESS, ...context });
    },
  });
}
