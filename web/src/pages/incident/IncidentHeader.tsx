import { Card, Descriptions, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTaxonomy } from '../../api/taxonomy';
import { Countdown } from '../../components/Countdown';
import { labelOf } from '../../components/labels';
import { useI18n, type MessageKey } from '../../i18n';
import { IncidentEvents } from './IncidentEvents';
import { currentPhase, type Incident } from './workflow-state';

type Deadline = Incident['deadlines'][number];

/** Running and missed deadlines first (soonest due on top), then those met; cancelled ones are history. */
function shownDeadlines(deadlines: readonly Deadline[]): Deadline[] {
  const live = (d: Deadline) => d.status === 'pending' || d.status === 'missed';
  return deadlines
    .filter((d) => d.status !== 'cancelled' && d.dueAt)
    .sort((a, b) => Number(live(b)) - Number(live(a)) || Date.parse(a.dueAt!) - Date.parse(b.dueAt!));
}

/**
 * The incident's header: reference and title, state, grade, the drill stamp, its deadlines counting down on
 * the server's clock, and the events this user may send now.
 */
export function IncidentHeader({ incident }: { incident: Incident }) {
  const { t, pick } = useI18n();
  const taxonomy = useTaxonomy();
  const category = taxonomy.data?.categories.find((c) => c.code === incident.category);
  const phase = currentPhase(incident.stateValue);
  const deadlines = shownDeadlines(incident.deadlines);
  return (
    <Card className="lf-incident-header">
      <Space direction="vertical" size="small" style={{ width: '100%' }}>
        <Space wrap align="center">
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            <span data-testid="incident-reference">{incident.reference}</span> {incident.title}
          </Typography.Title>
          {incident.drill && (
            <Tag color="orange" className="lf-drill-stamp" data-testid="drill-stamp">
              {t('incident.drillStamp')}
            </Tag>
          )}
        </Space>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 4 }}
          items={[
            {
              key: 'state',
              label: t('incident.state'),
              children: (
                <span data-testid="incident-state" data-state={incident.state}>
                  {labelOf(t, 'state', incident.state)}
                  {phase && phase !== incident.state && ` · ${labelOf(t, 'phase', phase)}`}
                </span>
              ),
            },
            {
              key: 'grade',
              label: t('incident.grade'),
              children: (
                <span data-testid="incident-grade" data-grade={incident.grade}>
                  {t(`grade.${incident.grade}` as MessageKey)}
                </span>
              ),
            },
            {
              key: 'category',
              label: t('incident.category'),
              children: category ? pick(category.name) : incident.category,
            },
            {
              key: 'detectedAt',
              label: t('incident.detectedAt'),
              children: dayjs(incident.detectedAt).format('YYYY-MM-DD HH:mm'),
            },
          ]}
        />
        {deadlines.length > 0 && (
          <div className="lf-deadlines" data-testid="incident-deadlines">
            {deadlines.map((d) => (
              <div key={d.timer} className="lf-deadline" data-testid="incident-deadline" data-timer={d.timer}>
                <span className="lf-deadline-name">{labelOf(t, 'timer', d.timer)}</span>
                {d.status === 'met' ? <Tag color="green">{t('deadline.met')}</Tag> : <Countdown dueAt={d.dueAt!} />}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('deadline.dueAt', { at: dayjs(d.dueAt).format('MM-DD HH:mm') })}
                </Typography.Text>
                {d.escalationLevel > 0 && (
                  <Tag color="red">{t('deadline.escalated', { level: d.escalationLevel })}</Tag>
                )}
              </div>
            ))}
          </div>
        )}
        <IncidentEvents incident={incident} />
      </Space>
    </Card>
  );
}
