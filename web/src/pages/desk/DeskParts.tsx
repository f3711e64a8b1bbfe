import { Tag } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useTaxonomy } from '../../api/taxonomy';
import { Countdown } from '../../components/Countdown';
import { useI18n } from '../../i18n';
import type { InboxItem } from './desk-api';

/** Category code → its name in the user's language (the code itself until the taxonomy has loaded). */
export function useCategoryName(): (code: string) => string {
  const { pick } = useI18n();
  const taxonomy = useTaxonomy();
  const names = useMemo(() => new Map((taxonomy.data?.categories ?? []).map((c) => [c.code, c.name])), [taxonomy.data]);
  return (code) => {
    const name = names.get(code);
    return name ? pick(name) : code;
  };
}

/** Category choices for a filter: every category, by name. */
export function useCategoryOptions(): Array<{ value: string; label: string }> {
  const { pick } = useI18n();
  const taxonomy = useTaxonomy();
  return useMemo(
    () => (taxonomy.data?.categories ?? []).map((c) => ({ value: c.code, label: pick(c.name) })),
    [taxonomy.data, pick],
  );
}

/** The acknowledgement: when it was given, or the time left to give it. */
export function AckCell({ item }: { item: InboxItem }) {
  const { t } = useI18n();
  if (item.acknowledgedAt)
    return (
      <Tag color="green" data-testid="ack-state" data-acknowledged="true">
        {t('desk.acknowledgedAt', { at: dayjs(item.acknowledgedAt).format('MM-DD HH:mm') })}
      </Tag>
    );
  return (
    <span data-testid="ack-state" data-acknowledged="false">
      <Countdown dueAt={item.ackDueAt} />
    </span>
  );
}

/** The onward report of a grade I/II report: counting down until recorded; nothing for grades III/IV. */
export function OnwardCell({ item }: { item: InboxItem }) {
  const { t } = useI18n();
  const onward = item.onward;
  if (!onward) return <span data-testid="onward">—</span>;
  if (onward.forwardedAt)
    return (
      <Tag color="green" data-testid="onward" data-status="forwarded">
        {t('desk.onwardDone', { at: dayjs(onward.forwardedAt).format('MM-DD HH:mm') })}
      </Tag>
    );
  return (
    <span data-testid="onward" data-status={onward.status}>
      <Countdown dueAt={onward.dueAt} />
    </span>
  );
}
