import { Alert, Button, Form, Input, Typography } from 'antd';
import { describeError } from '../../api/client';
import { useChangePassword } from '../../api/session';
import { useI18n } from '../../i18n';

interface Values {
  currentPassword: string;
  newPassword: string;
  repeat: string;
}

/** The initial password must be changed before anything else (session restricted: password-change-required). */
export default function ChangePasswordStep() {
  const { t } = useI18n();
  const change = useChangePassword();
  return (
    <Form<Values>
      layout="vertical"
      requiredMark={false}
      disabled={change.isPending}
      onFinish={(v) => change.mutate({ currentPassword: v.currentPassword, newPassword: v.newPassword })}
    >
      <Typography.Paragraph>{t('signIn.changePassword.intro')}</Typography.Paragraph>
      <Form.Item
        label={t('signIn.changePassword.current')}
        name="currentPassword"
        rules={[{ required: true, message: t('signIn.passwordRequired') }]}
      >
        <Input.Password autoComplete="current-password" autoFocus />
      </Form.Item>
      <Form.Item
        label={t('signIn.changePassword.new')}
        name="newPassword"
        extra={t('signIn.changePassword.rules')}
        rules={[{ required: true, min: 12, message: t('signIn.changePassword.tooShort') }]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        label={t('signIn.changePassword.repeat')}
        name="repeat"
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('signIn.changePassword.mismatch') },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              value === getFieldValue('newPassword')
                ? Promise.resolve()
                : Promise.reject(new Error(t('signIn.changePassword.mismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      {change.error && (
        <Alert type="error" showIcon role="alert" title={describeError(change.error, t)} style={{ marginBottom: 16 }} />
      )}
      <Button type="primary" htmlType="submit" block loading={change.isPending}>
        {t('signIn.changePassword.submit')}
      </Button>
    </Form>
  );
}
