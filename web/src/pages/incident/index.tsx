import { Alert, Button, Result, Space, Tabs } from 'antd';
import type { ReactNode } from 'react';
import { Route, Routes, useNavigate, useParams } from 'react-router';
import { ApiError, describeError } from '../../api/client';
import { lazyPage } from '../../app/lazy-page';
import { PageLoading } from '../../components/PageLoading';
import { useI18n, type MessageKey } from '../../i18n';
import { useIncident } from './incident-api';
import { IncidentHeader } from './IncidentHeader';
import { StepsTab } from './StepsTab';
import type { Incident } from './workflow-state';

// The checklist is what people open the page for; the other tabs load when chosen (lazyPage, as routes do).
const WorkflowTab = lazyPage(() => import('./WorkflowTab').then((m) => ({ default: m.WorkflowTab })));
const TimelineTab = lazyPage(() => import('./TimelineTab').then((m) => ({ default: m.TimelineTab })));
const ComplianceTab = lazyPage(() => import('./ComplianceTab').then((m) => ({ default: m.ComplianceTab })));
const IncidentReports = lazyPage(() => import('../reports/IncidentReports'));
const IndicatorsPanel = lazyPage(() => import('../indicators/IndicatorsPanel'));

/** The tabs, each a sub-route of /incidents/:id (the checklist at the page's own address). */
const TABS: Array<{ path: string; label: MessageKey; render: (i: Incident) => ReactNode }> = [
  { path: '', label: 'incident.tab.steps', render: (i) => <StepsTab incident={i} /> },
  { path: 'workflow', label: 'incident.tab.workflow', render: (i) => <WorkflowTab incident={i} /> },
  { path: 'timeline', label: 'incident.tab.timeline', render: (i) => <TimelineTab incident={i} /> },
  { path: 'compliance', label: 'incident.tab.compliance', render: (i) => <ComplianceTab incident={i} /> },
  { path: 'reports', label: 'incident.tab.reports', render: (i) => <IncidentReports incident={i} /> },
  {
    path: 'indicators',
    label: 'incident.tab.indicators',
    render: (i) => <IndicatorsPanel incidentId={i.id} reference={i.reference} />,
  },
];

/**
 * The incident page (/incidents/:id/*): the header (reference, state, grade, drill stamp, deadlines counting
 * down, the events this user may send now) over tabs — the guided steps, the workflow diagram, the timeline,
 * the compliance view, the reports and the indicators. Another organisation's incident is "not found".
 */
export default function IncidentPage() {
  const { id = '', '*': rest = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const incident = useIncident(id);
  const tab = TABS.find((x) => x.path === rest.split('/')[0]) ? rest.split('/')[0]! : '';

  if (incident.error) {
    const err = incident.error;
    if (err instanceof ApiError && (err.status === 404 || err.status === 400)) {
      return (
        <Result
          status="404"
          data-testid="incident-not-found"
          title={<h1 style={{ fontSize: 24 }}>{t('notFound.title')}</h1>}
          subTitle={t('incident.notFound')}
          extra={<Button onClick={() => navigate('/')}>{t('notFound.home')}</Button>}
        />
      );
    }
    return <Alert type="error" showIcon role="alert" title={describeError(err, t)} />;
  }
  if (!incident.data) return <PageLoading />;
  const i = incident.data;

  return (
    // data-page-ready: the header, its actions and the checklist are rendered (npm run bench:console times it).
    <Space
      direction="vertical"
      size="middle"
      style={{ width: '100%' }}
      data-testid="incident-page"
      data-page-ready="incident"
    >
      <IncidentHeader incident={i} />
      <Tabs
        activeKey={tab}
        onChange={(key) => navigate(key ? `/incidents/${id}/${key}` : `/incidents/${id}`)}
        items={TABS.map((x) => ({
          key: x.path,
          label: t(x.label),
          children:
            x.path === tab ? (
              <Routes>
                {TABS.map((r) =>
                  r.path ? (
                    <Route key={r.path} path={r.path} element={r.render(i)} />
                  ) : (
                    <Route key="steps" index element={r.render(i)} />
                  ),
                )}
                <Route path="*" element={TABS[0]!.render(i)} />
              </Routes>
            ) : null,
        }))}
      />
    </Space>
  );
}
