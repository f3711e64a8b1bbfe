import { Card, Segmented, Table, type TableColumnsType } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { EChart } from './EChart';

/**
 * A chart with its numbers one click away: 图表 / 表格 switches the card between the chart and a table of
 * exactly the figures the chart draws.
 */
export function ChartCard<Row extends object>({
  title,
  option,
  columns,
  rows,
  rowKey,
  testId,
  height,
  pageSize,
}: {
  title: string;
  option: EChartsCoreOption;
  columns: TableColumnsType<Row>;
  rows: Row[];
  rowKey: keyof Row & string;
  testId: string;
  height?: number;
  pageSize?: number;
}) {
  const { t } = useI18n();
  const [view, setView] = useState<'chart' | 'table'>('chart');
  return (
    <Card
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{title}</h2>}
      data-testid={testId}
      extra={
        <Segmented
          aria-label={t('metrics.viewAs', { title })}
          value={view}
          onChange={(v) => setView(v as 'chart' | 'table')}
          options={[
            { label: t('metrics.showChart'), value: 'chart' },
            { label: t('metrics.showTable'), value: 'table' },
          ]}
        />
      }
    >
      {view === 'chart' ? (
        <EChart option={option} height={height} label={t('metrics.chartLabel', { title })} />
      ) : (
        <Table<Row>
          size="small"
          rowKey={rowKey}
          columns={columns}
          dataSource={rows}
          pagination={pageSize ? { pageSize, hideOnSinglePage: true, showSizeChanger: false } : false}
          scroll={{ x: true }}
        />
      )}
    </Card>
  );
}
