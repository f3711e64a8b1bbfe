import { Button } from 'antd';
import { useEffect } from 'react';
import { useLocation } from 'react-router';
import { describeError } from '../api/client';
import { useSession } from '../api/session';
import { PageLoading } from '../components/PageLoading';
import { useI18n } from '../i18n';
import { lazyPage } from './lazy-page';

const SignInPage = lazyPage(() => import('../pages/sign-in/SignInPage'));
const AppLayout = lazyPage(() => import('./AppLayout'));

/**
 * The console asks GET /api/v1/session at load: no session, or a restricted one (password change or
 * authenticator set-up pending), shows the sign-in page; a full session shows the layout and the page.
 */
export function SessionGate({ preloadPage }: { preloadPage: (pathname: string) => void }) {
  const { t } = useI18n();
  const session = useSession();
  const { pathname } = useLocation();
  const signedIn = !!session.data && !session.data.restricted;
  useEffect(() => {
    // The layout's and the page's code together, not one after the other.
    if (signedIn) {
      AppLayout.preload();
      preloadPage(pathname);
    }
  }, [signedIn, pathname, preloadPage]);
  if (session.isPending) return <PageLoading />;
  // Only when there is no session to go on: a failed refetch in the background (a focus after five minutes, a
  // refused live stream) keeps the signed-in page as it is, with whatever the user was typing, and the page's
  // own requests say what fails; taking the layout away would lose a half-written report.
  if (session.isError && !session.data) {
    return (
      // Plain markup: this is in the first chunk every visitor loads, and antd's Result is heavy.
      <div role="alert" style={{ padding: 48, textAlign: 'center' }}>
        <p>{describeError(session.error, t)}</p>
        <Button onClick={() => void session.refetch()}>{t('app.retry')}</Button>
      </div>
    );
  }
  return !session.data || session.data.restricted ? <SignInPage /> : <AppLayout session={session.data} />;
}
