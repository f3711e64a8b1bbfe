import { BadRequestException } from '@nestjs/common';
import { badField } from '../common';
import type { EgressPolicy } from '../egress';
import { channelFor, ChannelConfigError, type ChannelKind } from './channels';

/**
 * A channel config from a request body (subscriptions, report recipients), validated by the
 * channel's DTO: a 400 in the standard shape naming every field at fault as `config.<field>`. With
 * an egress policy, a destination written as an IP address the policy refuses is a 400 too (names
 * are judged when connecting, on what they resolve to then).
 */
export function validateChannelConfig(
  kind: ChannelKind,
  config: unknown,
  egress?: EgressPolicy,
): Record<string, unknown> {
  let out: Record<string, unknown>;
  try {
    out = channelFor(kind).validateConfig(config) as unknown as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof ChannelConfigError)) throw err;
    const details = err.problems.map(({ field, problem }) => ({
      field: field === '(config)' ? 'config' : `config.${field}`,
      messages: [`${kind} channel config: "${field}" ${problem}`],
    }));
    throw new BadRequestException({ message: details.map((d) => d.messages[0]).join('; '), details });
  }
  if (egress) {
    const [field, host, port] =
      typeof out.url === 'string'
        ? (() => {
            const u = new URL(out.url);
            return ['config.url', u.hostname, Number(u.port) || (u.protocol === 'https:' ? 443 : 80)] as const;
          })()
        : (['config.host', String(out.host), Number(out.port)] as const);
    const refused = egress.refusalForLiteral(host, port);
    if (refused) throw badField(field, refused.message);
  }
  return out;
}
