import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Result, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError, describeError } from '../../api/client';
import { useServerNow } from '../../api/server-clock';
import { Countdown } from '../../components/Countdown';
import { labelOf } from '../../components/labels';
import { PageLoading } from '../../components/PageLoading';
import { useI18n, type Translate } from '../../i18n';
import { LEVEL_COLOURS } from '../warnings/warnings-api';
import {
  allWarningTargets,
  useIssuedWarning,
  useWarningTargetPage,
  type IssuedWarning,
  type TargetAnswer,
  type TargetStatus,
} from './desk-api';
import { download } from './download';
import { trackerCsv } from './warning-csv';
import { WarningThreat } from '../warnings/WarningThreat';

interface TrackerRow {
  target: TargetStatus;
  /** Overdue now: no feedback and the deadline has passed on the server's clock. */
  overdue: boolean;
}

const fmt = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm:ss') : '');

/** One warning this department issued (/desk/warnings/:warningId): what it said, and every operator's answer. */
export default function WarningTracker() {
  const { warningId = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const warning = useIssuedWarning(warningId);
  if (warning.error) {
    if (warning.error instanceof ApiError && (warning.error.status === 404 || warning.error.status === 400)) {
      return (
        <Result
          status="404"
          title={<h1 style={{ fontSize: 24 }}>{t('notFound.title')}</h1>}
          subTitle={t('desk.warnings.notFound')}
          extra={<Button onClick={() => navigate('/desk/warnings')}>{t('desk.warnings.back')}</Button>}
        />
      );
    }
    return <Alert type="error" showIcon role="alert" title={describeError(warning.error, t)} />;
  }
  if (!warning.data) return <PageLoading />;
  return <TrackerView warning={warning.data} />;
}

type RowState = TargetAnswer;

function rowState(r: TrackerRow): RowState {
  if (r.target.answered) return r.target.late ? 'late' : 'answered';
  return r.overdue ? 'overdue' : 'pending';
}

const STATE_COLOURS: Record<RowState, string> = { answered: 'green', late: 'gold', overdue: 'red', pending: 'blue' };
const ANSWERS: RowState[] = ['overdue', 'pending', 'late', 'answered'];
const PAGE_SIZE = 50;

/** Overdue on the server's clock the moment the deadline passes, before the next answer says so. */
const toRow = (target: TargetStatus, now: number): TrackerRow => ({
  target,
  overdue: target.overdue || (!target.answered && Date.parse(target.deadline.dueAt) <= now),
});

function csvCells(t: Translate) {
  return (r: TrackerRow) => [
    r.target.operatorName,
    t(`desk.tracker.state.${rowState(r)}`),
    labelOf(t, 'wfState', r.target.state),
    r.target.applicable === null ? '' : r.target.applicable ? t('desk.yes') : t('desk.no'),
    fmt(r.target.answeredAt),
    r.target.feedback?.text ?? '',
    (r.target.feedback?.measures ?? []).join('; '),
    fmt(r.target.deadline.dueAt),
  ];
}

/**
 * The tracker: one row per warned operator — its workflow state, whether the warning applies, its feedback
 * and when it came, and who is overdue — a page at a time, overdue first (a sector may have thousands), with
 * a filter by answer. A row turns overdue on the server's clock the moment its deadline passes; an operator's
 * feedback arrives through the live stream. The CSV export holds every operator the filter keeps.
 */
function TrackerView({ warning }: { warning: IssuedWarning }) {
  const { t } = useI18n();
  const now = useServerNow();
  const [answer, setAnswer] = useState<TargetAnswer | undefined>();
  const [page, setPage] = useState(1);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>();
  const targets = useWarningTargetPage(warning.id, { page, pageSize: PAGE_SIZE, ...(answer ? { answer } : {}) });
  const rows: TrackerRow[] = (targets.data?.items ?? []).map((target) => toRow(target, now));
  const counts = warning.counts;
  const failure: unknown = targets.error ?? exportError;
  const header = [
    t('desk.operator'),
    t('desk.tracker.answer'),
    t('desk.tracker.workflowState'),
    t('desk.tracker.applicable'),
    t('desk.tracker.answeredAt'),
    t('desk.tracker.feedback'),
    t('desk.tracker.measures'),
    t('desk.warnings.feedbackDue'),
  ];
  // Operators warned: all of them once the fan-out is done; until then the rows are those reached so far.
  const total = warning.fanout.total;
  const exportCsv = async () => {
    setExporting(true);
    setExportError(undefined);
    try {
      const all = (await allWarningTargets(warning.id, answer)).map((target) => toRow(target, now));
      download(`${warning.reference}-feedback.csv`, trackerCsv(all, header, csvCells(t)));
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(false);
    }
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="warning-tracker">
      {warning.fanout.status === 'pending' && (
        <Alert
          type="info"
          showIcon
          data-testid="fanout-progress"
          title={t('desk.warnings.fanoutPending', { done: warning.fanout.done, total })}
        />
      )}
      <Card>
        <Space direction="vertical" size="small" style={{ width: '100%' }}>
          <Space wrap align="center">
            <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
              {warning.reference} {warning.title}
            </Typography.Title>
            <Tag color={LEVEL_COLOURS[warning.level]}>{labelOf(t, 'level', warning.level)}</Tag>
            {warning.drill && <Tag color="orange">{t('incident.drillStamp')}</Tag>}
          </Space>
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2, lg: 4 }}
            items={[
              { key: 'issued', label: t('desk.warnings.issuedAt'), children: fmt(warning.createdAt) },
              {
                key: 'due',
                label: t('desk.warnings.feedbackDue'),
                children: (
                  <Space size={4} wrap>
                    <span>{fmt(warning.feedbackDueAt)}</span>
                    {counts.answered < total && <Countdown dueAt={warning.feedbackDueAt} />}
                  </Space>
                ),
              },
              {
                key: 'targets',
                label: t('desk.warnings.answers'),
                children: (
                  <span data-testid="tracker-counts" data-answered={counts.answered} data-overdue={counts.overdue}>
                    {t('desk.warnings.answeredOf', { answered: counts.answered, targets: total })}
                    {counts.overdue > 0 && ` · ${t('desk.warnings.overdueCount', { n: counts.overdue })}`}
                  </span>
                ),
              },
              {
                key: 'sectors',
                label: t('desk.warnings.targets'),
                children: warning.sectors.length
                  ? t('desk.warnings.wholeSector')
                  : t('desk.warnings.namedOperators', { n: total }),
              },
            ]}
          />
        </Space>
      </Card>

      <Card
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('desk.tracker.title')}</h2>}
        extra={
          <Space wrap>
            <Select
              aria-label={t('desk.tracker.answer')}
              data-testid="tracker-filter"
              style={{ minWidth: 140 }}
              value={answer ?? 'all'}
              onChange={(v: RowState | 'all') => {
                setAnswer(v === 'all' ? undefined : v);
                setPage(1);
              }}
              options={[
                { value: 'all', label: t('desk.tracker.allAnswers') },
                ...ANSWERS.map((a) => ({ value: a, label: t(`desk.tracker.state.${a}`) })),
              ]}
            />
            <Button
              icon={<DownloadOutlined aria-hidden />}
              loading={exporting}
              onClick={() => void exportCsv()}
              data-testid="tracker-csv"
            >
              {t('desk.tracker.exportCsv')}
            </Button>
          </Space>
        }
      >
        {failure != null && <Alert type="error" showIcon role="alert" title={describeError(failure, t)} />}
        <Table<TrackerRow>
          data-testid="tracker-table"
          size="small"
          rowKey={(r) => r.target.operatorOrgId}
          dataSource={rows}
          loading={targets.isPending}
          pagination={
            (targets.data?.total ?? 0) > PAGE_SIZE
              ? {
                  current: page,
                  pageSize: PAGE_SIZE,
                  total: targets.data?.total,
                  showSizeChanger: false,
                  onChange: setPage,
                }
              : false
          }
          scroll={{ x: 'max-content' }}
          onRow={(r) => ({ 'data-operator': r.target.operatorName, 'data-state': rowState(r) }) as object}
          columns={[
            {
              key: 'operator',
              title: t('desk.operator'),
              render: (_, r) => r.target.operatorName,
            },
            {
              key: 'answer',
              title: t('desk.tracker.answer'),
              render: (_, r) => (
                <Tag color={STATE_COLOURS[rowState(r)]} data-testid="tracker-state">
                  {t(`desk.tracker.state.${rowState(r)}`)}
                </Tag>
              ),
            },
            {
              key: 'state',
              title: t('desk.tracker.workflowState'),
              render: (_, r) => labelOf(t, 'wfState', r.target.state),
            },
            {
              key: 'applicable',
              title: t('desk.tracker.applicable'),
              render: (_, r) =>
                r.target.applicable === null ? '—' : r.target.applicable ? t('desk.yes') : t('desk.no'),
            },
            {
              key: 'answeredAt',
              title: t('desk.tracker.answeredAt'),
              render: (_, r) => fmt(r.target.answeredAt) || '—',
            },
            {
              key: 'feedback',
              title: t('desk.tracker.feedback'),
              render: (_, r) => <Feedback target={r.target} />,
            },
            {
              key: 'deadline',
              title: t('desk.warnings.feedbackDue'),
              render: (_, r) =>
                r.target.answered ? fmt(r.target.deadline.dueAt) : <Countdown dueAt={r.target.deadline.dueAt} />,
            },
          ]}
        />
      </Card>

      <WarningThreat warning={warning} />
    </Space>
  );
}

function Feedback({ target }: { target: TargetStatus }) {
  if (!target.feedback) return <>—</>;
  return (
    <div style={{ maxWidth: 420 }}>
      <div style={{ whiteSpace: 'pre-wrap' }}>{target.feedback.text}</div>
      {target.feedback.measures.length > 0 && (
        <ul style={{ margin: '4px 0', paddingInlineStart: 18 }}>
          {target.feedback.measures.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
