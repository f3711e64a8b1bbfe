import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { describeError } from '../../api/client';
import { useSignedInSession } from '../../api/session';
import { describeRefusal } from '../../components/refusal';
import { useI18n } from '../../i18n';
import {
  DEPARTMENT_ROLES,
  OPERATOR_ROLES,
  SERVICE_ACCOUNT_ROLES,
  useAdminMutation,
  userCalls,
  useUsers,
  type Role,
  type User,
} from './admin-api';
import { OrgPicker, ShownOnce, useShownOrg } from './AdminParts';

type Secret = { title: string; secret: string; note?: string };

/**
 * Users of the organisation (/admin/users): add a person or a service account; change a role; reset a
 * password or a second factor; hand a person an enrolment code; issue a service account's token (shown once);
 * disable and enable. An admin changes neither their own role nor disables themself (the API refuses both),
 * so those are not offered on their own row.
 */
export default function UsersTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const { modal, message } = App.useApp();
  const { user: me } = useSignedInSession();
  const { orgId, org, kind } = useShownOrg();
  const users = useUsers(orgId);
  const [adding, setAdding] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [secret, setSecret] = useState<Secret | null>(null);
  const update = useAdminMutation((a: { id: string; role?: Role; disabled?: boolean }) =>
    userCalls.update(a.id, {
      ...(a.role ? { role: a.role } : {}),
      ...(a.disabled === undefined ? {} : { disabled: a.disabled }),
    }),
  );
  const reset2fa = useAdminMutation((id: string) => userCalls.resetSecondFactor(id));
  const enrol = useAdminMutation((id: string) => userCalls.enrolment(id));
  const issue = useAdminMutation((a: { id: string; name: string }) => userCalls.issueToken(a.id, a.name));
  const security = useAdminMutation((on: boolean) => userCalls.security(orgId, on));
  const roles = kind === 'department' ? DEPARTMENT_ROLES : OPERATOR_ROLES;
  const fail = (err: unknown) => void message.error(describeRefusal(err, i18n));

  const confirm = (title: string, content: string, run: () => void) =>
    modal.confirm({ title, content, okText: t('admin.confirm'), cancelText: t('app.cancel'), onOk: run });

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <OrgPicker />
        <Space wrap>
          {org && (
            <label style={{ display: 'inline-flex', gap: 8, alignItems: 'center' }}>
              <Switch
                checked={org.requireTwoFactor}
                loading={security.isPending}
                onChange={(on) => security.mutate(on, { onError: fail })}
                aria-label={t('admin.users.requireTwoFactor')}
              />
              <span>{t('admin.users.requireTwoFactor')}</span>
            </label>
          )}
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setAdding(true)}>
            {t('admin.users.add')}
          </Button>
        </Space>
      </Space>
      {users.error && <Alert type="error" showIcon title={describeError(users.error, t)} />}
      <Card>
        <Table<User>
          data-testid="users-table"
          size="small"
          rowKey="id"
          loading={users.isPending}
          dataSource={users.data ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          onRow={(u) => ({ 'data-user': u.username ?? u.name }) as object}
          columns={[
            {
              key: 'name',
              title: t('admin.users.name'),
              render: (_, u) => (
                <Space size={4} wrap>
                  <span>{u.name}</span>
                  {u.serviceAccount && <Tag>{t('admin.users.serviceAccount')}</Tag>}
                  {u.disabledAt && (
                    <Tag color="red" data-testid="user-disabled">
                      {t('admin.users.disabled')}
                    </Tag>
                  )}
                </Space>
              ),
            },
            { key: 'username', title: t('admin.users.username'), render: (_, u) => u.username ?? '—' },
            {
              key: 'role',
              title: t('admin.users.role'),
              render: (_, u) =>
                u.id === me.id ? (
                  t(`role.${u.role}`)
                ) : (
                  <Select<Role>
                    aria-label={t('admin.users.roleOf', { name: u.name })}
                    size="small"
                    style={{ minWidth: 140 }}
                    value={u.role}
                    onChange={(role) =>
                      update.mutate(
                        { id: u.id, role },
                        { onSuccess: () => void message.success(t('admin.saved')), onError: fail },
                      )
                    }
                    options={(u.serviceAccount ? SERVICE_ACCOUNT_ROLES : roles).map((r) => ({
                      value: r,
                      label: t(`role.${r}`),
                    }))}
                  />
                ),
            },
            {
              key: 'signIn',
              title: t('admin.users.signIn'),
              render: (_, u) =>
                u.serviceAccount ? (
                  '—'
                ) : (
                  <Space size={4} wrap>
                    <Tag color={u.hasPassword ? 'green' : undefined}>
                      {u.hasPassword ? t('admin.users.hasPassword') : t('admin.users.noPassword')}
                    </Tag>
                    <Tag color={u.twoFactorEnrolled ? 'green' : undefined}>
                      {u.twoFactorEnrolled ? t('admin.users.twoFactorOn') : t('admin.users.twoFactorOff')}
                    </Tag>
                  </Space>
                ),
            },
            { key: 'created', title: t('admin.createdAt'), render: (_, u) => dayjs(u.createdAt).format('YYYY-MM-DD') },
            {
              key: 'actions',
              title: t('admin.actions'),
              render: (_, u) => (
                <Space size={4} wrap>
                  {!u.serviceAccount && (
                    <Button size="small" onClick={() => setResetting(u)}>
                      {t('admin.users.resetPassword')}
                    </Button>
                  )}
                  {!u.serviceAccount && u.twoFactorEnrolled && (
                    <Button
                      size="small"
                      onClick={() =>
                        confirm(
                          t('admin.users.resetSecondFactor'),
                          t('admin.users.resetSecondFactorHelp', { name: u.name }),
                          () =>
                            reset2fa.mutate(u.id, {
                              onSuccess: () => void message.success(t('admin.saved')),
                              onError: fail,
                            }),
                        )
                      }
                    >
                      {t('admin.users.resetSecondFactor')}
                    </Button>
                  )}
                  {!u.serviceAccount && u.id !== me.id && (
                    <Button
                      size="small"
                      onClick={() =>
                        enrol.mutate(u.id, {
                          onSuccess: (e) =>
                            setSecret({
                              title: t('admin.users.enrolmentCode'),
                              secret: e.code,
                              note: t('admin.users.enrolmentNote', {
                                at: dayjs(e.expiresAt).format('YYYY-MM-DD HH:mm'),
                              }),
                            }),
                          onError: fail,
                        })
                      }
                    >
                      {t('admin.users.enrolment')}
                    </Button>
                  )}
                  {u.serviceAccount && (
                    <Button
                      size="small"
                      onClick={() =>
                        issue.mutate(
                          { id: u.id, name: `${u.name} ${dayjs().format('YYYY-MM-DD')}` },
                          {
                            onSuccess: (tok) => setSecret({ title: t('admin.tokens.issued'), secret: tok.token }),
                            onError: fail,
                          },
                        )
                      }
                    >
                      {t('admin.tokens.issue')}
                    </Button>
                  )}
                  {u.id !== me.id &&
                    (u.disabledAt ? (
                      <Button
                        size="small"
                        onClick={() =>
                          update.mutate(
                            { id: u.id, disabled: false },
                            { onSuccess: () => void message.success(t('admin.saved')), onError: fail },
                          )
                        }
                      >
                        {t('admin.users.enable')}
                      </Button>
                    ) : (
                      <Button
                        size="small"
                        onClick={() =>
                          confirm(t('admin.users.disable'), t('admin.users.disableHelp', { name: u.name }), () =>
                            update.mutate(
                              { id: u.id, disabled: true },
                              { onSuccess: () => void message.success(t('admin.saved')), onError: fail },
                            ),
                          )
                        }
                      >
                        {t('admin.users.disable')}
                      </Button>
                    ))}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {adding && <AddUserDialog orgId={orgId} roles={roles} onClose={() => setAdding(false)} />}
      {resetting && <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />}
      {secret && <ShownOnce {...secret} onClose={() => setSecret(null)} />}
    </Space>
  );
}

interface NewUser {
  name: string;
  email?: string;
  role: Role;
  serviceAccount?: boolean;
  username?: string;
  initialPassword?: string;
}

function AddUserDialog({ orgId, roles, onClose }: { orgId: string; roles: Role[]; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<NewUser>();
  const serviceAccount = Form.useWatch('serviceAccount', form);
  const create = useAdminMutation((v: NewUser) =>
    userCalls.create(orgId, {
      name: v.name.trim(),
      role: v.role,
      ...(v.email?.trim() ? { email: v.email.trim() } : {}),
      ...(v.serviceAccount
        ? { serviceAccount: true }
        : {
            ...(v.username?.trim() ? { username: v.username.trim() } : {}),
            ...(v.initialPassword ? { initialPassword: v.initialPassword } : {}),
          }),
    }),
  );
  return (
    <Modal
      open
      title={t('admin.users.add')}
      okText={t('admin.users.add')}
      cancelText={t('app.cancel')}
      confirmLoading={create.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<NewUser>
        form={form}
        layout="vertical"
        initialValues={{ role: roles[roles.length - 1] }}
        onFinish={(v) =>
          create.mutate(v, {
            onSuccess: () => {
              void message.success(t('admin.saved'));
              onClose();
            },
          })
        }
      >
        <Form.Item
          label={t('admin.users.name')}
          name="name"
          rules={[{ required: true, whitespace: true, message: t('admin.required') }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item
          label={t('admin.users.email')}
          name="email"
          rules={[{ type: 'email', message: t('admin.users.emailInvalid') }]}
        >
          <Input maxLength={320} />
        </Form.Item>
        <Form.Item
          label={t('admin.users.serviceAccount')}
          name="serviceAccount"
          valuePropName="checked"
          extra={t('admin.users.serviceAccountHelp')}
        >
          <Switch />
        </Form.Item>
        <Form.Item label={t('admin.users.role')} name="role" rules={[{ required: true }]}>
          <Select
            options={(serviceAccount ? SERVICE_ACCOUNT_ROLES : roles).map((r) => ({ value: r, label: t(`role.${r}`) }))}
          />
        </Form.Item>
        {!serviceAccount && (
          <>
            <Form.Item
              label={t('admin.users.username')}
              name="username"
              rules={[{ pattern: /^[A-Za-z0-9._-]{3,64}$/, message: t('admin.users.usernameRule') }]}
            >
              <Input autoComplete="off" maxLength={64} />
            </Form.Item>
            <Form.Item
              label={t('admin.users.initialPassword')}
              name="initialPassword"
              extra={t('admin.users.initialPasswordHelp')}
              dependencies={['username']}
              rules={[
                { min: 12, message: t('admin.users.passwordRule') },
                ({ getFieldValue }) => ({
                  validator: (_, v?: string) =>
                    v && !getFieldValue('username')
                      ? Promise.reject(new Error(t('admin.users.passwordNeedsUsername')))
                      : Promise.resolve(),
                }),
              ]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          </>
        )}
      </Form>
      {create.error && <Alert type="error" showIcon role="alert" title={describeRefusal(create.error, i18n)} />}
    </Modal>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<{ initialPassword: string; username?: string }>();
  const reset = useAdminMutation((v: { initialPassword: string; username?: string }) =>
    userCalls.resetPassword(user.id, {
      initialPassword: v.initialPassword,
      ...(v.username ? { username: v.username.trim() } : {}),
    }),
  );
  return (
    <Modal
      open
      title={t('admin.users.resetPasswordOf', { name: user.name })}
      okText={t('admin.users.resetPassword')}
      cancelText={t('app.cancel')}
      confirmLoading={reset.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('admin.users.resetPasswordHelp')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) =>
          reset.mutate(v, {
            onSuccess: () => {
              void message.success(t('admin.saved'));
              onClose();
            },
          })
        }
      >
        {user.username === null && (
          <Form.Item
            label={t('admin.users.username')}
            name="username"
            rules={[{ required: true, message: t('admin.required') }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
        )}
        <Form.Item
          label={t('admin.users.initialPassword')}
          name="initialPassword"
          rules={[
            { required: true, message: t('admin.required') },
            { min: 12, message: t('admin.users.passwordRule') },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
      {reset.error && <Alert type="error" showIcon role="alert" title={describeRefusal(reset.error, i18n)} />}
    </Modal>
  );
}
