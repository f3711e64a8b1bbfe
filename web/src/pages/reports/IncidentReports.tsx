import { Alert, App, Button, Card, Empty, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link, useNavigate } from 'react-router';
import { describeError } from '../../api/client';
import { useSignedInSession } from '../../api/session';
import { describeRefusal } from '../../components/refusal';
import { useI18n } from '../../i18n';
import { reportingState, type Incident } from '../incident/workflow-state';
import { CoverageWarning, InfoRequests, ReportStatusTag, reportKindLabel } from './ReportParts';
import {
  draftableKinds,
  may,
  useDraftReport,
  useFieldLabels,
  useIncidentReports,
  type Report,
  type ReportKind,
} from './reports-api';

/**
 * An incident's reports (the incident page's reports tab): drafting the reports the workflow takes now (for
 * those who may draft), the fields a partial first report still owes, recipient kinds nobody here would
 * receive, every report with its state and deliveries, and the departments' requests for information.
 */
export default function IncidentReports({ incident }: { incident: Incident }) {
  const { t, pick } = useI18n();
  const { user } = useSignedInSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const reports = useIncidentReports(incident.id);
  const draft = useDraftReport(incident.id);
  const fieldLabel = useFieldLabels();
  const reporting = reportingState(incident.stateValue);
  const kinds = may('draft', user.role) ? draftableKinds(reporting) : [];

  const start = (kind: ReportKind, partial = false) =>
    draft.mutate(
      { kind, ...(partial ? { partial } : {}) },
      {
        onSuccess: (r) => {
          void message.success(t('reports.drafted', { reference: r.reference }));
          navigate(`/reports/${r.id}`);
        },
      },
    );

  if (reports.error) return <Alert type="error" showIcon title={describeError(reports.error, t)} />;
  const data = reports.data;

  return (
    <Card loading={reports.isPending} data-testid="incident-reports">
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {t('reports.forIncident')}
        </Typography.Title>
        {kinds.length > 0 && (
          <Space wrap data-testid="draft-actions">
            {kinds.map((k) => (
              <Button key={k} type="primary" loading={draft.isPending} onClick={() => start(k)}>
                {t('reports.draftKind', { kind: reportKindLabel(t, k, false) })}
              </Button>
            ))}
            {reporting === 'initialDue' && (
              <Button loading={draft.isPending} onClick={() => start('initial', true)}>
                {t('reports.draftPartial')}
              </Button>
            )}
          </Space>
        )}
        {draft.error && <Alert type="error" showIcon role="alert" title={describeRefusal(draft.error, { t, pick })} />}
        {data && data.owedFields.length > 0 && (
          <Alert
            type="warning"
            showIcon
            data-testid="owed-fields"
            title={t('reports.owedFields', {
              fields: data.owedFields.map((c) => fieldLabel(c)).join(t('list.sep')),
            })}
          />
        )}
        {data && <CoverageWarning coverage={data.recipientCoverage} />}
        <ReportTable reports={data?.items ?? []} />
        {data && <InfoRequests requests={data.infoRequests} />}
      </Space>
    </Card>
  );
}

function ReportTable({ reports }: { reports: Report[] }) {
  const { t } = useI18n();
  return (
    <Table<Report>
      data-testid="report-table"
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={reports}
      locale={{ emptyText: <Empty description={t('reports.none')} /> }}
      columns={[
        {
          key: 'reference',
          title: t('reports.reference'),
          render: (_, r) => <Link to={`/reports/${r.id}`}>{r.reference}</Link>,
        },
        { key: 'kind', title: t('reports.kind'), render: (_, r) => reportKindLabel(t, r.kind, r.partial) },
        { key: 'status', title: t('reports.status'), render: (_, r) => <ReportStatusTag status={r.status} /> },
        {
          key: 'deliveries',
          title: t('reports.deliveries'),
          render: (_, r) =>
            r.status === 'submitted'
              ? t('reports.deliveryCounts', {
                  delivered: r.deliveries.filter((d) => d.status === 'delivered').length,
                  acknowledged: r.deliveries.filter((d) => d.acknowledgedAt).length,
                  total: r.deliveries.length,
                })
              : '—',
        },
        {
          key: 'updated',
          title: t('reports.updatedAt'),
          render: (_, r) => dayjs(r.submittedAt ?? r.updatedAt).format('YYYY-MM-DD HH:mm'),
        },
      ]}
    />
  );
}
