import { Alert, Card, Empty, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { describeError } from '../../api/client';
import { Countdown } from '../../components/Countdown';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import { LEVEL_COLOURS, useWarnings, type WarningSummary } from './warnings-api';

const PAGE_SIZE = 20;

/** Early warnings (预警) addressed to this operator: where each stands and the feedback deadline counting down. */
export default function WarningsList() {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const list = useWarnings(page, PAGE_SIZE);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('warnings.title')}
      </Typography.Title>
      <Card>
        <Typography.Paragraph type="secondary">{t('warnings.intro')}</Typography.Paragraph>
        {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} />}
        <Table<WarningSummary>
          data-testid="warning-list"
          size="small"
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty description={t('warnings.none')} /> }}
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
              title: t('warnings.reference'),
              render: (_, w) => <Link to={`/warnings/${w.id}`}>{w.reference}</Link>,
            },
            {
              key: 'title',
              title: t('warnings.warningTitle'),
              render: (_, w) => (
                <Space>
                  {w.title}
                  {w.drill && <Tag color="orange">{t('incident.drill')}</Tag>}
                </Space>
              ),
            },
            {
              key: 'level',
              title: t('warnings.level'),
              render: (_, w) => <Tag color={LEVEL_COLOURS[w.level]}>{labelOf(t, 'level', w.level)}</Tag>,
            },
            { key: 'issuer', title: t('warnings.issuer'), render: (_, w) => w.issuer.name },
            {
              key: 'state',
              title: t('warnings.state'),
              render: (_, w) => (w.state ? labelOf(t, 'wfState', w.state) : '—'),
            },
            {
              key: 'feedback',
              title: t('warnings.feedbackDue'),
              render: (_, w) =>
                w.deadlineStatus === 'pending' || w.deadlineStatus === 'missed' ? (
                  <Countdown dueAt={w.feedbackDueAt} />
                ) : w.deadlineStatus === 'met' ? (
                  <Tag color="green">{t('deadline.met')}</Tag>
                ) : (
                  dayjs(w.feedbackDueAt).format('YYYY-MM-DD HH:mm')
                ),
            },
            {
              key: 'received',
              title: t('warnings.receivedAt'),
              render: (_, w) => dayjs(w.createdAt).format('YYYY-MM-DD HH:mm'),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
