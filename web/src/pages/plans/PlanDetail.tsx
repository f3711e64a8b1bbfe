import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, List, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { describeError } from '../../api/client';
import { useSignedInSession } from '../../api/session';
import { useI18n } from '../../i18n';
import {
  downloadJson,
  mayEditPlans,
  planCalls,
  useCategoryName,
  usePlan,
  usePlanDiff,
  usePlanVersions,
  type PlanDiff,
  type PlanVersion,
} from './plans-api';

/** One plan: its latest version's steps, every version (CACAO export of each), and the diff between two. */
export default function PlanDetail() {
  const { id = '' } = useParams();
  const { t, pick } = useI18n();
  const { user } = useSignedInSession();
  const { message } = App.useApp();
  const plan = usePlan(id);
  const versions = usePlanVersions(id);
  const categoryName = useCategoryName();
  const latest = plan.data?.latestVersion ?? null;
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const older = from ?? (latest && latest > 1 ? latest - 1 : null);
  const newer = to ?? latest;
  const diff = usePlanDiff(id, older, newer);
  const exportVersion = async (version: number) => {
    try {
      downloadJson(`plan-${id}-v${version}.cacao.json`, await planCalls.exportCacao(id, version));
    } catch (err) {
      void message.error(describeError(err, t));
    }
  };
  if (plan.error) return <Alert type="error" showIcon title={describeError(plan.error, t)} />;
  const options = (versions.data ?? []).map((v) => ({ value: v.version, label: `v${v.version}` }));
  return (
    <div>
      <Link to="/plans">{t('plans.back')}</Link>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {plan.data ? pick(plan.data.title) : t('app.loading')}
      </Typography.Title>
      {plan.data && (
        <Card>
          <Descriptions size="small" column={2}>
            <Descriptions.Item label={t('plans.categories')}>
              <Space size={2} wrap>
                {plan.data.categories.map((c) => (
                  <Tag key={c}>{categoryName(c)}</Tag>
                ))}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('plans.state')}>
              {plan.data.active ? t('plans.active') : t('plans.inactive')}
            </Descriptions.Item>
            <Descriptions.Item label={t('plans.latestVersion')}>v{plan.data.latestVersion}</Descriptions.Item>
            <Descriptions.Item label={t('plans.steps')}>{plan.data.document.steps.length}</Descriptions.Item>
          </Descriptions>
          {mayEditPlans(user) && (
            <Link to={`/drills?schedule=${plan.data.id}`}>
              <Button type="primary">{t('plans.scheduleDrill')}</Button>
            </Link>
          )}
        </Card>
      )}
      <Card title={t('plans.versions')} style={{ marginTop: 16 }}>
        <Table<PlanVersion>
          data-testid="plan-versions"
          size="small"
          rowKey="version"
          loading={versions.isPending}
          dataSource={versions.data ?? []}
          pagination={false}
          columns={[
            { key: 'version', title: t('plans.version'), render: (_, v) => `v${v.version}` },
            { key: 'note', title: t('plans.note'), render: (_, v) => v.note ?? '' },
            { key: 'created', title: t('plans.createdAt'), render: (_, v) => new Date(v.createdAt).toLocaleString() },
            { key: 'incidents', title: t('plans.inUse'), dataIndex: 'incidents' },
            {
              key: 'export',
              title: '',
              render: (_, v) => (
                <Button size="small" icon={<DownloadOutlined />} onClick={() => void exportVersion(v.version)}>
                  {t('plans.export')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Card title={t('plans.diff')} style={{ marginTop: 16 }}>
        <Space>
          <span>{t('plans.diffFrom')}</span>
          <Select
            aria-label={t('plans.diffFrom')}
            style={{ width: 100 }}
            value={older ?? undefined}
            options={options}
            onChange={(v: number) => setFrom(v)}
          />
          <span>{t('plans.diffTo')}</span>
          <Select
            aria-label={t('plans.diffTo')}
            style={{ width: 100 }}
            value={newer ?? undefined}
            options={options}
            onChange={(v: number) => setTo(v)}
          />
        </Space>
        {diff.error && <Alert type="error" showIcon title={describeError(diff.error, t)} style={{ marginTop: 12 }} />}
        {diff.data && <DiffView diff={diff.data} />}
      </Card>
    </div>
  );
}

function DiffView({ diff }: { diff: PlanDiff }) {
  const { t, pick } = useI18n();
  const empty =
    !diff.title &&
    !diff.categoriesAdded.length &&
    !diff.categoriesRemoved.length &&
    !diff.stepsAdded.length &&
    !diff.stepsRemoved.length &&
    !diff.stepsChanged.length &&
    !diff.stepsMoved.length;
  if (empty) return <Typography.Paragraph style={{ marginTop: 12 }}>{t('plans.diffNone')}</Typography.Paragraph>;
  const section = (title: string, items: string[]) =>
    items.length > 0 && (
      <List
        size="small"
        header={<strong>{title}</strong>}
        dataSource={items}
        renderItem={(item) => <List.Item>{item}</List.Item>}
        style={{ marginTop: 12 }}
      />
    );
  return (
    <div data-testid="plan-diff">
      {diff.title && (
        <Typography.Paragraph style={{ marginTop: 12 }}>
          {t('plans.diffTitle', { from: pick(diff.title.from), to: pick(diff.title.to) })}
        </Typography.Paragraph>
      )}
      {section(t('plans.diffCategoriesAdded'), diff.categoriesAdded)}
      {section(t('plans.diffCategoriesRemoved'), diff.categoriesRemoved)}
      {section(
        t('plans.diffStepsAdded'),
        diff.stepsAdded.map((s) => `${s.id} — ${pick(s.title)}`),
      )}
      {section(
        t('plans.diffStepsRemoved'),
        diff.stepsRemoved.map((s) => `${s.id} — ${pick(s.title)}`),
      )}
      {section(
        t('plans.diffStepsChanged'),
        diff.stepsChanged.map((s) => `${s.id}: ${s.fields.map((f) => f.field).join(', ')}`),
      )}
      {section(t('plans.diffStepsMoved'), diff.stepsMoved)}
    </div>
  );
}
