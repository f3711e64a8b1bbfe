import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Select, Space, Tag, Typography } from 'antd';
import { Route, Routes, useNavigate, useParams } from 'react-router';
import { api, describeError, unwrap } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import { useIncident } from '../incident/incident-api';
import IndicatorsPanel from './IndicatorsPanel';

/** The incidents to choose from: the newest hundred, open or not (indicators are shared after the fact too). */
const PICK_SIZE = 100;

/**
 * Indicators and sharing (/indicators/*): pick an incident, then record its indicators of compromise and
 * export it as STIX with a TLP choice (/indicators/:incidentId). The incident page has the same panel as a tab.
 */
export default function IndicatorsPage() {
  return (
    <Routes>
      <Route index element={<IndicatorsHome />} />
      <Route path=":incidentId" element={<IndicatorsHome />} />
    </Routes>
  );
}

function IndicatorsHome() {
  const { incidentId } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const incidents = useQuery({
    queryKey: queryKeys.incidents({ pageSize: PICK_SIZE }),
    queryFn: () => unwrap(api.GET('/api/v1/incidents', { params: { query: { pageSize: PICK_SIZE } } })),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('indicators.title')}
      </Typography.Title>
      <Card>
        <Typography.Paragraph type="secondary">{t('indicators.intro')}</Typography.Paragraph>
        {incidents.error && <Alert type="error" showIcon title={describeError(incidents.error, t)} />}
        <label htmlFor="indicator-incident" style={{ marginRight: 12 }}>
          {t('indicators.incident')}
        </label>
        <Select
          id="indicator-incident"
          showSearch
          optionFilterProp="search"
          style={{ width: 480, maxWidth: '100%' }}
          placeholder={t('indicators.pickIncident')}
          loading={incidents.isPending}
          value={incidentId}
          onChange={(id: string) => navigate(`/indicators/${id}`)}
          options={(incidents.data?.items ?? []).map((i) => ({
            value: i.id,
            search: `${i.reference} ${i.title}`,
            label: (
              <span>
                {i.reference} {i.title} <Tag>{labelOf(t, 'state', i.state)}</Tag>
              </span>
            ),
          }))}
        />
      </Card>
      {incidentId && <ChosenIncident incidentId={incidentId} />}
    </Space>
  );
}

function ChosenIncident({ incidentId }: { incidentId: string }) {
  const { t } = useI18n();
  const incident = useIncident(incidentId);
  if (incident.error) return <Alert type="error" showIcon role="alert" title={describeError(incident.error, t)} />;
  return <IndicatorsPanel incidentId={incidentId} reference={incident.data?.reference} />;
}
