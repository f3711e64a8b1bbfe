import {
  AlertOutlined,
  BarChartOutlined,
  BookOutlined,
  CalendarOutlined,
  ClusterOutlined,
  FileTextOutlined,
  HomeOutlined,
  InboxOutlined,
  NotificationOutlined,
  PlusCircleOutlined,
  SettingOutlined,
  ShareAltOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { SessionView } from '../api/session';
import type { MessageKey } from '../i18n';

type Role = SessionView['user']['role'];

export interface MenuEntry {
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /** Shown only to whom the API would serve the page (roles and organisation kind). */
  visible: (user: SessionView['user']) => boolean;
}

const operator = (u: SessionView['user']) => u.orgKind === 'operator';
const hasRole =
  (...roles: Role[]) =>
  (u: SessionView['user']) =>
    roles.includes(u.role);

/** The side menu, in order. Part 2 adds its department and admin screens here (and their routes). */
export const MENU: MenuEntry[] = [
  { path: '/', label: 'menu.home', icon: <HomeOutlined />, visible: operator },
  {
    path: '/incidents/new',
    label: 'menu.declare',
    icon: <PlusCircleOutlined />,
    visible: (u) => operator(u) && hasRole('admin', 'leader', 'commander', 'responder')(u),
  },
  { path: '/reports', label: 'menu.reports', icon: <FileTextOutlined />, visible: operator },
  { path: '/warnings', label: 'menu.warnings', icon: <AlertOutlined />, visible: operator },
  { path: '/indicators', label: 'menu.indicators', icon: <ShareAltOutlined />, visible: operator },
  { path: '/plans', label: 'menu.plans', icon: <BookOutlined />, visible: operator },
  { path: '/drills', label: 'menu.drills', icon: <CalendarOutlined />, visible: operator },
  { path: '/desk', label: 'menu.deskInbox', icon: <InboxOutlined />, visible: (u) => u.orgKind === 'department' },
  {
    path: '/desk/warnings',
    label: 'menu.deskWarnings',
    icon: <NotificationOutlined />,
    visible: (u) => u.orgKind === 'department',
  },
  // The figures: what GET /api/v1/metrics/operator (not responders) or …/department serves.
  {
    path: '/metrics',
    label: 'menu.metrics',
    icon: <BarChartOutlined />,
    visible: (u) => u.orgKind === 'department' || hasRole('admin', 'leader', 'commander', 'liaison', 'viewer')(u),
  },
  { path: '/sector', label: 'menu.sector', icon: <ClusterOutlined />, visible: (u) => u.orgKind === 'department' },
  { path: '/admin', label: 'menu.admin', icon: <SettingOutlined />, visible: hasRole('admin') },
];

/** The entry a location belongs to: the longest path that is a prefix of it. */
export function selectedEntry(pathname: string, entries: MenuEntry[]): MenuEntry | undefined {
  return entries
    .filter((e) => (e.path === '/' ? pathname === '/' : pathname === e.path || pathname.startsWith(`${e.path}/`)))
    .sort((a, b) => b.path.length - a.path.length)[0];
}
