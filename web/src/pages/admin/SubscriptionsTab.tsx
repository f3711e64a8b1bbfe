import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { describeRefusal } from '../../components/refusal';
import { useI18n } from '../../i18n';
import { AdminList } from './AdminParts';
import {
  subscriptionCalls,
  useAdminMutation,
  useSubscriptions,
  type CreateSubscription,
  type Subscription,
  type TestResult,
} from './admin-api';
import { CONFIG_EXAMPLES, ConfigField, configText, SecretField } from './ChannelConfig';

const CHANNELS = ['webhook', 'email', 'wecom', 'dingtalk', 'feishu'] as const;
/** The events with a message of their own; others the API knows may be typed in (it names an unknown one). */
const EVENTS = [
  'incident.declared',
  'incident.confirmed',
  'incident.regraded',
  'incident.dismissed',
  'incident.closed',
  'phase.advanced',
  'deadline.reminder',
  'deadline.missed',
  'escalation',
  'report.submitted',
  'report.acknowledged',
  'report.info-requested',
  'warning.received',
  'warning.feedback-overdue',
  'warning.feedback-received',
];
const GRADES = ['I', 'II', 'III', 'IV'] as const;

/**
 * Notification subscriptions (/admin/subscriptions): channel, events, filters (grades, drills, escalation
 * roles), language; secrets are write-only (never shown, empty keeps them). 发送测试 sends a test message at once
 * and shows what the receiver answered.
 */
