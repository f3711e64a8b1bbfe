import { ApiError, describeError } from '../api/client';
import type { Bilingual, Translate } from '../i18n';

export interface RefusalContext {
  t: Translate;
  pick: (text: Bilingual) => string;
  /** A report field's label for `fields.<code>` in a 400's details. */
  fieldLabel?: (code: string) => string;
}

/**
 * Why the API refused, in the user's language, with what its answer says beyond the status: a 409 names
 * the stale version, the open mandatory steps holding an event back, the recipient kinds nobody receives,
 * or the indicator already recorded; a 400 names the fields. Anything else as describeError says it.
 */
export function describeRefusal(err: unknown, { t, pick, fieldLabel }: RefusalContext): string {
  if (!(err instanceof ApiError)) return describeError(err, t);
  const body = err.body ?? {};
  if (err.status === 409) {
    if (body.currentVersion !== undefined) return t('refusal.stale');
    if (body.openMandatorySteps?.length) {
      return t('refusal.openSteps', { steps: body.openMandatorySteps.map((s) => pick(s.title)).join(t('list.sep')) });
    }
    if (body.missingRecipientKinds?.length) {
      return t('refusal.missingRecipients', {
        kinds: body.missingRecipientKinds.map((k) => recipientKindLabel(t, k)).join(t('list.sep')),
      });
    }
    if (body.indicatorId) return t('refusal.indicatorExists');
    if (body.allowedEvents) return t('refusal.notNow');
    return t('error.status.409');
  }
  if (err.status === 400 && body.details?.length && fieldLabel) {
    const fields = body.details.map((d) => {
      const code = d.field.startsWith('fields.') ? d.field.slice('fields.'.length) : d.field;
      return fieldLabel(code);
    });
    return t('error.status.400', { detail: fields.join(t('list.sep')) });
  }
  return describeError(err, t);
}

const RECIPIENT_KINDS = [
  'protection-department',
  'public-security',
  'own-cyberspace-body',
  'provincial-cyberspace-department',
  'sector-regulator',
] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

export function recipientKindLabel(t: Translate, kind: string): string {
  return (RECIPIENT_KINDS as readonly string[]).includes(kind) ? t(`recipientKind.${kind as RecipientKind}`) : kind;
}
