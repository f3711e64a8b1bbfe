import { DEFAULT_TIMEOUT_MS, postJson, robotResult, truncateUtf8, urlSecrets } from './http';
import { stripControls } from './markdown';
import {
  ChannelUrl,
  OptionalBoolean,
  OptionalTimeout,
  usableUrl,
  RobotConfig,
  robotConfig,
  Rule,
  validateConfigDto,
} from './config-validation';
import { DeliveryResult, NotificationChannel, RenderedMessage, SendContext } from './types';

/**
 * WeCom (企业微信) group robot.
 *
 * Confirmed (search, corpus docs, Nov 2026: developer.work.weixin.qq.com/document/path/91770 as
 * reproduced on cnblogs.com/tiandi/p/17768525.html, blog.csdn.net/LIFENG0402/article/details/111051239
 * and github.com/walkthunder/action-wecom-webhook): POST JSON to
 * https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<key>, body
 * { "msgtype": "markdown", "markdown": { "content": "…" } }, content at most 4096 bytes UTF-8,
 * reply { "errcode": 0, "errmsg": "ok" } on success.
 *
 * Error codes — confidence: unverified (recalled, not read in WeCom's own error-code table):
 * 93000 means the webhook key is invalid or the robot was removed; retrying cannot help, so it is
 * the one permanent failure. Everything else (e.g. 45009 rate limit, -1 busy) is retryable.
 *
 * The key grants posting rights, so it may be kept out of the stored URL: configure
 * `https://qyapi.weixin.qq.com/cgi-bin/webhook/send` and pass the key as the channel secret.
 */

export type WecomConfig = RobotConfig;

/** WeCom's config: the robot shape; a `key` in the URL (rather than as the secret) must not be empty. */
export class WecomConfigDto implements RobotConfig {
  @ChannelUrl()
  @Rule('wecomKey', (v, o) => {
    const url = usableUrl(v, o);
    return url?.searchParams.has('key') && !url.searchParams.get('key') ? 'has an empty key parameter' : undefined;
  })
  url!: string;

  @OptionalTimeout() timeoutMs?: number;
  @OptionalBoolean() allowInsecureHttp?: boolean;
}

export const WECOM_PERMANENT_ERRCODES: ReadonlySet<number> = new Set([93000]);
export const WECOM_MARKDOWN_MAX_BYTES = 4096;

export class WecomChannel implements NotificationChannel<WecomConfig> {
  readonly kind = 'wecom' as const;

  validateConfig(config: unknown): WecomConfig {
    return robotConfig(validateConfigDto(this.kind, WecomConfigDto, config));
  }

  static buildBody(message: RenderedMessage): { msgtype: 'markdown'; markdown: { content: string } } {
    const content = truncateUtf8(stripControls(`## ${message.title}\n\n${message.text}`), WECOM_MARKDOWN_MAX_BYTES);
    return { msgtype: 'markdown', markdown: { content } };
  }

  async send(
    config: WecomConfig,
    message: RenderedMessage,
    secret?: string,
    context: SendContext = {},
  ): Promise<DeliveryResult> {
    const url = new URL(config.url);
    if (!url.searchParams.get('key')) {
      if (!secret)
        return {
          ok: false,
          error: 'wecom robot key missing: neither in the URL nor given as the secret',
          retryable: false,
        };
      url.searchParams.set('key', secret);
    }
    const secrets = [secret, ...urlSecrets(url)];
    const attempt = await postJson(url, JSON.stringify(WecomChannel.buildBody(message)), {
      timeoutMs: context.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      secrets,
      egress: context.egress,
    });
    if (!attempt.ok) return attempt.result;
    return robotResult(attempt.response, 'errcode', WECOM_PERMANENT_ERRCODES, secrets);
  }
}
