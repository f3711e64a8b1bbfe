import { Alert, Card, Empty, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { describeError } from '../../api/client';
import { useI18n } from '../../i18n';
import { reportKindLabel } from '../reports/ReportParts';
import { useInbox, type InboxItem, type InboxQuery } from './desk-api';
import { AckCell, OnwardCell, useCategoryName, useCategoryOptions } from './DeskParts';

const PAGE_SIZE = 20;
const GRADES = ['I', 'II', 'III', 'IV'] as const;
const STATUSES = ['unacknowledged', 'acknowledged', 'info-requested', 'onward-pending', 'forwarded'] as const;

type Filters = Omit<InboxQuery, 'page' | 'pageSize' | 'incidentId'>;

/**
 * 报告收件箱 (/desk): the reports operators of the sector submitted to this department, newest first. A new
 * report arrives through the live stream (an `inbox` change refetches this list), so the page never needs a
 * reload; the acknowledgement and, for grades I/II, the onward report count down on the server's clock.
 */
export default function InboxList() {
  const { t } = useI18n();
  const categoryName = useCategoryName();
  const categories = useCategoryOptions();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const inbox = useInbox({ ...filters, page, pageSize: PAGE_SIZE });
  const set = (patch: Filters) => {
    setFilters((f) => {
      const next: Filters = { ...f, ...patch };
      for (const k of Object.keys(next) as Array<keyof Filters>) if (next[k] === undefined) delete next[k];
      return next;
    });
    setPage(1);
  };
  const yesNo = (v: boolean | undefined) => (v === undefined ? 'all' : v ? 'yes' : 'no');
  const fromYesNo = (v: string) => (v === 'all' ? undefined : v === 'yes');
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('desk.inbox.title')}
      </Typography.Title>
      <Card>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            {t('desk.inbox.intro')}
          </Typography.Paragraph>
          <Space wrap role="group" aria-label={t('desk.filters')}>
            <Select
              aria-label={t('desk.grade')}
              data-testid="filter-grade"
              style={{ minWidth: 140 }}
              allowClear
              placeholder={t('desk.grade')}
              value={filters.grade}
              onChange={(v) => set({ grade: v })}
              options={GRADES.map((g) => ({ value: g, label: t(`grade.${g}`) }))}
            />
            <Select
              aria-label={t('desk.category')}
              style={{ minWidth: 180 }}
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t('desk.category')}
              value={filters.category}
              onChange={(v) => set({ category: v })}
              options={categories}
            />
            <Select
              aria-label={t('desk.status')}
              data-testid="filter-status"
              style={{ minWidth: 160 }}
              allowClear
              placeholder={t('desk.status')}
              value={filters.status}
              onChange={(v) => set({ status: v })}
              options={STATUSES.map((s) => ({ value: s, label: t(`desk.inboxStatus.${s}`) }))}
            />
            <Select
              aria-label={t('desk.overdue')}
              style={{ minWidth: 140 }}
              value={yesNo(filters.overdue)}
              onChange={(v) => set({ overdue: fromYesNo(v) })}
              options={[
                { value: 'all', label: t('desk.overdueAll') },
                { value: 'yes', label: t('desk.overdueOnly') },
                { value: 'no', label: t('desk.notOverdue') },
              ]}
            />
            <Select
              aria-label={t('desk.drill')}
              style={{ minWidth: 140 }}
              value={yesNo(filters.drill)}
              onChange={(v) => set({ drill: fromYesNo(v) })}
              options={[
                { value: 'all', label: t('desk.drillAll') },
                { value: 'no', label: t('desk.drillReal') },
                { value: 'yes', label: t('desk.drillOnly') },
              ]}
            />
          </Space>
          {inbox.error && <Alert type="error" showIcon title={describeError(inbox.error, t)} />}
          <Table<InboxItem>
            data-testid="inbox-list"
            size="small"
            rowKey={(r) => r.report.id}
            loading={inbox.isPending}
            dataSource={inbox.data?.items ?? []}
            locale={{ emptyText: <Empty description={t('desk.inbox.none')} /> }}
            scroll={{ x: 'max-content' }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: inbox.data?.total ?? 0,
              hideOnSinglePage: true,
              onChange: setPage,
            }}
            rowClassName={(r) => (r.overdue ? 'lf-row-overdue' : '')}
            columns={[
              {
                key: 'reference',
                title: t('desk.reference'),
                render: (_, r) => (
                  <Space size={4}>
                    <Link to={`/desk/reports/${r.report.id}`}>{r.report.reference}</Link>
                    {r.report.drill && <Tag color="orange">{t('incident.drill')}</Tag>}
                    {r.overdue && <Tag color="red">{t('desk.overdueTag')}</Tag>}
                  </Space>
                ),
              },
              { key: 'operator', title: t('desk.operator'), render: (_, r) => r.report.organisation.name },
              {
                key: 'grade',
                title: t('desk.grade'),
                render: (_, r) => <span data-testid="grade">{r.report.grade}</span>,
              },
              { key: 'category', title: t('desk.category'), render: (_, r) => categoryName(r.report.category) },
              {
                key: 'kind',
                title: t('desk.kind'),
                render: (_, r) => reportKindLabel(t, r.report.kind, r.report.partial),
              },
              {
                key: 'received',
                title: t('desk.receivedAt'),
                render: (_, r) => dayjs(r.receivedAt).format('YYYY-MM-DD HH:mm'),
              },
              { key: 'ack', title: t('desk.acknowledgement'), render: (_, r) => <AckCell item={r} /> },
              { key: 'onward', title: t('desk.onward'), render: (_, r) => <OnwardCell item={r} /> },
            ]}
          />
        </Space>
      </Card>
    </Space>
  );
}
