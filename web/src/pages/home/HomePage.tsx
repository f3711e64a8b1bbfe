import { useQueries, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Empty, Row, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link, Navigate, useNavigate } from 'react-router';
import { api, describeError, unwrap, type Schemas } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { noteServerTime, useServerNow } from '../../api/server-clock';
import { useSignedInSession } from '../../api/session';
import { useTaxonomy } from '../../api/taxonomy';
import { Countdown, URGENT_MS } from '../../components/Countdown';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';

/** Workflow states an incident is open in (closed and dismissed are final). */
export const OPEN_STATES = ['triage', 'response', 'review', 'reidentification'] as const;
const GRADES = ['I', 'II', 'III', 'IV'] as const;
/** The dashboard's horizon: the API's maximum, a week. */
const DEADLINE_HORIZON_MINUTES = 7 * 24 * 60;
const DECLARERS = new Set(['admin', 'leader', 'commander', 'responder']);

type Summary = Schemas['IncidentSummaryView'];
type Deadline = Schemas['DashboardDeadlineView'] & { overdue: boolean };

/** The page people keep open: open incidents by state and grade, and every running deadline counting down. */
export default function HomePage() {
  const session = useSignedInSession();
  if (session.user.orgKind !== 'operator') return <Navigate to="/desk" replace />;
  return <OperatorHome canDeclare={DECLARERS.has(session.user.role)} />;
}

function OperatorHome({ canDeclare }: { canDeclare: boolean }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    // data-page="home": the benchmark (test/bench/console.ts) waits for both cards' data-loaded.
    <Space direction="vertical" size="large" style={{ width: '100%' }} data-page="home">
      <Row justify="space-between" align="middle">
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t('home.title')}
        </Typography.Title>
        {canDeclare && (
          <Button type="primary" onClick={() => navigate('/incidents/new')}>
            {t('home.declare')}
          </Button>
        )}
      </Row>
      <Deadlines />
      <OpenIncidents />
    </Space>
  );
}

function Deadlines() {
  const { t } = useI18n();
  const now = useServerNow();
  const query = useQuery({
    queryKey: queryKeys.deadlines({ withinMinutes: DEADLINE_HORIZON_MINUTES }),
    queryFn: async () => {
      const sent = Date.now();
      const view = await unwrap(
        api.GET('/api/v1/deadlines', { params: { query: { withinMinutes: DEADLINE_HORIZON_MINUTES } } }),
      );
      // Half the round trip is the best guess of when the server read its clock.
      noteServerTime(view.now, (sent + Date.now()) / 2);
      return view;
    },
    // Deadlines entering the week's horizon appear without a change to announce them.
    refetchInterval: 5 * 60_000,
  });
  const rows: Deadline[] = [
    ...(query.data?.overdue ?? []).map((d) => ({ ...d, overdue: true })),
    ...(query.data?.dueSoon ?? []).map((d) => ({ ...d, overdue: false })),
  ];
  // Overdue on top (most overdue first), then the soonest due: deadlines become overdue while the page is open.
  rows.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  return (
    <Card
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('home.deadlines')}</h2>}
      data-loaded={query.isSuccess || undefined}
    >
      <Typography.Paragraph type="secondary">{t('home.deadlineHorizon')}</Typography.Paragraph>
      {query.error && <Alert type="error" showIcon title={describeError(query.error, t)} />}
      <Table<Deadline>
        data-testid="deadlines"
        size="small"
        loading={query.isPending}
        pagination={false}
        rowKey={(d) => `${d.incidentId}:${d.timer}`}
        dataSource={rows}
        locale={{ emptyText: <Empty description={t('home.noDeadlines')} /> }}
        rowClassName={(d) => (Date.parse(d.dueAt) - now < URGENT_MS ? 'lf-row-urgent' : '')}
        columns={[
          {
            key: 'remaining',
            title: t('home.remaining'),
            render: (_, d) => <Countdown dueAt={d.dueAt} />,
          },
          {
            key: 'incident',
            title: t('home.incident'),
            render: (_, d) => (
              <Space>
                <Link to={`/incidents/${d.incidentId}`}>{d.reference}</Link>
                <span>{d.title}</span>
                {d.drill && <Tag color="orange">{t('incident.drill')}</Tag>}
              </Space>
            ),
          },
          { key: 'timer', title: t('home.timer'), render: (_, d) => labelOf(t, 'timer', d.timer) },
          { key: 'grade', title: t('incident.grade'), render: (_, d) => d.grade },
          { key: 'due', title: t('home.dueAt'), render: (_, d) => dayjs(d.dueAt).format('YYYY-MM-DD HH:mm') },
          { key: 'escalation', title: t('home.escalation'), render: (_, d) => d.escalationLevel || '—' },
        ]}
      />
    </Card>
  );
}

