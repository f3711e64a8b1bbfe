import { CHANNEL_KINDS, channelFor, ChannelKind, isChannelKind } from '../../../src/notifications/channels';

describe('channelFor', () => {
  it('returns a channel of the requested kind for every kind', () => {
    for (const kind of CHANNEL_KINDS) {
      const ch = channelFor(kind);
      expect(ch.kind).toBe(kind);
      expect(typeof ch.validateConfig).toBe('function');
      expect(typeof ch.send).toBe('function');
    }
    expect([...CHANNEL_KINDS].sort()).toEqual(['dingtalk', 'email', 'feishu', 'webhook', 'wecom']);
  });

  it('throws for an unknown kind and says which ones exist', () => {
    expect(() => channelFor('sms' as ChannelKind)).toThrow(/unknown notification channel kind "sms".*webhook/);
    expect(isChannelKind('feishu')).toBe(true);
    expect(isChannelKind('slack')).toBe(false);
  });

  it('each channel validates a config with its field-naming error', () => {
    for (const kind of CHANNEL_KINDS) {
      expect(() => channelFor(kind).validateConfig(null)).toThrow(
        new RegExp(`^${kind} channel config: "\\(config\\)" must be an object`),
      );
    }
  });
});
