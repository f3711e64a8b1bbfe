import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { App, Button, Layout, Menu, Space, Tag, Typography } from 'antd';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { describeError } from '../api/client';
import { SignedInSession, useSignOut, type SessionView } from '../api/session';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useI18n } from '../i18n';
import { useLiveUpdates } from '../live/stream';
import { MENU, selectedEntry } from './menu';

/** The signed-in frame, in the Ant Design Pro manner: side menu, header with who and where, the page. */
export default function AppLayout({ session }: { session: SessionView }) {
  // antd's App (message, notification, modal hooks) lives here, not in the shell: the sign-in page needs none.
  return (
    <App>
      <SignedInSession.Provider value={session}>
        <SignedIn session={session} />
      </SignedInSession.Provider>
    </App>
  );
}

function SignedIn({ session }: { session: SessionView }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const signOut = useSignOut();
  useLiveUpdates();

  const entries = MENU.filter((e) => e.visible(session.user));
  const selected = selectedEntry(location.pathname, entries);
  const { user } = session;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a className="lf-skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="dark" width={216}>
        <div className="lf-brand">{t('app.name')}</div>
        <nav aria-label={t('menu.label')}>
          <Menu
            theme="dark"
            mode="inline"
            selectedKeys={selected ? [selected.path] : []}
            items={entries.map((e) => ({ key: e.path, icon: e.icon, label: t(e.label) }))}
            onClick={({ key }) => navigate(key)}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header className="lf-header">
          <Typography.Text className="lf-org">{user.orgName}</Typography.Text>
          <Space size="middle">
            <span>
              <UserOutlined aria-hidden /> <span data-testid="current-user">{user.name}</span>
            </span>
            <Tag color="blue" data-testid="current-role">
              {t(`role.${user.role}`)}
            </Tag>
            <LanguageSwitch type="text" />
            <Button
              type="text"
              icon={<LogoutOutlined aria-hidden />}
              loading={signOut.isPending}
              onClick={() =>
                signOut.mutate(undefined, {
                  onSuccess: () => navigate('/', { replace: true }),
                  onError: (err) => void message.error(describeError(err, t)),
                })
              }
            >
              {t('header.signOut')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content className="lf-content">
          <main id="main" tabIndex={-1}>
            <Outlet />
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