function OpenIncidents() {
  const { t, pick } = useI18n();
  const taxonomy = useTaxonomy();
  const lists = useQueries({
    queries: OPEN_STATES.map((state) => ({
      queryKey: queryKeys.incidents({ state, pageSize: 100 }),
      queryFn: () => unwrap(api.GET('/api/v1/incidents', { params: { query: { state, pageSize: 100 } } })),
    })),
  });
  const error = lists.find((l) => l.error)?.error;
  const pending = lists.some((l) => l.isPending);
  const incidents: Summary[] = lists
    .flatMap((l) => l.data?.items ?? [])
    .sort((a, b) => Date.parse(b.detectedAt) - Date.parse(a.detectedAt));
  const categoryName = (code: string) => {
    const c = taxonomy.data?.categories.find((x) => x.code === code);
    return c ? pick(c.name) : code;
  };

  // Counts by state (rows) and grade (columns); `total` from the API counts beyond the first page too,
  // up to 10,000 (`totalExact` false beyond that: shown as "10000+").
  const matrix = OPEN_STATES.map((state, i) => {
    const items = lists[i]?.data?.items ?? [];
    const data = lists[i]?.data;
    const total = data ? (data.totalExact ? data.total : `${data.total}+`) : 0;
    const row: Record<string, string | number> = { state, total };
    for (const g of GRADES) row[g] = items.filter((x) => x.grade === g).length;
    return row;
  });

  return (
    <Card
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('home.openIncidents')}</h2>}
      data-loaded={lists.every((l) => l.isSuccess) || undefined}
    >
      {error && <Alert type="error" showIcon title={describeError(error, t)} style={{ marginBottom: 16 }} />}
      <Row gutter={24}>
        <Col xs={24} xl={9}>
          <Typography.Title level={3} style={{ fontSize: 14 }}>
            {t('home.byStateAndGrade')}
          </Typography.Title>
          <Table
            data-testid="incident-matrix"
            size="small"
            pagination={false}
            loading={pending}
            rowKey="state"
            dataSource={matrix}
            columns={[
              { key: 'state', title: t('home.state'), render: (_, r) => labelOf(t, 'state', String(r.state)) },
              ...GRADES.map((g) => ({ key: g, title: g, dataIndex: g })),
              { key: 'total', title: t('home.total'), dataIndex: 'total' },
            ]}
          />
        </Col>
        <Col xs={24} xl={15}>
          <Typography.Title level={3} style={{ fontSize: 14 }}>
            {t('home.list')}
          </Typography.Title>
          <Table<Summary>
            data-testid="open-incidents"
            size="small"
            loading={pending}
            rowKey="id"
            dataSource={incidents}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            locale={{ emptyText: <Empty description={t('home.noOpenIncidents')} /> }}
            columns={[
              {
                key: 'reference',
                title: t('incident.reference'),
                render: (_, i) => <Link to={`/incidents/${i.id}`}>{i.reference}</Link>,
              },
              {
                key: 'title',
                title: t('incident.title'),
                render: (_, i) => (
                  <Space>
                    {i.title}
                    {i.drill && <Tag color="orange">{t('incident.drill')}</Tag>}
                  </Space>
                ),
              },
              { key: 'category', title: t('incident.category'), render: (_, i) => categoryName(i.category) },
              { key: 'grade', title: t('incident.grade'), dataIndex: 'grade' },
              { key: 'state', title: t('incident.state'), render: (_, i) => labelOf(t, 'state', i.state) },
              {
                key: 'detectedAt',
                title: t('incident.detectedAt'),
                render: (_, i) => dayjs(i.detectedAt).format('YYYY-MM-DD HH:mm'),
              },
            ]}
          />
        </Col>
      </Row>
    </Card>
  );
}
