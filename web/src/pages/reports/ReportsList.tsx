import { Alert, Card, Empty, Segmented, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { describeError, type Schemas } from '../../api/client';
import { useI18n } from '../../i18n';
import { ReportStatusTag, reportKindLabel } from './ReportParts';
import { useReportList, type ReportListQuery } from './reports-api';

type Summary = Schemas['ReportSummaryView'];
type StatusFilter = NonNullable<ReportListQuery['status']> | 'all';
const PAGE_SIZE = 20;

/** Every report of the organisation, newest first: where each stands and how its deliveries went. */
export default function ReportsList() {
  const { t } = useI18n();
  const [status, setStatus] = useState<StatusFilter>('all');
  const [page, setPage] = useState(1);
  const list = useReportList({ ...(status === 'all' ? {} : { status }), page, pageSize: PAGE_SIZE });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('reports.title')}
      </Typography.Title>
      <Card>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            {t('reports.listIntro')}
          </Typography.Paragraph>
          <Segmented<StatusFilter>
            aria-label={t('reports.status')}
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
            }}
            options={[
              { value: 'all', label: t('reports.filter.all') },
              { value: 'draft', label: t('reportStatus.draft') },
              { value: 'approved', label: t('reportStatus.approved') },
              { value: 'submitted', label: t('reportStatus.submitted') },
            ]}
          />
          {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} />}
          <Table<Summary>
            data-testid="report-list"
            size="small"
            rowKey="id"
            loading={list.isPending}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: <Empty description={t('reports.none')} /> }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: list.data?.total ?? 0,
              hideOnSinglePage: true,
              onChange: setPage,
            }}
            columns={[
              {
                key: 'reference',
                title: t('reports.reference'),
                render: (_, r) => (
                  <Space>
                    <Link to={`/reports/${r.id}`}>{r.reference}</Link>
                    {r.drill && <Tag color="orange">{t('incident.drill')}</Tag>}
                    {r.correction && <Tag color="purple">{t('reports.correction')}</Tag>}
                  </Space>
                ),
              },
              {
                key: 'incident',
                title: t('reports.incident'),
                render: (_, r) => (
                  <Link to={`/incidents/${r.incident.id}/reports`}>
                    {r.incident.reference} {r.incident.title}
                  </Link>
                ),
              },
              { key: 'kind', title: t('reports.kind'), render: (_, r) => reportKindLabel(t, r.kind, r.partial) },
              { key: 'status', title: t('reports.status'), render: (_, r) => <ReportStatusTag status={r.status} /> },
              {
                key: 'deliveries',
                title: t('reports.deliveries'),
                render: (_, r) =>
                  r.status === 'submitted' ? (
                    <Space size={4} wrap>
                      <span>
                        {t('reports.deliveryCounts', {
                          delivered: r.deliveries.delivered,
                          acknowledged: r.deliveries.acknowledged,
                          total: r.deliveries.total,
                        })}
                      </span>
                      {r.deliveries.failed > 0 && (
                        <Tag color="red">{t('reports.failedCount', { n: r.deliveries.failed })}</Tag>
                      )}
                      {r.infoRequests > 0 && (
                        <Tag color="gold">{t('reports.infoRequestCount', { n: r.infoRequests })}</Tag>
                      )}
                    </Space>
                  ) : (
                    '—'
                  ),
              },
              {
                key: 'updated',
                title: t('reports.updatedAt'),
                render: (_, r) => dayjs(r.submittedAt ?? r.updatedAt).format('YYYY-MM-DD HH:mm'),
              },
            ]}
          />
        </Space>
      </Card>
    </Space>
  );
}
