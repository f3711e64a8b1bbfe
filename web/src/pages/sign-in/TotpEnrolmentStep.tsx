import { Alert, Button, Flex, Form, Input, Spin, Typography } from 'antd';
import { useEffect } from 'react';
import { describeError } from '../../api/client';
import { useConfirmTotp, useStartTotp } from '../../api/session';
import { useI18n } from '../../i18n';

/**
 * Authenticator set-up (session restricted: second-factor-enrolment-required): the QR code, and the secret
 * as text for whoever has no camera (and for the browser tests, which compute the code from it).
 */
export default function TotpEnrolmentStep() {
  const { t } = useI18n();
  const start = useStartTotp();
  const confirm = useConfirmTotp();
  const [form] = Form.useForm<{ code: string }>();
  const { mutate: begin } = start;

  useEffect(() => {
    begin();
  }, [begin]);

  const enrolment = start.data;
  return (
    <div>
      <Typography.Paragraph>{t('signIn.totp.intro')}</Typography.Paragraph>
      {start.isPending && <Spin />}
      {start.error && <Alert type="error" showIcon role="alert" title={describeError(start.error, t)} />}
      {enrolment && (
        <>
          <Flex justify="center">
            <img src={enrolment.qrCodeDataUrl} alt={t('signIn.totp.qrAlt')} width={200} height={200} />
          </Flex>
          <Typography.Paragraph>
            {t('signIn.totp.secret')}:{' '}
            <Typography.Text className="lf-secret" copyable={{ text: enrolment.secret }}>
              <span data-testid="totp-secret">{enrolment.secret}</span>
            </Typography.Text>
          </Typography.Paragraph>
          <Form
            form={form}
            layout="vertical"
            requiredMark={false}
            disabled={confirm.isPending}
            onFinish={(v) => confirm.mutate(v.code.trim(), { onError: () => form.setFieldValue('code', '') })}
          >
            <Form.Item
              label={t('signIn.code')}
              name="code"
              extra={t('signIn.codeHint')}
              rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('signIn.codeRequired') }]}
            >
              <Input autoComplete="one-time-code" inputMode="numeric" maxLength={6} autoFocus />
            </Form.Item>
            {confirm.error && (
              <Alert
                type="error"
                showIcon
                role="alert"
                title={describeError(confirm.error, t)}
                style={{ marginBottom: 16 }}
              />
            )}
            <Button type="primary" htmlType="submit" block loading={confirm.isPending}>
              {t('signIn.totp.confirm')}
            </Button>
            <Button type="link" onClick={() => start.mutate()} style={{ paddingLeft: 0 }}>
              {t('signIn.totp.restart')}
            </Button>
          </Form>
        </>
      )}
    </div>
  );
}
