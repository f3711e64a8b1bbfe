import { Alert, Button, Card, Flex, Form, Input, type InputRef } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { ApiError, describeError } from '../../api/client';
import { useSession, useSignIn, useSignOut } from '../../api/session';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { useI18n } from '../../i18n';
import { lazyPage } from '../../app/lazy-page';

// Only people at their first sign-in (or after a reset) need these: kept out of the sign-in page's own chunk.
const ChangePasswordStep = lazyPage(() => import('./ChangePasswordStep'));
const TotpEnrolmentStep = lazyPage(() => import('./TotpEnrolmentStep'));

/**
 * The first thing anyone not signed in sees, at any URL. Steps: username and password; the code when the
 * server answers `second-factor-required`; then, while the session is restricted, the password change and
 * the authenticator set-up the server asks for. A lock-out (429) says how long to wait.
 */
export default function SignInPage() {
  const { t } = useI18n();
  const { data: session } = useSession();
  const signOut = useSignOut();
  const restricted = session?.restricted ?? null;

  let body;
  let title = t('signIn.title');
  if (restricted === 'password-change-required') {
    title = t('signIn.changePassword.title');
    body = <ChangePasswordStep />;
  } else if (restricted === 'second-factor-enrolment-required') {
    title = t('signIn.totp.title');
    body = <TotpEnrolmentStep />;
  } else {
    body = <CredentialsStep />;
  }

  return (
    <div className="lf-signin">
      <Card className="lf-signin-card">
        <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
          <span className="lf-muted">{t('app.fullName')}</span>
          <LanguageSwitch type="link" />
        </Flex>
        <main>
          <h1 className="lf-signin-title">{title}</h1>
          {body}
          {restricted && (
            <Button type="link" style={{ paddingLeft: 0 }} onClick={() => signOut.mutate()}>
              {t('signIn.signOutInstead')}
            </Button>
          )}
        </main>
      </Card>
    </div>
  );
}

interface Credentials {
  username: string;
  password: string;
  code?: string;
}

function CredentialsStep() {
  const { t } = useI18n();
  const [form] = Form.useForm<Credentials>();
  const signIn = useSignIn();
  const [needCode, setNeedCode] = useState(false);
  const [lockedUntil, setLockedUntil] = useState<number | undefined>();
  const codeRef = useRef<InputRef>(null);
  const error = signIn.error;

  useEffect(() => {
    if (needCode) codeRef.current?.focus();
  }, [needCode]);

  const submit = (values: Credentials) => {
    const code = values.code?.trim();
    signIn.mutate(
      { username: values.username.trim(), password: values.password, ...(needCode && code ? { code } : {}) },
      {
        onError: (err) => {
          if (!(err instanceof ApiError)) return;
          if (err.code === 'second-factor-required') setNeedCode(true);
          if (err.code === 'invalid-second-factor') form.setFieldValue('code', '');
          if (err.status === 429) setLockedUntil(Date.now() + (err.retryAfterSeconds ?? 60) * 1000);
        },
      },
    );
  };

  // "Enter the code" is the next step, not an error.
  const showError = error && !(error instanceof ApiError && error.code === 'second-factor-required' && needCode);

  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} disabled={signIn.isPending}>
      <Form.Item
        label={t('signIn.username')}
        name="username"
        rules={[{ required: true, whitespace: true, message: t('signIn.usernameRequired') }]}
      >
        <Input autoComplete="username" autoFocus readOnly={needCode} />
      </Form.Item>
      <Form.Item
        label={t('signIn.password')}
        name="password"
        rules={[{ required: true, message: t('signIn.passwordRequired') }]}
      >
        <Input.Password autoComplete="current-password" readOnly={needCode} />
      </Form.Item>
      {needCode && (
        <Form.Item
          label={t('signIn.code')}
          name="code"
          extra={t('signIn.codeHint')}
          rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('signIn.codeRequired') }]}
        >
          <Input ref={codeRef} autoComplete="one-time-code" inputMode="numeric" maxLength={6} />
        </Form.Item>
      )}
      {lockedUntil ? (
        <LockedOut until={lockedUntil} onOver={() => setLockedUntil(undefined)} />
      ) : (
        showError && (
          <Alert type="error" showIcon role="alert" title={describeError(error, t)} style={{ marginBottom: 16 }} />
        )
      )}
      <Flex vertical gap={8}>
        <Button type="primary" htmlType="submit" block loading={signIn.isPending}>
          {t('signIn.submit')}
        </Button>
        {needCode && (
          <Button
            type="link"
            onClick={() => {
              setNeedCode(false);
              signIn.reset();
              form.resetFields(['password', 'code']);
            }}
          >
            {t('signIn.back')}
          </Button>
        )}
      </Flex>
    </Form>
  );
}

/** The lock-out message, counting down the wait the server named (Retry-After). */
function LockedOut({ until, onOver }: { until: number; onOver: () => void }) {
  const { t } = useI18n();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.ceil((until - now) / 1000));
  useEffect(() => {
    if (left === 0) onOver();
  }, [left, onOver]);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      title={t('signIn.lockedOut', { minutes: Math.floor(left / 60), seconds: left % 60 })}
    />
  );
}
