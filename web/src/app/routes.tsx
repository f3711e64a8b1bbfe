import type { ReactNode } from 'react';
import { createBrowserRouter } from 'react-router';
import { ACCESS, OnlyFor } from './access';
import { lazyPage } from './lazy-page';
import { SessionGate } from './SessionGate';

/**
 * Every page is its own chunk (lazyPage: a dynamic import), so the sign-in page loads only the shell and its own code.
 * A new page: add a lazyPage import and a route here, and a menu entry in app/menu.tsx.
 */
const HomePage = lazyPage(() => import('../pages/home/HomePage'));
const DeclarePage = lazyPage(() => import('../pages/declare/DeclarePage'));
// The incident, reports, warnings and indicators pages are built in their own folders; each folder's
// index.tsx default-exports the page (a placeholder until it is built) and owns its sub-routes.
const IncidentPage = lazyPage(() => import('../pages/incident'));
const ReportsPage = lazyPage(() => import('../pages/reports'));
const WarningsPage = lazyPage(() => import('../pages/warnings'));
const IndicatorsPage = lazyPage(() => import('../pages/indicators'));
// Part 2: the department desk (pages/desk) and administration (pages/admin).
const DeskPage = lazyPage(() => import('../pages/desk'));
const AdminPage = lazyPage(() => import('../pages/admin'));
const MetricsPage = lazyPage(() => import('../pages/metrics'));
const SectorPage = lazyPage(() => import('../pages/sector'));
const PlansPage = lazyPage(() => import('../pages/plans'));
const DrillsPage = lazyPage(() => import('../pages/drills'));
const NotFoundPage = lazyPage(() => import('../pages/placeholder/NotFoundPage'));

const PRELOAD: Array<[RegExp, { preload(): void }]> = [
  [/^\/$/, HomePage],
  [/^\/incidents\/new$/, DeclarePage],
  [/^\/incidents\/[^/]+/, IncidentPage],
  [/^\/reports(\/|$)/, ReportsPage],
  [/^\/warnings(\/|$)/, WarningsPage],
  [/^\/indicators(\/|$)/, IndicatorsPage],
  [/^\/desk(\/|$)/, DeskPage],
  [/^\/admin(\/|$)/, AdminPage],
  [/^\/metrics(\/|$)/, MetricsPage],
  [/^\/sector(\/|$)/, SectorPage],
  [/^\/plans(\/|$)/, PlansPage],
  [/^\/drills(\/|$)/, DrillsPage],
];

/**
 * The page for `pathname`, fetched ahead: the session gate calls it as soon as it knows someone is
 * signed in, so the page's code loads beside the layout's instead of after it.
 */
export function preloadPageFor(pathname: string): void {
  const page = PRELOAD.find(([pattern]) => pattern.test(pathname))?.[1];
  page?.preload();
}

function operatorOnly(page: ReactNode) {
  return (
    <OnlyFor allow={ACCESS.operator} denied={<NotFoundPage />}>
      {page}
    </OnlyFor>
  );
}

export const router = createBrowserRouter([
  {
    // Signed out or restricted, whatever the URL, the gate shows the sign-in page; the URL stays, so a
    // deep link opens after signing in.
    element: <SessionGate preloadPage={preloadPageFor} />,
    children: [
      { index: true, element: <HomePage /> },
      // Operator pages: a department user meets "not found" there, as the API would answer.
      { path: 'incidents/new', element: operatorOnly(<DeclarePage />) },
      { path: 'incidents/:id/*', element: operatorOnly(<IncidentPage />) },
      { path: 'reports/*', element: operatorOnly(<ReportsPage />) },
      { path: 'warnings/*', element: operatorOnly(<WarningsPage />) },
      { path: 'indicators/*', element: operatorOnly(<IndicatorsPage />) },
      { path: 'plans/*', element: operatorOnly(<PlansPage />) },
      { path: 'drills/*', element: operatorOnly(<DrillsPage />) },
      {
        path: 'desk/*',
        element: (
          <OnlyFor allow={ACCESS.department} denied={<NotFoundPage />}>
            <DeskPage />
          </OnlyFor>
        ),
      },
      {
        path: 'admin/*',
        element: (
          <OnlyFor allow={ACCESS.admin} denied={<NotFoundPage />}>
            <AdminPage />
          </OnlyFor>
        ),
      },
      { path: 'metrics', element: <MetricsPage /> },
      {
        path: 'sector',
        element: (
          <OnlyFor allow={ACCESS.department} denied={<NotFoundPage />}>
            <SectorPage />
          </OnlyFor>
        ),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
