import { Alert, Card, Empty, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useSignedInSession } from '../../api/session';
import { labelOf } from '../../components/labels';
import { describeError } from '../../api/client';
import { useI18n, type Translate } from '../../i18n';
import { useTimeline } from './incident-api';
import { shortId } from './StepsTab';
import type { Incident } from './workflow-state';

type Json = Record<string, unknown>;

function parse(payload: string): Json {
  try {
    const v: unknown = JSON.parse(payload);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** What an audit entry did, in words: the action's label and, where the payload tells more, what to. */
function describe(
  t: Translate,
  pick: (b: { zh: string; en: string }) => string,
  incident: Incident,
  action: string,
  payload: Json,
) {
  const stepTitle = (id: string | undefined) => {
    const step = incident.steps.find((s) => s.id === id);
    return step ? pick(step.title) : (id ?? '');
  };
  if (action.startsWith('incident.event.')) {
    const type = action.slice('incident.event.'.length);
    const event = (payload.event ?? {}) as Json;
    const what = labelOf(t, 'event', type);
    const parts = [what];
    if (type === 'COMPLETE_STEP' || type === 'REOPEN_STEP') parts.push(stepTitle(str(event.stepId)));
    if (type === 'DEADLINE_REMINDER' || type === 'DEADLINE_MISSED')
      parts.push(labelOf(t, 'timer', str(event.timer) ?? ''));
    const from = str(payload.fromState);
    const to = str(payload.toState);
    if (from && to && from !== to)
      parts.push(t('timeline.moved', { from: labelOf(t, 'state', from), to: labelOf(t, 'state', to) }));
    return parts.filter(Boolean).join(' · ');
  }
  const label = labelOf(t, 'action', action);
  const reference = str(payload.reference);
  return reference ? `${label} · ${reference}` : label;
}

/** The incident's audit trail, oldest first: who did what, when. */
export function TimelineTab({ incident }: { incident: Incident }) {
  const { t, pick } = useI18n();
  const { user } = useSignedInSession();
  const timeline = useTimeline(incident.id);
  if (timeline.error) return <Alert type="error" showIcon title={describeError(timeline.error, t)} />;
  const entries = timeline.data ?? [];
  return (
    <Card loading={timeline.isPending}>
      <Typography.Title level={2} style={{ fontSize: 16, marginTop: 0 }}>
        {t('timeline.title')}
      </Typography.Title>
      {entries.length === 0 && !timeline.isPending ? (
        <Empty description={t('timeline.empty')} />
      ) : (
        <Timeline
          data-testid="timeline"
          items={entries.map((e) => {
            const actor =
              e.actorId === user.id
                ? t('people.me')
                : [e.actorRole ? labelOf(t, 'role', e.actorRole) : null, shortId(e.actorId)].filter(Boolean).join(' ');
            return {
              key: e.seq,
              children: (
                <div data-testid="timeline-entry" data-action={e.action}>
                  <div>{describe(t, pick, incident, e.action, parse(e.payload))}</div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {dayjs(e.at).format('YYYY-MM-DD HH:mm:ss')} · {actor}
                  </Typography.Text>
                </div>
              ),
            };
          })}
        />
      )}
    </Card>
  );
}
