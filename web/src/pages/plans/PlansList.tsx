import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Form, Input, List, Modal, Space, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { describeError } from '../../api/client';
import { useSignedInSession } from '../../api/session';
import { useI18n } from '../../i18n';
import {
  mayEditPlans,
  planCalls,
  usePlans,
  usePlansMutation,
  useCategoryName,
  useRecommendedPlans,
  type CacaoImport,
  type PlanSummary,
} from './plans-api';

/**
 * The organisation's plans and the recommended plans of its sector's protection department (adopt one as a
 * copy); CACAO import for an admin or leader, showing what the import skipped.
 */
export default function PlansList() {
  const { t, pick } = useI18n();
  const { user } = useSignedInSession();
  const { message } = App.useApp();
  const plans = usePlans();
  const recommended = useRecommendedPlans();
  const categoryName = useCategoryName();
  const adopt = usePlansMutation((id: string) => planCalls.adopt(id));
  const [importing, setImporting] = useState(false);
  const editor = mayEditPlans(user);
  const categories = (p: PlanSummary) => (
    <Space size={2} wrap>
      {p.categories.map((c) => (
        <Tag key={c}>{categoryName(c)}</Tag>
      ))}
    </Space>
  );
  return (
    <div>
      <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0 }}>
        {t('plans.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('plans.intro')}</Typography.Paragraph>
      <Card
        title={t('plans.own')}
        extra={
          editor && (
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
              {t('plans.import')}
            </Button>
          )
        }
      >
        {plans.error && <Alert type="error" showIcon title={describeError(plans.error, t)} />}
        <Table<PlanSummary>
          data-testid="plans-table"
          size="small"
          rowKey="id"
          loading={plans.isPending}
          dataSource={plans.data ?? []}
          pagination={false}
          columns={[
            {
              key: 'title',
              title: t('plans.planTitle'),
              render: (_, p) => <Link to={`/plans/${p.id}`}>{pick(p.title)}</Link>,
            },
            { key: 'categories', title: t('plans.categories'), render: (_, p) => categories(p) },
            {
              key: 'state',
              title: t('plans.state'),
              render: (_, p) => (
                <Tag color={p.active ? 'green' : undefined}>{p.active ? t('plans.active') : t('plans.inactive')}</Tag>
              ),
            },
            { key: 'version', title: t('plans.latestVersion'), dataIndex: 'latestVersion' },
            {
              key: 'updated',
              title: t('plans.updatedAt'),
              render: (_, p) => new Date(p.updatedAt).toLocaleString(),
            },
          ]}
        />
      </Card>
      <Card title={t('plans.recommended')} style={{ marginTop: 16 }}>
        <Typography.Paragraph type="secondary">{t('plans.recommendedIntro')}</Typography.Paragraph>
        {recommended.error && <Alert type="error" showIcon title={describeError(recommended.error, t)} />}
        <Table<PlanSummary>
          data-testid="recommended-plans-table"
          size="small"
          rowKey="id"
          loading={recommended.isPending}
          dataSource={recommended.data ?? []}
          pagination={false}
          locale={{ emptyText: <Empty description={t('plans.noRecommended')} /> }}
          columns={[
            { key: 'title', title: t('plans.planTitle'), render: (_, p) => pick(p.title) },
            { key: 'categories', title: t('plans.categories'), render: (_, p) => categories(p) },
            { key: 'version', title: t('plans.latestVersion'), dataIndex: 'latestVersion' },
            ...(editor
              ? [
                  {
                    key: 'adopt',
                    title: '',
                    render: (_: unknown, p: PlanSummary) => (
                      <Button
                        size="small"
                        loading={adopt.isPending && adopt.variables === p.id}
                        onClick={() =>
                          adopt.mutate(p.id, {
                            onSuccess: () => void message.success(t('plans.adopted')),
                            onError: (err) => void message.error(describeError(err, t)),
                          })
                        }
                      >
                        {t('plans.adopt')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      {importing && <ImportDialog onClose={() => setImporting(false)} />}
    </div>
  );
}

function ImportDialog({ onClose }: { onClose: () => void }) {
  const { t, pick } = useI18n();
  const [playbook, setPlaybook] = useState<Record<string, unknown> | null>(null);
  const [fileName, setFileName] = useState<string>('');
  const [invalid, setInvalid] = useState(false);
  const [categories, setCategories] = useState('');
  const [result, setResult] = useState<CacaoImport | null>(null);
  const run = usePlansMutation(() =>
    planCalls.importCacao({
      playbook: playbook!,
      ...(categories.trim()
        ? {
            categories: categories
              .split(/[,，\s]+/)
              .map((c) => c.trim())
              .filter(Boolean),
          }
        : {}),
    }),
  );
  return (
    <Modal
      open
      title={t('plans.importTitle')}
      okText={result ? t('plans.close') : t('plans.import')}
      cancelText={t('app.cancel')}
      okButtonProps={{ disabled: !result && !playbook, loading: run.isPending }}
      onCancel={onClose}
      onOk={() => (result ? onClose() : run.mutate(undefined, { onSuccess: setResult }))}
      destroyOnHidden
    >
      {result ? (
        <div data-testid="cacao-import-result">
          <Alert type="success" showIcon title={t('plans.imported', { title: pick(result.plan.title) })} />
          <Typography.Paragraph style={{ marginTop: 12 }}>
            {result.skipped.length ? t('plans.skipped') : t('plans.skippedNone')}
          </Typography.Paragraph>
          {result.skipped.length > 0 && (
            <List
              size="small"
              bordered
              dataSource={result.skipped}
              renderItem={(s) => (
                <List.Item>
                  <Space direction="vertical" size={0}>
                    <code className="lf-code">{s.path}</code>
                    <span>{s.reason}</span>
                  </Space>
                </List.Item>
              )}
            />
          )}
        </div>
      ) : (
        <Form layout="vertical">
          <Form.Item label={t('plans.importFile')}>
            <Upload
              accept=".json,application/json"
              maxCount={1}
              showUploadList={false}
              beforeUpload={(file) => {
                void file.text().then((text) => {
                  setFileName(file.name);
                  try {
                    setPlaybook(JSON.parse(text) as Record<string, unknown>);
                    setInvalid(false);
                  } catch {
                    setPlaybook(null);
                    setInvalid(true);
                  }
                });
                return false;
              }}
            >
              <Button icon={<UploadOutlined />}>{fileName || t('plans.importFile')}</Button>
            </Upload>
            {invalid && <Alert type="error" showIcon title={t('plans.importInvalid')} style={{ marginTop: 8 }} />}
          </Form.Item>
          <Form.Item label={t('plans.importCategories')}>
            <Input value={categories} onChange={(e) => setCategories(e.target.value)} placeholder="ransomware" />
          </Form.Item>
          {run.error && <Alert type="error" showIcon title={describeError(run.error, t)} />}
        </Form>
      )}
    </Modal>
  );
}