export default function SubscriptionsTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const { modal, message } = App.useApp();
  const subs = useSubscriptions();
  const [editing, setEditing] = useState<Subscription | 'new' | null>(null);
  const [tested, setTested] = useState<{ sub: Subscription; result: TestResult } | null>(null);
  const test = useAdminMutation((id: string) => subscriptionCalls.test(id));
  const remove = useAdminMutation((id: string) => subscriptionCalls.remove(id));
  return (
    <AdminList addLabel={t('admin.subscriptions.add')} onAdd={() => setEditing('new')} error={subs.error}>
      <Card>
        <Table<Subscription>
          data-testid="subscriptions-table"
          size="small"
          rowKey="id"
          loading={subs.isPending}
          dataSource={subs.data ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={[
            { key: 'name', title: t('admin.subscriptions.name'), dataIndex: 'name' },
            { key: 'channel', title: t('admin.channel.channel'), render: (_, s) => t(`admin.channel.${s.channel}`) },
            {
              key: 'events',
              title: t('admin.subscriptions.events'),
              render: (_, s) => (
                <Space size={2} wrap style={{ maxWidth: 360 }}>
                  {s.events.map((e) => (
                    <Tag key={e}>{e}</Tag>
                  ))}
                </Space>
              ),
            },
            {
              key: 'filters',
              title: t('admin.subscriptions.filters'),
              render: (_, s) => (
                <Space size={2} wrap>
                  <Tag>{s.grades.length ? s.grades.join('/') : t('admin.subscriptions.allGrades')}</Tag>
                  <Tag>{t(`admin.subscriptions.drill.${s.drill}`)}</Tag>
                </Space>
              ),
            },
            {
              key: 'state',
              title: t('admin.tokens.state'),
              render: (_, s) => (
                <Space size={2}>
                  <Tag color={s.enabled ? 'green' : undefined}>
                    {s.enabled ? t('admin.enabled') : t('admin.disabledState')}
                  </Tag>
                  {s.hasSecret && <Tag>{t('admin.channel.hasSecret')}</Tag>}
                </Space>
              ),
            },
            {
              key: 'actions',
              title: t('admin.actions'),
              render: (_, s) => (
                <Space size={4}>
                  <Button
                    size="small"
                    loading={test.isPending && test.variables === s.id}
                    onClick={() =>
                      test.mutate(s.id, {
                        onSuccess: (result) => setTested({ sub: s, result }),
                        onError: (err) => void message.error(describeRefusal(err, i18n)),
                      })
                    }
                  >
                    {t('admin.subscriptions.test')}
                  </Button>
                  <Button size="small" onClick={() => setEditing(s)}>
                    {t('admin.edit')}
                  </Button>
                  <Button
                    size="small"
                    onClick={() =>
                      modal.confirm({
                        title: t('admin.delete'),
                        content: t('admin.subscriptions.deleteHelp', { name: s.name }),
                        okText: t('admin.confirm'),
                        cancelText: t('app.cancel'),
                        onOk: () =>
                          remove.mutate(s.id, {
                            onSuccess: () => void message.success(t('admin.saved')),
                            onError: (err) => void message.error(describeRefusal(err, i18n)),
                          }),
                      })
                    }
                  >
                    {t('admin.delete')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {editing && <SubscriptionDialog sub={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      {tested && (
        <Modal
          open
          title={t('admin.subscriptions.testResult', { name: tested.sub.name })}
          onOk={() => setTested(null)}
          onCancel={() => setTested(null)}
          cancelButtonProps={{ style: { display: 'none' } }}
        >
          <div data-testid="test-result" data-ok={tested.result.ok}>
            <Alert
              type={tested.result.ok ? 'success' : 'error'}
              showIcon
              title={tested.result.ok ? t('admin.subscriptions.testOk') : t('admin.subscriptions.testFailed')}
              description={
                <Space direction="vertical" size={0}>
                  {tested.result.status !== undefined && (
                    <span>{t('admin.subscriptions.testStatus', { status: tested.result.status })}</span>
                  )}
                  {tested.result.error && <span>{tested.result.error}</span>}
                  <span>{t('admin.subscriptions.testDuration', { ms: tested.result.durationMs })}</span>
                  {!tested.result.ok && (
                    <Typography.Text type="secondary">
                      {tested.result.retryable
                        ? t('admin.subscriptions.retryable')
                        : t('admin.subscriptions.notRetryable')}
                    </Typography.Text>
                  )}
                </Space>
              }
            />
          </div>
        </Modal>
      )}
    </AdminList>
  );
}

interface Values {
  name: string;
  channel: CreateSubscription['channel'];
  config: string;
  secret?: string;
  removeSecret?: boolean;
  events: string[];
  grades?: Array<(typeof GRADES)[number]>;
  drill: NonNullable<CreateSubscription['drill']>;
  roles?: NonNullable<CreateSubscription['roles']>;
  locale: NonNullable<CreateSubscription['locale']>;
  enabled: boolean;
}

function SubscriptionDialog({ sub, onClose }: { sub: Subscription | null; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useAdminMutation((v: Values) => {
    const common = {
      name: v.name.trim(),
      config: JSON.parse(v.config) as Record<string, unknown>,
      events: v.events,
      grades: v.grades ?? [],
      drill: v.drill,
      roles: v.roles ?? [],
      locale: v.locale,
      enabled: v.enabled,
    };
    if (!sub)
      return subscriptionCalls.create({ ...common, channel: v.channel, ...(v.secret ? { secret: v.secret } : {}) });
    return subscriptionCalls.update(sub.id, {
      ...common,
      ...(v.removeSecret ? { secret: null } : v.secret ? { secret: v.secret } : {}),
    });
  });
  return (
    <Modal
      open
      width={680}
      title={sub ? t('admin.subscriptions.editTitle', { name: sub.name }) : t('admin.subscriptions.add')}
      okText={t('admin.save')}
      cancelText={t('app.cancel')}
      confirmLoading={save.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={
          sub
            ? {
                ...sub,
                config: configText(sub.config),
                grades: sub.grades as Values['grades'],
                roles: sub.roles as Values['roles'],
              }
            : {
                channel: 'webhook',
                config: configText(CONFIG_EXAMPLES.webhook!),
                events: ['incident.declared'],
                drill: 'include',
                locale: 'zh-CN',
                enabled: true,
              }
        }
        onValuesChange={(changed: Partial<Values>) => {
          if (changed.channel && !sub) form.setFieldValue('config', configText(CONFIG_EXAMPLES[changed.channel] ?? {}));
        }}
        onFinish={(v) =>
          save.mutate(v, {
            onSuccess: () => {
              void message.success(t('admin.saved'));
              onClose();
            },
          })
        }
      >
        <Form.Item
          label={t('admin.subscriptions.name')}
          name="name"
          rules={[{ required: true, whitespace: true, message: t('admin.required') }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label={t('admin.channel.channel')} name="channel">
          <Select disabled={!!sub} options={CHANNELS.map((c) => ({ value: c, label: t(`admin.channel.${c}`) }))} />
        </Form.Item>
        <ConfigField />
        <SecretField hasSecret={!!sub?.hasSecret} />
        {sub?.hasSecret && (
          <Form.Item name="removeSecret" valuePropName="checked">
            <Checkbox>{t('admin.channel.removeSecret')}</Checkbox>
          </Form.Item>
        )}
        <Form.Item
          label={t('admin.subscriptions.events')}
          name="events"
          rules={[{ required: true, type: 'array', min: 1, message: t('admin.required') }]}
        >
          <Select mode="tags" options={EVENTS.map((e) => ({ value: e, label: e }))} />
        </Form.Item>
        <Space wrap size="large">
          <Form.Item label={t('admin.subscriptions.grades')} name="grades" extra={t('admin.subscriptions.gradesHelp')}>
            <Select mode="multiple" style={{ minWidth: 180 }} options={GRADES.map((g) => ({ value: g, label: g }))} />
          </Form.Item>
          <Form.Item label={t('admin.subscriptions.drillLabel')} name="drill">
            <Select
              style={{ minWidth: 160 }}
              options={(['include', 'exclude', 'only'] as const).map((d) => ({
                value: d,
                label: t(`admin.subscriptions.drill.${d}`),
              }))}
            />
          </Form.Item>
          <Form.Item label={t('admin.subscriptions.roles')} name="roles" extra={t('admin.subscriptions.rolesHelp')}>
            <Select
              mode="multiple"
              style={{ minWidth: 180 }}
              options={(['commander', 'leader', 'admin'] as const).map((r) => ({ value: r, label: t(`role.${r}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('admin.subscriptions.locale')} name="locale">
            <Select
              style={{ minWidth: 120 }}
              options={[
                { value: 'zh-CN', label: '中文' },
                { value: 'en', label: 'English' },
              ]}
            />
          </Form.Item>
          <Form.Item label={t('admin.enabled')} name="enabled" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
      </Form>
      {save.error && <Alert type="error" showIcon role="alert" title={describeRefusal(save.error, i18n)} />}
    </Modal>
  );
}
