import { Alert, Card, Empty, Space, Switch, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { describeError } from '../../api/client';
import { useSignedInSession } from '../../api/session';
import { useTaxonomy } from '../../api/taxonomy';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import {
  percent,
  useSectorIncidents,
  useSectorOverview,
  type SectorIncidents,
  type SectorOverview,
} from '../metrics/metrics-api';
import NotFoundPage from '../placeholder/NotFoundPage';

type OperatorRow = SectorOverview['operators'][number];
type PendingRow = SectorOverview['pendingWarnings'][number];
type IncidentRow = SectorIncidents['items'][number];

const LEVEL_COLOURS: Record<string, string> = { red: 'red', orange: 'orange', yellow: 'gold', blue: 'blue' };
const time = (iso: string | null) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—');

/** One operator's reported incidents, from its reports only (opened under its row). */
function OperatorIncidents({ operatorOrgId, includeDrills }: { operatorOrgId: string; includeDrills: boolean }) {
  const { t, pick } = useI18n();
  const incidents = useSectorIncidents(operatorOrgId, includeDrills);
  const taxonomy = useTaxonomy();
  const categoryName = (code: string) => {
    const c = taxonomy.data?.categories.find((x) => x.code === code);
    return c ? pick(c.name) : code;
  };
  if (incidents.error) return <Alert type="error" showIcon title={describeError(incidents.error, t)} />;
  return (
    <Table<IncidentRow>
      size="small"
      rowKey="incidentReference"
      loading={incidents.isPending}
      data-testid={`sector-incidents-${operatorOrgId}`}
      dataSource={incidents.data?.items ?? []}
      locale={{ emptyText: <Empty description={t('sector.noIncidents')} /> }}
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      columns={[
        {
          key: 'reference',
          title: t('sector.incidentReference'),
          render: (_, i) => (
            <Space>
              {i.incidentReference}
              {i.drill && <Tag color="orange">{t('sector.drill')}</Tag>}
            </Space>
          ),
        },
        { key: 'grade', title: t('metrics.grade'), render: (_, i) => labelOf(t, 'grade', i.grade) },
        { key: 'category', title: t('metrics.category'), render: (_, i) => categoryName(i.category) },
        { key: 'reports', title: t('sector.reports'), dataIndex: 'reports' },
        {
          key: 'kinds',
          title: t('sector.kinds'),
          render: (_, i) => i.kinds.map((k) => labelOf(t, 'reportKind', k)).join('、'),
        },
        { key: 'first', title: t('sector.firstReceived'), render: (_, i) => time(i.firstReceivedAt) },
        { key: 'last', title: t('sector.lastReport'), render: (_, i) => time(i.lastReceivedAt) },
        {
          key: 'onTime',
          title: t('sector.initialOnTime'),
          render: (_, i) =>
            i.initialOnTime === null ? (
              '—'
            ) : i.initialOnTime ? (
              <Tag color="green">{t('sector.yes')}</Tag>
            ) : (
              <Tag color="red">{t('sector.no')}</Tag>
            ),
        },
      ]}
    />
  );
}

/**
 * The sector overview (/sector, departments): every operator of the sector with the incidents it
 * reported — only what its reports say —, its punctuality, and the warnings still awaiting its feedback.
 */
export default function SectorPage() {
  const { user } = useSignedInSession();
  if (user.orgKind !== 'department') return <NotFoundPage />;
  return <SectorOverviewPage />;
}

function SectorOverviewPage() {
  const { t } = useI18n();
  const [includeDrills, setIncludeDrills] = useState(false);
  const overview = useSectorOverview(includeDrills);
  const data = overview.data;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('sector.title')}
      </Typography.Title>
      <Card>
        <Typography.Paragraph type="secondary">{t('sector.intro')}</Typography.Paragraph>
        <Space>
          <Switch aria-label={t('metrics.includeDrills')} checked={includeDrills} onChange={setIncludeDrills} />
          {t('metrics.includeDrills')}
        </Space>
      </Card>
      {overview.error && <Alert type="error" showIcon title={describeError(overview.error, t)} />}
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('sector.operators')}</h2>}>
        <Table<OperatorRow>
          data-testid="sector-operators"
          size="small"
          rowKey="operatorOrgId"
          loading={overview.isPending}
          dataSource={data?.operators ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          expandable={{
            expandedRowRender: (o) => (
              <OperatorIncidents operatorOrgId={o.operatorOrgId} includeDrills={includeDrills} />
            ),
            rowExpandable: (o) => o.reportsReceived > 0,
          }}
          columns={[
            { key: 'name', title: t('metrics.operator'), dataIndex: 'name' },
            { key: 'incidents', title: t('sector.reportedIncidents'), dataIndex: 'reportedIncidents' },
            { key: 'reports', title: t('metrics.reportsReceived'), dataIndex: 'reportsReceived' },
            { key: 'met', title: t('metrics.onTime'), render: (_, o) => o.reports.met },
            { key: 'missed', title: t('metrics.late'), render: (_, o) => o.reports.missed },
            { key: 'rate', title: t('metrics.reportsOnTime'), render: (_, o) => percent(o.reports.rate) },
            { key: 'last', title: t('sector.lastReport'), render: (_, o) => time(o.lastReportAt) },
            { key: 'pending', title: t('metrics.warningsPending'), dataIndex: 'warningsPendingFeedback' },
          ]}
        />
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('sector.pendingWarnings')}</h2>}>
        {data && data.pendingWarningsTotal > data.pendingWarnings.length && (
          <Typography.Paragraph type="secondary">
            {t('sector.pendingTotal', { total: data.pendingWarningsTotal, shown: data.pendingWarnings.length })}
          </Typography.Paragraph>
        )}
        <Table<PendingRow>
          data-testid="sector-pending-warnings"
          size="small"
          rowKey={(w) => `${w.warningId}.${w.operatorOrgId}`}
          loading={overview.isPending}
          dataSource={data?.pendingWarnings ?? []}
          locale={{ emptyText: <Empty description={t('sector.noPending')} /> }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          columns={[
            {
              key: 'reference',
              title: t('sector.reference'),
              render: (_, w) => (
                <Space>
                  {w.reference}
                  {w.drill && <Tag color="orange">{t('sector.drill')}</Tag>}
                </Space>
              ),
            },
            {
              key: 'level',
              title: t('sector.level'),
              render: (_, w) => <Tag color={LEVEL_COLOURS[w.level]}>{labelOf(t, 'level', w.level)}</Tag>,
            },
            { key: 'operator', title: t('metrics.operator'), dataIndex: 'operatorName' },
            {
              key: 'due',
              title: t('sector.dueAt'),
              render: (_, w) => (
                <Space>
                  {time(w.dueAt)}
                  {w.overdue && <Tag color="red">{t('sector.overdue')}</Tag>}
                </Space>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
