import { BadRequestException } from '@nestjs/common';
import { CHANNEL_KINDS, channelFor, ChannelConfigError } from '../../../src/notifications/channels';
import { validateChannelConfig } from '../../../src/notifications/channel-config';

describe('channel configs validated by DTO classes', () => {
  it('every kind refuses an unknown field and says which fields there are', () => {
    for (const kind of CHANNEL_KINDS) {
      let error: unknown;
      try {
        channelFor(kind).validateConfig({ colour: 'red' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ChannelConfigError);
      expect((error as ChannelConfigError).problems[0]).toEqual({
        field: 'colour',
        problem: expect.stringMatching(/^is not a known field \(allowed: .*timeoutMs/),
      });
    }
  });

  it('answers a request with a 400 naming every field at fault under config.', () => {
    let error: unknown;
    try {
      validateChannelConfig('email', {
        host: 'smtp.example.cn',
        port: 0,
        secure: 'yes',
        from: 'x',
        to: ['ok@example.cn', 'no'],
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BadRequestException);
    const body = (error as BadRequestException).getResponse() as {
      details: Array<{ field: string; messages: string[] }>;
    };
    expect(body.details.map((d) => d.field)).toEqual(['config.port', 'config.secure', 'config.from', 'config.to[1]']);
    expect(body.details[3]!.messages).toEqual(['email channel config: "to[1]" must be an email address']);
  });

  it('keeps what was valid in its normal form: trimmed text, the URL as URL writes it', () => {
    expect(channelFor('webhook').validateConfig({ url: ' https://siem.example.com ', timeoutMs: 500 })).toEqual({
      url: 'https://siem.example.com/',
      timeoutMs: 500,
    });
    expect(
      channelFor('email').validateConfig({
        host: ' smtp.example.cn ',
        port: 465,
        secure: true,
        from: ' soc@example.cn ',
        to: [' a@example.cn '],
        auth: { user: ' notifier ' },
      }),
    ).toEqual({
      host: 'smtp.example.cn',
      port: 465,
      secure: true,
      from: 'soc@example.cn',
      to: ['a@example.cn'],
      auth: { user: 'notifier' },
    });
  });
});
