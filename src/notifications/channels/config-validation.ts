import { applyDecorators } from '@nestjs/common';
import { Transform, plainToInstance, type ClassConstructor } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min, ValidateBy, validateSync, type ValidationError } from 'class-validator';
import { IsOmittable } from '../../http';
import { ChannelConfigError, type ChannelKind, type ConfigProblem } from './types';

/**
 * Channel configs are DTO classes (one per channel kind, beside each channel) validated as request
 * bodies are: class-transformer makes the instance, class-validator checks it with unknown fields
 * refused (a typo such as `rejectUnauthorised` must not fall back to a default silently). What this
 * file adds is the naming: every problem names its field as a dotted path (`tls.minVersion`), down to
 * the element of a list or map (`to[1]`, `headers.X-Route`), in words an administrator understands.
 */

export const MAX_TIMEOUT_MS = 120_000;

/** What is wrong with a value, or undefined when nothing is; `at` names the element it is about. */
export type Problem = string | { at: string; problem: string } | undefined;

const problemText = (p: Problem): string | undefined => (typeof p === 'object' ? p.problem : p);
const problemAt = (p: Problem): string | undefined => (typeof p === 'object' ? p.at : undefined);

/**
 * A rule as a class-validator decorator: `check` sees the value and the object it belongs to (for
 * rules across fields) and says what is wrong. A problem with an `at` names a part of the property,
 * e.g. `[1]` of a list or `.X-Route` of a map (carried to the error through the decorator's context).
 */
export function Rule(name: string, check: (value: unknown, object: Record<string, unknown>) => Problem) {
  const run = (value: unknown, object: object) => check(value, object as Record<string, unknown>);
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value, args) => run(value, args!.object) === undefined,
        defaultMessage: (args) => problemText(run(args!.value, args!.object)) ?? 'is invalid',
      },
    },
    { context: { at: (value: unknown, object: object) => problemAt(run(value, object)) } },
  );
}

export const REQUIRED = 'is required and must be a non-empty string';

/** Strings are taken trimmed (what an administrator pasted with a stray space is what they meant). */
export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** A required, non-empty string. */
export const RequiredString = () =>
  Rule('requiredString', (v) => (typeof v === 'string' && v !== '' ? undefined : REQUIRED));

/** An optional field: left out is fine, null is not. */
export const Omittable = () => IsOmittable({ message: 'may be left out, but not set to null' });

export const OptionalBoolean = () => applyDecorators(Omittable(), IsBoolean({ message: 'must be true or false' }));

export function IntBetween(min: number, max: number) {
  const message = `must be an integer from ${min} to ${max}`;
  return applyDecorators(IsInt({ message }), Min(min, { message }), Max(max, { message }));
}

export const OptionalTimeout = () => applyDecorators(Omittable(), IntBetween(1, MAX_TIMEOUT_MS));

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Notification bodies describe live security incidents, so plain http is refused unless the host
 * is loopback (a local relay) or the administrator opts in explicitly with `allowInsecureHttp`.
 * Either only decides the scheme: which addresses may be reached at all is the egress policy's
 * decision (src/egress), taken when connecting, and no tenant setting widens it.
 */
export function channelUrlProblem(value: unknown, allowInsecureHttp: boolean): Problem {
  if (typeof value !== 'string' || value === '') return REQUIRED;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname))
    return 'must use https (set allowInsecureHttp to accept plain http)';
  if (url.username || url.password) return 'must not carry credentials in the URL';
  return undefined;
}

/** The URL a channel posts to: see channelUrlProblem. */
export const ChannelUrl = () =>
  applyDecorators(
    Trim(),
    Rule('channelUrl', (v, o) => channelUrlProblem(v, o.allowInsecureHttp === true)),
  );

/**
 * The URL parsed, for a channel's rules about its parts; undefined when it is not a URL the channel
 * may use at all, which channelUrlProblem reports (so one problem is not reported twice).
 */
export function usableUrl(value: unknown, object: Record<string, unknown>): URL | undefined {
  if (channelUrlProblem(value, object.allowInsecureHttp === true) !== undefined) return undefined;
  return new URL(value as string);
}

/** The three group-robot channels share one config shape: the robot's webhook URL plus transport knobs. */
export interface RobotConfig {
  url: string;
  timeoutMs?: number;
  allowInsecureHttp?: boolean;
}

/** A validated robot DTO as the config the channel stores and sends with (the URL in its normal form). */
export function robotConfig(dto: RobotConfig): RobotConfig {
  const out: RobotConfig = { url: new URL(dto.url).toString() };
  if (dto.timeoutMs !== undefined) out.timeoutMs = dto.timeoutMs;
  if (dto.allowInsecureHttp !== undefined) out.allowInsecureHttp = dto.allowInsecureHttp;
  return out;
}

function problemsOf(errors: ValidationError[], parent = ''): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const byField = new Map<string, string[]>();
    for (const [type, message] of Object.entries(e.constraints ?? {})) {
      const at = (
        e.contexts?.[type] as { at?: (value: unknown, object: object) => string | undefined } | undefined
      )?.at?.(e.value, e.target as object);
      const known = type === 'whitelistValidation' ? unknownField(e.target) : message;
      const messages = byField.get(field + (at ?? '')) ?? [];
      if (!messages.includes(known)) messages.push(known);
      byField.set(field + (at ?? ''), messages);
    }
    for (const [f, messages] of byField) out.push({ field: f, problem: messages.join('; ') });
    if (e.children?.length) out.push(...problemsOf(e.children, field));
  }
  return out;
}

/** class-validator words an unknown field as "property x should not exist"; this says which ones there are. */
function unknownField(target: object | undefined): string {
  const cls = target?.constructor as (new () => object) | undefined;
  const allowed = cls ? Object.keys(new cls()) : [];
  return `is not a known field (allowed: ${allowed.join(', ')})`;
}

/**
 * Validates `config` against a channel's DTO class with the rules of request bodies (whitelist, unknown
 * fields refused); returns the instance, or throws ChannelConfigError naming the first field at fault
 * and carrying every problem found.
 */
export function validateConfigDto<T extends object>(kind: ChannelKind, cls: ClassConstructor<T>, config: unknown): T {
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new ChannelConfigError(kind, '(config)', 'must be an object');
  const instance = plainToInstance(cls, config);
  const problems = problemsOf(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }));
  if (problems.length) throw new ChannelConfigError(kind, problems[0]!.field, problems[0]!.problem, problems);
  return instance;
}
