import { ChannelKind } from './types';
import { asObject, httpUrl, onlyKeys, optBool, optTimeout } from './validate';

/** The three group-robot channels share one config shape: the robot's webhook URL plus transport knobs. */
export interface RobotConfig {
  url: string;
  timeoutMs?: number;
  allowInsecureHttp?: boolean;
}

export function validateRobotConfig(kind: ChannelKind, config: unknown): { config: RobotConfig; url: URL } {
  const o = asObject(kind, config, '(config)');
  onlyKeys(kind, o, ['url', 'timeoutMs', 'allowInsecureHttp']);
  const allowInsecureHttp = optBool(kind, o, 'allowInsecureHttp');
  const url = httpUrl(kind, o, 'url', allowInsecureHttp === true);
  const out: RobotConfig = { url: url.toString() };
  const timeoutMs = optTimeout(kind, o);
  if (timeoutMs !== undefined) out.timeoutMs = timeoutMs;
  if (allowInsecureHttp !== undefined) out.allowInsecureHttp = allowInsecureHttp;
  return { config: out, url };
}
