import { Alert, Card, Col, Row, Select, Space, Statistic, Switch, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { describeError } from '../../api/client';
import { useTaxonomy } from '../../api/taxonomy';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import { ChartCard } from './ChartCard';
import { minutes, percent, useOperatorMetrics, type OperatorFigures, type OperatorFilters } from './metrics-api';

const GRADES = ['I', 'II', 'III', 'IV'] as const;
const bar = (name: string, data: Array<number | null>, extra: Record<string, unknown> = {}) => ({
  type: 'bar',
  name,
  data,
  ...extra,
});
const toMinutes = (s: number | null) => (s === null ? null : Math.round((s / 60) * 10) / 10);

/** The operator's own figures (/metrics): trends per week, how long things took, by grade and category. */
export default function OperatorMetricsPage() {
  const { t, pick } = useI18n();
  const [filters, setFilters] = useState<OperatorFilters>({ includeDrills: false });
  const figures = useOperatorMetrics(filters);
  const taxonomy = useTaxonomy();
  const categoryName = (code: string) => {
    const c = taxonomy.data?.categories.find((x) => x.code === code);
    return c ? pick(c.name) : code;
  };
  const data = figures.data;

  const weekly = useMemo(() => {
    const rows = (data?.byWeek ?? []).map((w) => ({
      week: w.week,
      incidents: w.incidents,
      initialMet: w.initialReports.met,
      initialMissed: w.initialReports.missed,
      initialRate: w.initialReports.rate,
      misses: w.deadlineMisses,
      escalations: w.escalations,
      confirm: w.timeToConfirm.medianSeconds,
      contain: w.timeToContain.medianSeconds,
      close: w.timeToClose.medianSeconds,
    }));
    return rows;
  }, [data]);

  if (figures.error) return <Alert type="error" showIcon title={describeError(figures.error, t)} />;
  const totals: OperatorFigures | undefined = data?.totals;
  const weeks = weekly.map((w) => w.week.slice(5));
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('metrics.title')}
      </Typography.Title>
      <Card>
        <Typography.Paragraph type="secondary">{t('metrics.operatorIntro')}</Typography.Paragraph>
        <Space wrap size="large">
          <span>
            {t('metrics.period')}: {data ? `${data.from} ~ ${data.to}` : '…'}
          </span>
          <label>
            <Space>
              {t('metrics.grade')}
              <Select
                style={{ width: 160 }}
                aria-label={t('metrics.grade')}
                value={filters.grade ?? ''}
                onChange={(v) => setFilters((f) => ({ ...f, grade: v ? (v as OperatorFilters['grade']) : undefined }))}
                options={[
                  { value: '', label: t('metrics.all') },
                  ...GRADES.map((g) => ({ value: g, label: labelOf(t, 'grade', g) })),
                ]}
              />
            </Space>
          </label>
          <label>
            <Space>
              {t('metrics.category')}
              <Select
                style={{ width: 200 }}
                aria-label={t('metrics.category')}
                value={filters.category ?? ''}
                onChange={(v) => setFilters((f) => ({ ...f, category: v || undefined }))}
                options={[
                  { value: '', label: t('metrics.all') },
                  ...(taxonomy.data?.categories ?? [])
                    .filter((c) => !c.parent)
                    .map((c) => ({ value: c.code, label: pick(c.name) })),
                ]}
              />
            </Space>
          </label>
          <Space>
            <Switch
              aria-label={t('metrics.includeDrills')}
              checked={filters.includeDrills}
              onChange={(includeDrills) => setFilters((f) => ({ ...f, includeDrills }))}
            />
            {t('metrics.includeDrills')}
          </Space>
        </Space>
      </Card>
      <Card loading={!totals} data-testid="operator-totals">
        {totals && (
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}>
              <Statistic title={t('metrics.incidents')} value={totals.incidents} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic
                title={t('metrics.confirmMedian')}
                value={t('metrics.minutes', { value: minutes(totals.timeToConfirm.medianSeconds) })}
              />
            </Col>
            <Col xs={12} md={6}>
              <Statistic
                title={t('metrics.containMedian')}
                value={t('metrics.minutes', { value: minutes(totals.timeToContain.medianSeconds) })}
              />
            </Col>
            <Col xs={12} md={6}>
              <Statistic
                title={t('metrics.closeMedian')}
                value={t('metrics.minutes', { value: minutes(totals.timeToClose.medianSeconds) })}
              />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('metrics.initialOnTime')} value={percent(totals.initialReports.rate)} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('metrics.finalOnTime')} value={percent(totals.finalReports.rate)} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('metrics.deadlineMisses')} value={totals.deadlineMisses} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('metrics.escalations')} value={totals.escalations} />
            </Col>
          </Row>
        )}
      </Card>
      {data && (
        <>
          <ChartCard
            title={t('metrics.weekly')}
            testId="chart-weekly"
            rowKey="week"
            rows={weekly}
            option={{
              tooltip: { trigger: 'axis' },
              legend: {},
              xAxis: { type: 'category', data: weeks },
              yAxis: [
                { type: 'value', minInterval: 1 },
                { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
              ],
              series: [
                bar(
                  t('metrics.incidents'),
                  weekly.map((w) => w.incidents),
                ),
                bar(
                  t('metrics.deadlineMisses'),
                  weekly.map((w) => w.misses),
                ),
                bar(
                  t('metrics.escalations'),
                  weekly.map((w) => w.escalations),
                ),
                {
                  type: 'line',
                  name: t('metrics.initialOnTime'),
                  yAxisIndex: 1,
                  connectNulls: true,
                  data: weekly.map((w) => (w.initialRate === null ? null : Math.round(w.initialRate * 1000) / 10)),
                },
              ],
            }}
            columns={[
              { key: 'week', title: t('metrics.week'), dataIndex: 'week' },
              { key: 'incidents', title: t('metrics.incidents'), dataIndex: 'incidents' },
              { key: 'initialMet', title: t('metrics.initialMet'), dataIndex: 'initialMet' },
              { key: 'initialMissed', title: t('metrics.initialMissed'), dataIndex: 'initialMissed' },
              { key: 'initialRate', title: t('metrics.initialOnTime'), render: (_, w) => percent(w.initialRate) },
              { key: 'misses', title: t('metrics.deadlineMisses'), dataIndex: 'misses' },
              { key: 'escalations', title: t('metrics.escalations'), dataIndex: 'escalations' },
            ]}
          />
          <ChartCard
            title={t('metrics.weeklyTimes')}
            testId="chart-weekly-times"
            rowKey="week"
            rows={weekly}
            option={{
              tooltip: { trigger: 'axis' },
              legend: {},
              xAxis: { type: 'category', data: weeks },
              yAxis: { type: 'value' },
              series: (['confirm', 'contain', 'close'] as const).map((k) => ({
                type: 'line',
                name: t(`metrics.${k}`),
                connectNulls: true,
                data: weekly.map((w) => toMinutes(w[k])),
              })),
            }}
            columns={[
              { key: 'week', title: t('metrics.week'), dataIndex: 'week' },
              { key: 'confirm', title: t('metrics.confirmMinutes'), render: (_, w) => minutes(w.confirm) },
              { key: 'contain', title: t('metrics.containMinutes'), render: (_, w) => minutes(w.contain) },
              { key: 'close', title: t('metrics.closeMinutes'), render: (_, w) => minutes(w.close) },
            ]}
          />
          <ChartCard
            title={t('metrics.distribution')}
            testId="chart-distribution"
            rowKey="bucket"
            rows={data.distribution}
            option={{
              tooltip: { trigger: 'axis' },
              legend: {},
              xAxis: { type: 'category', data: data.distribution.map((b) => labelOf(t, 'metrics.bucket', b.bucket)) },
              yAxis: { type: 'value', minInterval: 1 },
              series: (['confirm', 'contain', 'close'] as const).map((k) =>
                bar(
                  t(`metrics.${k}`),
                  data.distribution.map((b) => b[k]),
                ),
              ),
            }}
            columns={[
              {
                key: 'bucket',
                title: t('metrics.bucket'),
                render: (_, b) => labelOf(t, 'metrics.bucket', b.bucket),
              },
              { key: 'confirm', title: t('metrics.confirm'), dataIndex: 'confirm' },
              { key: 'contain', title: t('metrics.contain'), dataIndex: 'contain' },
              { key: 'close', title: t('metrics.close'), dataIndex: 'close' },
            ]}
          />
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <ChartCard
                title={t('metrics.byGrade')}
                testId="chart-grade"
                rowKey="grade"
                rows={data.byGrade}
                option={{
                  tooltip: { trigger: 'axis' },
                  legend: {},
                  xAxis: { type: 'category', data: data.byGrade.map((g) => g.grade) },
                  yAxis: { type: 'value', minInterval: 1 },
                  series: [
                    bar(
                      t('metrics.incidents'),
                      data.byGrade.map((g) => g.incidents),
                    ),
                    bar(
                      t('metrics.deadlineMisses'),
                      data.byGrade.map((g) => g.deadlineMisses),
                    ),
                    bar(
                      t('metrics.escalations'),
                      data.byGrade.map((g) => g.escalations),
                    ),
                  ],
                }}
                columns={[
                  { key: 'grade', title: t('metrics.grade'), render: (_, g) => labelOf(t, 'grade', g.grade) },
                  { key: 'incidents', title: t('metrics.incidents'), dataIndex: 'incidents' },
                  {
                    key: 'rate',
                    title: t('metrics.initialOnTime'),
                    render: (_, g) => percent(g.initialReports.rate),
                  },
                  { key: 'misses', title: t('metrics.deadlineMisses'), dataIndex: 'deadlineMisses' },
                  { key: 'escalations', title: t('metrics.escalations'), dataIndex: 'escalations' },
                ]}
              />
            </Col>
            <Col xs={24} lg={12}>
              <ChartCard
                title={t('metrics.byCategory')}
                testId="chart-category"
                rowKey="category"
                rows={data.byCategory}
                option={{
                  tooltip: { trigger: 'axis' },
                  legend: {},
                  xAxis: { type: 'category', data: data.byCategory.map((c) => categoryName(c.category)) },
                  yAxis: { type: 'value', minInterval: 1 },
                  series: [
                    bar(
                      t('metrics.incidents'),
                      data.byCategory.map((c) => c.incidents),
                    ),
                    bar(
                      t('metrics.initialMet'),
                      data.byCategory.map((c) => c.initialReports.met),
                    ),
                    bar(
                      t('metrics.initialMissed'),
                      data.byCategory.map((c) => c.initialReports.missed),
                    ),
                  ],
                }}
                columns={[
                  { key: 'category', title: t('metrics.category'), render: (_, c) => categoryName(c.category) },
                  { key: 'incidents', title: t('metrics.incidents'), dataIndex: 'incidents' },
                  { key: 'met', title: t('metrics.initialMet'), render: (_, c) => c.initialReports.met },
                  { key: 'missed', title: t('metrics.initialMissed'), render: (_, c) => c.initialReports.missed },
                  { key: 'rate', title: t('metrics.initialOnTime'), render: (_, c) => percent(c.initialReports.rate) },
                ]}
              />
            </Col>
          </Row>
        </>
      )}
    </Space>
  );
}
