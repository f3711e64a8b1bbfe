import { createHmac } from 'node:crypto';
import { DEFAULT_TIMEOUT_MS, postJson, robotResult, truncateUtf8, urlSecrets } from './http';
import { markdownToPlain, stripControls } from './markdown';
import {
  ChannelUrl,
  OptionalBoolean,
  OptionalTimeout,
  RobotConfig,
  robotConfig,
  validateConfigDto,
} from './config-validation';
import { DeliveryResult, NotificationChannel, RenderedMessage, SendContext } from './types';

/**
 * Feishu / Lark (飞书) custom bot with "签名校验".
 *
 * Confirmed (search, corpus docs, Nov 2026: the Feishu custom-bot guide as quoted on
 * blog.csdn.net/qq_43108153/article/details/136166075 and blog.csdn.net/zhanglili1993/article/details/136473704,
 * Go client electricbubble/feishu-bot-api, Node sample juejin.cn/post/7391005009667293199):
 *   timestamp = unix seconds (sent as a string), accepted within one hour of Feishu's clock
 *   sign      = base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = empty))
 * — note the key/message swap compared with DingTalk. Both go in the JSON body next to
 * msg_type. Reply { "code": 0, "msg": "success" } (older replies: StatusCode). Failures
 * confirmed there: 19021 sign mismatch or stale timestamp, 19022 IP not allowed, 19024 keyword
 * missing, 9499 bad request — all permanent. 19001 (invalid hook token) is recalled, confidence:
 * unverified, and also treated as permanent. Others (e.g. rate limiting) are retryable.
 * The request body may not exceed 20 KB (same sources); we cut the text at 15,000 bytes.
 *
 * We send msg_type "post" (rich text) with one text element per line: post text elements do
 * not render markdown, so markers are stripped.
 */

export type FeishuConfig = RobotConfig;

/** The Feishu/Lark bot's config: the robot shape (the hook id in the URL, the signing key as the secret). */
export class FeishuConfigDto implements RobotConfig {
  @ChannelUrl() url!: string;
  @OptionalTimeout() timeoutMs?: number;
  @OptionalBoolean() allowInsecureHttp?: boolean;
}

export const FEISHU_PERMANENT_CODES: ReadonlySet<number> = new Set([19001, 19021, 19022, 19024, 9499]);
const FEISHU_TEXT_MAX_BYTES = 15_000;

export function feishuSign(secret: string, timestampSec: string | number): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update(Buffer.alloc(0)).digest('base64');
}

interface FeishuPostBody {
  timestamp?: string;
  sign?: string;
  msg_type: 'post';
  content: {
    post: Partial<Record<'zh_cn' | 'en_us', { title: string; content: Array<Array<{ tag: 'text'; text: string }>> }>>;
  };
}

export class FeishuChannel implements NotificationChannel<FeishuConfig> {
  readonly kind = 'feishu' as const;

  validateConfig(config: unknown): FeishuConfig {
    return robotConfig(validateConfigDto(this.kind, FeishuConfigDto, config));
  }

  static buildBody(message: RenderedMessage): FeishuPostBody {
    const plain = truncateUtf8(stripControls(markdownToPlain(message.text)), FEISHU_TEXT_MAX_BYTES);
    const paragraphs = plain.split('\n').map((line) => [{ tag: 'text' as const, text: line }]);
    const lang = message.locale === 'zh-CN' ? 'zh_cn' : 'en_us';
    return {
      msg_type: 'post',
      content: { post: { [lang]: { title: stripControls(message.title), content: paragraphs } } },
    };
  }

  async send(
    config: FeishuConfig,
    message: RenderedMessage,
    secret?: string,
    context: SendContext = {},
  ): Promise<DeliveryResult> {
    const url = new URL(config.url);
    const body = FeishuChannel.buildBody(message);
    if (secret) {
      const timestamp = String(Math.floor((context.now ?? (() => new Date()))().getTime() / 1000));
      body.timestamp = timestamp;
      body.sign = feishuSign(secret, timestamp);
    }
    // The hook token is the last path segment and grants posting rights: keep it out of results.
    const hookToken = /\/hook\/([^/]+)/.exec(url.pathname)?.[1];
    const secrets = [secret, hookToken, ...urlSecrets(url)];
    const attempt = await postJson(url, JSON.stringify(body), {
      timeoutMs: context.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      secrets,
      egress: context.egress,
    });
    if (!attempt.ok) return attempt.result;
    return robotResult(attempt.response, 'code', FEISHU_PERMANENT_CODES, secrets);
  }
}
