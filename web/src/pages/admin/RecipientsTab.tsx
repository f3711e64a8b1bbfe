import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { describeRefusal, recipientKindLabel } from '../../components/refusal';
import { useI18n } from '../../i18n';
import { AdminList } from './AdminParts';
import { recipientCalls, useAdminMutation, useRecipients, type CreateRecipient, type Recipient } from './admin-api';
import { CONFIG_EXAMPLES, ConfigField, configText, SecretField } from './ChannelConfig';

const KINDS = [
  'protection-department',
  'public-security',
  'own-cyberspace-body',
  'provincial-cyberspace-department',
  'sector-regulator',
] as const;

/**
 * External report recipients of an operator (/admin/recipients): authorities that receive its reports by
 * e-mail or signed webhook. The secret (webhook signing secret, SMTP password) is write-only.
 */
export default function RecipientsTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const recipients = useRecipients(true);
  const [editing, setEditing] = useState<Recipient | 'new' | null>(null);
  return (
    <AdminList addLabel={t('admin.recipients.add')} onAdd={() => setEditing('new')} error={recipients.error}>
      <Card>
        <Table<Recipient>
          data-testid="recipients-table"
          size="small"
          rowKey="id"
          loading={recipients.isPending}
          dataSource={recipients.data ?? []}
          pagination={false}
          columns={[
            { key: 'name', title: t('admin.subscriptions.name'), dataIndex: 'name' },
            { key: 'kind', title: t('admin.recipients.kind'), render: (_, r) => recipientKindLabel(i18n.t, r.kind) },
            { key: 'channel', title: t('admin.channel.channel'), render: (_, r) => t(`admin.channel.${r.channel}`) },
            {
              key: 'state',
              title: t('admin.tokens.state'),
              render: (_, r) => (
                <Space size={2}>
                  <Tag color={r.active ? 'green' : undefined}>
                    {r.active ? t('admin.enabled') : t('admin.disabledState')}
                  </Tag>
                  {r.drill && <Tag color="orange">{t('admin.recipients.drill')}</Tag>}
                  {r.hasSecret && <Tag>{t('admin.channel.hasSecret')}</Tag>}
                </Space>
              ),
            },
            {
              key: 'actions',
              title: t('admin.actions'),
              render: (_, r) => (
                <Button size="small" onClick={() => setEditing(r)}>
                  {t('admin.edit')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      {editing && <RecipientDialog recipient={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </AdminList>
  );
}

interface Values {
  kind: CreateRecipient['kind'];
  name: string;
  channel: CreateRecipient['channel'];
  config: string;
  secret?: string;
  drill?: boolean;
  active?: boolean;
}

function RecipientDialog({ recipient, onClose }: { recipient: Recipient | null; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useAdminMutation((v: Values) => {
    const config = JSON.parse(v.config) as Record<string, unknown>;
    const secret = v.secret ? { secret: v.secret } : {};
    if (!recipient)
      return recipientCalls.create({
        kind: v.kind,
        name: v.name.trim(),
        channel: v.channel,
        config,
        drill: !!v.drill,
        ...secret,
      });
    return recipientCalls.update(recipient.id, {
      name: v.name.trim(),
      config,
      drill: !!v.drill,
      active: !!v.active,
      ...secret,
    });
  });
  return (
    <Modal
      open
      width={640}
      title={recipient ? t('admin.recipients.editTitle', { name: recipient.name }) : t('admin.recipients.add')}
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
          recipient
            ? { ...recipient, config: configText(recipient.config) }
            : {
                kind: 'public-security',
                channel: 'webhook',
                config: configText(CONFIG_EXAMPLES.webhook!),
                drill: false,
              }
        }
        onValuesChange={(changed: Partial<Values>) => {
          if (changed.channel && !recipient)
            form.setFieldValue('config', configText(CONFIG_EXAMPLES[changed.channel] ?? {}));
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
        <Form.Item label={t('admin.recipients.kind')} name="kind">
          <Select disabled={!!recipient} options={KINDS.map((k) => ({ value: k, label: recipientKindLabel(t, k) }))} />
        </Form.Item>
        <Form.Item
          label={t('admin.subscriptions.name')}
          name="name"
          rules={[{ required: true, whitespace: true, message: t('admin.required') }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label={t('admin.channel.channel')} name="channel">
          <Select
            disabled={!!recipient}
            options={(['webhook', 'email'] as const).map((c) => ({ value: c, label: t(`admin.channel.${c}`) }))}
          />
        </Form.Item>
        <ConfigField />
        <SecretField hasSecret={!!recipient?.hasSecret} />
        <Space size="large">
          <Form.Item label={t('admin.recipients.drill')} name="drill" valuePropName="checked">
            <Switch />
          </Form.Item>
          {recipient && (
            <Form.Item label={t('admin.enabled')} name="active" valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
        </Space>
      </Form>
      {save.error && <Alert type="error" showIcon role="alert" title={describeRefusal(save.error, i18n)} />}
    </Modal>
  );
}
