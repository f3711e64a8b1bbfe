import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Modal, Space, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { describeError } from '../../api/client';
import { useSignedInSession } from '../../api/session';
import { describeRefusal } from '../../components/refusal';
import { useI18n } from '../../i18n';
import { useAdminMutation, userCalls, useTokens, useUsers, type Token } from './admin-api';
import { OrgPicker, ShownOnce, useShownOrg } from './AdminParts';

/**
 * API tokens of the organisation (/admin/tokens), revoked ones included, never the secrets: revoke one, or
 * issue one for yourself (shown once). A service account's token is issued from its row on the users screen;
 * a person gets theirs through an enrolment code, never from an admin (the API's separation of duties).
 */
export default function TokensTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const { modal, message } = App.useApp();
  const { user: me } = useSignedInSession();
  const { orgId } = useShownOrg();
  const tokens = useTokens(orgId);
  const users = useUsers(orgId);
  const names = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.name])), [users.data]);
  const [issuing, setIssuing] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const revoke = useAdminMutation((id: string) => userCalls.revokeToken(id));
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <OrgPicker />
        {orgId === me.orgId && (
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setIssuing(true)}>
            {t('admin.tokens.issueOwn')}
          </Button>
        )}
      </Space>
      {tokens.error && <Alert type="error" showIcon title={describeError(tokens.error, t)} />}
      <Card>
        <Table<Token>
          data-testid="tokens-table"
          size="small"
          rowKey="id"
          loading={tokens.isPending}
          dataSource={tokens.data ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          columns={[
            { key: 'name', title: t('admin.tokens.name'), dataIndex: 'name' },
            {
              key: 'prefix',
              title: t('admin.tokens.prefix'),
              render: (_, k) => <code className="lf-code">{k.prefix}</code>,
            },
            { key: 'user', title: t('admin.tokens.user'), render: (_, k) => names.get(k.userId) ?? k.userId },
            { key: 'role', title: t('admin.users.role'), render: (_, k) => t(`role.${k.role}`) },
            {
              key: 'created',
              title: t('admin.createdAt'),
              render: (_, k) => dayjs(k.createdAt).format('YYYY-MM-DD HH:mm'),
            },
            {
              key: 'state',
              title: t('admin.tokens.state'),
              render: (_, k) =>
                k.revokedAt ? (
                  <Tag>{t('admin.tokens.revokedAt', { at: dayjs(k.revokedAt).format('YYYY-MM-DD HH:mm') })}</Tag>
                ) : (
                  <Tag color="green">{t('admin.tokens.active')}</Tag>
                ),
            },
            {
              key: 'actions',
              title: t('admin.actions'),
              render: (_, k) =>
                !k.revokedAt && (
                  <Button
                    size="small"
                    onClick={() =>
                      modal.confirm({
                        title: t('admin.tokens.revoke'),
                        content: t('admin.tokens.revokeHelp', { name: k.name }),
                        okText: t('admin.confirm'),
                        cancelText: t('app.cancel'),
                        onOk: () =>
                          revoke.mutate(k.id, {
                            onSuccess: () => void message.success(t('admin.saved')),
                            onError: (err) => void message.error(describeRefusal(err, i18n)),
                          }),
                      })
                    }
                  >
                    {t('admin.tokens.revoke')}
                  </Button>
                ),
            },
          ]}
        />
      </Card>
      {issuing && (
        <IssueOwnDialog
          onClose={() => setIssuing(false)}
          onIssued={(token) => {
            setIssuing(false);
            setSecret(token);
          }}
        />
      )}
      {secret && <ShownOnce title={t('admin.tokens.issued')} secret={secret} onClose={() => setSecret(null)} />}
    </Space>
  );
}

function IssueOwnDialog({ onClose, onIssued }: { onClose: () => void; onIssued: (token: string) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<{ name: string }>();
  const issue = useAdminMutation((name: string) => userCalls.issueOwnToken(name));
  return (
    <Modal
      open
      title={t('admin.tokens.issueOwn')}
      okText={t('admin.tokens.issue')}
      cancelText={t('app.cancel')}
      confirmLoading={issue.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => issue.mutate(v.name.trim(), { onSuccess: (k) => onIssued(k.token) })}
      >
        <Form.Item
          label={t('admin.tokens.name')}
          name="name"
          rules={[{ required: true, whitespace: true, message: t('admin.required') }]}
        >
          <Input maxLength={200} placeholder={t('admin.tokens.namePlaceholder')} />
        </Form.Item>
      </Form>
      {issue.error && <Alert type="error" showIcon role="alert" title={describeRefusal(issue.error, i18n)} />}
    </Modal>
  );
}
