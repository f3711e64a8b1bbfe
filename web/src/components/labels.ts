import type { MessageKey, Translate } from '../i18n';
import { LOCALES } from '../i18n';

/** A label for an API value (`state.triage`, `timer.initial-report`), or the value itself when unknown. */
export function labelOf(t: Translate, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return key in LOCALES['zh-CN'] ? t(key as MessageKey) : value;
}
