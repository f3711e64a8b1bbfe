import { Alert, Card, Col, Row, Space, Statistic, Switch, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { describeError } from '../../api/client';
import { useI18n } from '../../i18n';
import { ChartCard } from './ChartCard';
import { percent, useDepartmentMetrics, type DepartmentOperator } from './metrics-api';

/** Operators drawn in the ranking chart; the table beside it holds every one. */
const RANKED_IN_CHART = 20;

/** A department's figures (/metrics): its sector's punctuality, per operator and per week, from reports only. */
export default function DepartmentMetricsPage() {
  const { t } = useI18n();
  const [includeDrills, setIncludeDrills] = useState(false);
  const figures = useDepartmentMetrics({ includeDrills });
  const data = figures.data;
  const ranked = useMemo(() => (data?.operators ?? []).slice(0, RANKED_IN_CHART), [data]);
  if (figures.error) return <Alert type="error" showIcon title={describeError(figures.error, t)} />;
  const totals = data?.totals;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('metrics.title')}
      </Typography.Title>
      <Card>
        <Typography.Paragraph type="secondary">{t('metrics.departmentIntro')}</Typography.Paragraph>
        <Space wrap size="large">
          <span>
            {t('metrics.period')}: {data ? `${data.from} ~ ${data.to}` : '…'}
          </span>
          <Space>
            <Switch aria-label={t('metrics.includeDrills')} checked={includeDrills} onChange={setIncludeDrills} />
            {t('metrics.includeDrills')}
          </Space>
        </Space>
      </Card>
      <Card loading={!totals} data-testid="department-totals">
        {totals && (
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}>
              <Statistic title={t('metrics.reportsReceived')} value={totals.reportsReceived} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('metrics.reportsOnTime')} value={percent(totals.reports.rate)} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('metrics.onwardOnTime')} value={percent(totals.onward.rate)} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('metrics.warningsOnTime')} value={percent(totals.warnings.rate)} />
            </Col>
          </Row>
        )}
      </Card>
      {data && (
        <>
          <ChartCard<DepartmentOperator>
            title={t('metrics.ranking')}
            testId="chart-ranking"
            rowKey="operatorOrgId"
            rows={data.operators}
            pageSize={20}
            height={Math.max(200, ranked.length * 28 + 60)}
            option={{
              tooltip: { trigger: 'axis' },
              grid: { left: 160 },
              xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
              yAxis: { type: 'category', inverse: true, data: ranked.map((o) => o.name) },
              series: [
                {
                  type: 'bar',
                  name: t('metrics.reportsOnTime'),
                  data: ranked.map((o) => (o.reports.rate === null ? null : Math.round(o.reports.rate * 1000) / 10)),
                },
              ],
            }}
            columns={[
              { key: 'rank', title: t('metrics.rank'), dataIndex: 'rank' },
              { key: 'name', title: t('metrics.operator'), dataIndex: 'name' },
              { key: 'received', title: t('metrics.reportsReceived'), dataIndex: 'reportsReceived' },
              { key: 'met', title: t('metrics.onTime'), render: (_, o) => o.reports.met },
              { key: 'missed', title: t('metrics.late'), render: (_, o) => o.reports.missed },
              { key: 'rate', title: t('metrics.reportsOnTime'), render: (_, o) => percent(o.reports.rate) },
              { key: 'onwardDue', title: t('metrics.onwardDue'), render: (_, o) => o.onward.due },
              { key: 'onwardRate', title: t('metrics.onwardOnTime'), render: (_, o) => percent(o.onward.rate) },
              { key: 'warnings', title: t('metrics.warningsTargeted'), render: (_, o) => o.warnings.targeted },
              {
                key: 'answered',
                title: t('metrics.warningsAnswered'),
                render: (_, o) => o.warnings.answeredOnTime,
              },
              { key: 'pending', title: t('metrics.warningsPending'), render: (_, o) => o.warnings.pending },
              { key: 'warningRate', title: t('metrics.warningsOnTime'), render: (_, o) => percent(o.warnings.rate) },
            ]}
          />
          <ChartCard
            title={t('metrics.weeklyReports')}
            testId="chart-department-weekly"
            rowKey="week"
            rows={data.byWeek}
            option={{
              tooltip: { trigger: 'axis' },
              legend: {},
              xAxis: { type: 'category', data: data.byWeek.map((w) => w.week.slice(5)) },
              yAxis: [
                { type: 'value', minInterval: 1 },
                { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
              ],
              series: [
                { type: 'bar', name: t('metrics.reportsReceived'), data: data.byWeek.map((w) => w.reportsReceived) },
                {
                  type: 'line',
                  name: t('metrics.reportsOnTime'),
                  yAxisIndex: 1,
                  connectNulls: true,
                  data: data.byWeek.map((w) =>
                    w.reports.rate === null ? null : Math.round(w.reports.rate * 1000) / 10,
                  ),
                },
              ],
            }}
            columns={[
              { key: 'week', title: t('metrics.week'), dataIndex: 'week' },
              { key: 'received', title: t('metrics.reportsReceived'), dataIndex: 'reportsReceived' },
              { key: 'met', title: t('metrics.onTime'), render: (_, w) => w.reports.met },
              { key: 'missed', title: t('metrics.late'), render: (_, w) => w.reports.missed },
              { key: 'rate', title: t('metrics.reportsOnTime'), render: (_, w) => percent(w.reports.rate) },
              { key: 'onwardMet', title: t('metrics.onwardMet'), render: (_, w) => w.onward.met },
              { key: 'onwardMissed', title: t('metrics.onwardMissed'), render: (_, w) => w.onward.missed },
            ]}
          />
        </>
      )}
    </Space>
  );
}
