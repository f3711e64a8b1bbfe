import { useQuery } from '@tanstack/react-query';
import { Descriptions, Tag, Typography } from 'antd';
import { useParams } from 'react-router';
import { api, describeError, unwrap } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { useI18n } from '../../i18n';
import PlaceholderPage from '../placeholder/PlaceholderPage';

/**
 * PLACEHOLDER for the incident page (route /incidents/:id/*): shows the header facts so a declaration can
 * be followed to it; the real page replaces this file (checklist, events, diagram, timeline, compliance).
 */
export default function IncidentPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const incident = useQuery({
    queryKey: queryKeys.incident(id),
    queryFn: () => unwrap(api.GET('/api/v1/incidents/{id}', { params: { path: { id } } })),
  });
  if (incident.error) return <PlaceholderPage note={describeError(incident.error, t)} />;
  const i = incident.data;
  return (
    // data-page-ready="incident" once the page can be used: npm run bench:console measures the time to it.
    // The real incident page keeps this attribute, set when its header and actions are rendered.
    <div data-page-ready={i ? 'incident' : undefined}>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {i ? `${i.reference} ${i.title}` : t('app.loading')}
      </Typography.Title>
      {i && (
        <Descriptions
          items={[
            { key: 'state', label: t('incident.state'), children: <span data-testid="incident-state">{i.state}</span> },
            { key: 'grade', label: t('incident.grade'), children: <span data-testid="incident-grade">{i.grade}</span> },
            { key: 'category', label: t('incident.category'), children: i.category },
            ...(i.drill
              ? [
                  {
                    key: 'drill',
                    label: t('incident.drill'),
                    children: <Tag color="orange">{t('incident.drill')}</Tag>,
                  },
                ]
              : []),
          ]}
        />
      )}
      <Typography.Paragraph type="secondary">{t('incident.placeholder')}</Typography.Paragraph>
    </div>
  );
}
