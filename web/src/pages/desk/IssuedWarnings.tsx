import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { describeError, type Schemas } from '../../api/client';
import { useSignedInSession } from '../../api/session';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import { LEVEL_COLOURS } from '../warnings/warnings-api';
import { mayIssueWarning, useIssuedWarnings } from './desk-api';

type Summary = Schemas['WarningSummaryView'];
const PAGE_SIZE = 20;

/** The warnings this department issued (/desk/warnings), each with how many operators answered and are overdue. */
export default function IssuedWarnings() {
  const { t } = useI18n();
  const { user } = useSignedInSession();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const [drill, setDrill] = useState<'all' | 'real' | 'drill'>('all');
  const list = useIssuedWarnings(page, PAGE_SIZE, drill === 'all' ? undefined : drill === 'drill');
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t('desk.warnings.title')}
        </Typography.Title>
        {mayIssueWarning(user) && (
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => navigate('/desk/warnings/new')}>
            {t('desk.warnings.issue')}
          </Button>
        )}
      </Space>
      <Card>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Select
            aria-label={t('desk.drill')}
            style={{ width: 160 }}
            value={drill}
            onChange={(v) => {
              setDrill(v);
              setPage(1);
            }}
            options={[
              { value: 'all', label: t('desk.drillAll') },
              { value: 'real', label: t('desk.drillReal') },
              { value: 'drill', label: t('desk.drillOnly') },
            ]}
          />
          {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} />}
          <Table<Summary>
            data-testid="issued-warnings"
            size="small"
            rowKey="id"
            loading={list.isPending}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: <Empty description={t('desk.warnings.none')} /> }}
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
                title: t('desk.reference'),
                render: (_, w) => (
                  <Space size={4}>
                    <Link to={`/desk/warnings/${w.id}`}>{w.reference}</Link>
                    {w.drill && <Tag color="orange">{t('incident.drill')}</Tag>}
                  </Space>
                ),
              },
              { key: 'title', title: t('desk.warnings.titleField'), dataIndex: 'title' },
              {
                key: 'level',
                title: t('desk.warnings.level'),
                render: (_, w) => <Tag color={LEVEL_COLOURS[w.level]}>{labelOf(t, 'level', w.level)}</Tag>,
              },
              {
                key: 'counts',
                title: t('desk.warnings.answers'),
                render: (_, w) =>
                  w.counts ? (
                    <Space size={4} wrap>
                      <span>
                        {t('desk.warnings.answeredOf', { answered: w.counts.answered, targets: w.counts.targets })}
                      </span>
                      {w.counts.overdue > 0 && (
                        <Tag color="red">{t('desk.warnings.overdueCount', { n: w.counts.overdue })}</Tag>
                      )}
                    </Space>
                  ) : (
                    '—'
                  ),
              },
              {
                key: 'due',
                title: t('desk.warnings.feedbackDue'),
                render: (_, w) => dayjs(w.feedbackDueAt).format('YYYY-MM-DD HH:mm'),
              },
              {
                key: 'created',
                title: t('desk.warnings.issuedAt'),
                render: (_, w) => dayjs(w.createdAt).format('YYYY-MM-DD HH:mm'),
              },
            ]}
          />
        </Space>
      </Card>
    </Space>
  );
}
