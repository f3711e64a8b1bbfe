import { Tabs, Typography } from 'antd';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { useSignedInSession } from '../../api/session';
import { lazyPage } from '../../app/lazy-page';
import { useI18n, type MessageKey } from '../../i18n';
import { isPlatformAdmin } from './admin-api';

const UsersTab = lazyPage(() => import('./UsersTab'));
const TokensTab = lazyPage(() => import('./TokensTab'));
const SubscriptionsTab = lazyPage(() => import('./SubscriptionsTab'));
const RecipientsTab = lazyPage(() => import('./RecipientsTab'));
const OrganisationsTab = lazyPage(() => import('./OrganisationsTab'));
const AuditTab = lazyPage(() => import('./AuditTab'));
const NotFoundPage = lazyPage(() => import('../placeholder/NotFoundPage'));

interface AdminTab {
  key: string;
  label: MessageKey;
  element: React.ReactNode;
}

/**
 * Administration (/admin/*, admins only): users, tokens, notification subscriptions, report recipients (operators
 * only: the API serves them to operators), organisations (platform admins only) and the audit trail. A tab the
 * API would refuse this admin is neither shown nor routed.
 */
export default function AdminPage() {
  const { t } = useI18n();
  const { user } = useSignedInSession();
  const navigate = useNavigate();
  const { pathname, search } = useLocation();
  const tabs: AdminTab[] = [
    { key: 'users', label: 'admin.tabs.users', element: <UsersTab /> },
    { key: 'tokens', label: 'admin.tabs.tokens', element: <TokensTab /> },
    { key: 'subscriptions', label: 'admin.tabs.subscriptions', element: <SubscriptionsTab /> },
    ...(user.orgKind === 'operator'
      ? [{ key: 'recipients', label: 'admin.tabs.recipients' as const, element: <RecipientsTab /> }]
      : []),
    ...(isPlatformAdmin(user)
      ? [{ key: 'organisations', label: 'admin.tabs.organisations' as const, element: <OrganisationsTab /> }]
      : []),
    { key: 'audit', label: 'admin.tabs.audit', element: <AuditTab /> },
  ];
  const active = pathname.split('/')[2] ?? 'users';
  return (
    <div>
      <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0 }}>
        {t('admin.title')}
      </Typography.Title>
      <Tabs
        activeKey={active}
        onChange={(key) => navigate(`/admin/${key}${key === 'users' || key === 'tokens' ? search : ''}`)}
        items={tabs.map((tab) => ({ key: tab.key, label: t(tab.label) }))}
      />
      <Routes>
        <Route index element={<Navigate to="users" replace />} />
        {tabs.map((tab) => (
          <Route key={tab.key} path={tab.key} element={tab.element} />
        ))}
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </div>
  );
}
