import { createHmac } from 'node:crypto';
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
 * DingTalk (钉钉) custom robot with the "加签" (signed URL) security setting.
 *
 * Confirmed (search, corpus docs, Nov 2026: DingTalk's Python sample as quoted on
 * blog.csdn.net/weixin_31560545/article/details/116255918 and blog.csdn.net/weixin_38367535/article/details/123850940,
 * Java sample on blog.csdn.net/qq_27232885/article/details/106949132, Node gist zhengkai/2d58268f…):
 *   timestamp = milliseconds since the epoch
 *   sign      = urlEncode(base64(HMAC-SHA256(key = secret, message = timestamp + "\n" + secret)))
 * appended as &timestamp=…&sign=… to https://oapi.dingtalk.com/robot/send?access_token=…; body
 * { "msgtype": "markdown", "markdown": { "title", "text" } }; reply { "errcode": 0, "errmsg": "ok" }.
 * The title is only shown in the notification preview, so the text repeats it as a heading.
 *
 * Error codes — confidence: unverified (recalled): 300001 (access_token does not exist) and
 * 310000 (security check failed: wrong signature, keyword missing or IP not allowed — with a
 * freshly computed signature that means wrong configuration) are permanent; anything else
 * (e.g. 130101 / 410100 sending too fast, -1 busy) is retryable.
 * Size limit — confidence: unverified: about 20,000 bytes; we cut the text at 18,000.
 */

export type DingtalkConfig = RobotConfig;

/** DingTalk's config: the robot shape, the URL carrying the access_token (DingTalk has no other place for it). */
export class DingtalkConfigDto implements RobotConfig {
  @ChannelUrl()
  @Rule('dingtalkAccessToken', (v, o) => {
    const url = usableUrl(v, o);
    return url && !url.searchParams.get('access_token')
      ? 'must carry the robot access_token query parameter'
      : undefined;
  })
  url!: string;

  @OptionalTimeout() timeoutMs?: number;
  @OptionalBoolean() allowInsecureHttp?: boolean;
}

export const DINGTALK_PERMANENT_ERRCODES: ReadonlySet<number> = new Set([300001, 310000]);
const DINGTALK_TEXT_MAX_BYTES = 18_000;

/** The base64 signature before URL encoding (URLSearchParams does the encoding when appended). */
export function dingtalkSign(secret: string, timestampMs: string | number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

export class DingtalkChannel implements NotificationChannel<DingtalkConfig> {
  readonly kind = 'dingtalk' as const;

  validateConfig(config: unknown): DingtalkConfig {
    return robotConfig(validateConfigDto(this.kind, DingtalkConfigDto, config));
  }

  static buildBody(message: RenderedMessage): { msgtype: 'markdown'; markdown: { title: string; text: string } } {
    const text = truncateUtf8(stripControls(`### ${message.title}\n\n${message.text}`), DINGTALK_TEXT_MAX_BYTES);
    return { msgtype: 'markdown', markdown: { title: stripControls(message.title), text } };
  }

  async send(
    config: DingtalkConfig,
    message: RenderedMessage,
    secret?: string,
    context: SendContext = {},
  ): Promise<DeliveryResult> {
    const url = new URL(config.url);
    // Without a secret the robot must be protected by keywords or an IP allow-list instead; DingTalk enforces that.
    if (secret) {
      const timestamp = String((context.now ?? (() => new Date()))().getTime());
      url.searchParams.set('timestamp', timestamp);
      url.searchParams.set('sign', dingtalkSign(secret, timestamp));
    }
    const secrets = [secret, ...urlSecrets(url)];
    const attempt = await postJson(url, JSON.stringify(DingtalkChannel.buildBody(message)), {
      timeoutMs: context.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      secrets,
      egress: context.egress,
    });
    if (!attempt.ok) return attempt.result;
    return robotResult(attempt.response, 'errcode', DINGTALK_PERMANENT_ERRCODES, secrets);
  }
}
