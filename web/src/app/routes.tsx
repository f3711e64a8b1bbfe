import { createBrowserRouter } from 'react-router';
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
// Part 2 (department desk, administration) slots in here.
const MetricsPage = lazyPage(() => import('../pages/metrics'));
const SectorPage = lazyPage(() => import('../pages/sector'));
const PlaceholderPage = lazyPage(() => import('../pages/placeholder/PlaceholderPage'));
const NotFoundPage = lazyPage(() => import('../pages/placeholder/NotFoundPage'));

const PRELOAD: Array<[RegExp, { preload(): void }]> = [
  [/^\/$/, HomePage],
  [/^\/incidents\/new$/, DeclarePage],
  [/^\/incidents\/[^/]+/, IncidentPage],
  [/^\/reports(\/|$)/, ReportsPage],
  [/^\/warnings(\/|$)/, WarningsPage],
  [/^\/indicators(\/|$)/, IndicatorsPage],
  [/^\/metrics(\/|$)/, MetricsPage],
  [/^\/sector(\/|$)/, SectorPage],
];

/**
 * The page for `pathname`, fetched ahead: the session gate calls it as soon as it knows someone is
 * signed in, so the page's code loads beside the layout's instead of after it.
 */
export function preloadPageFor(pathname: string): void {
  const page = PRELOAD.find(([pattern]) => pattern.test(pathname))?.[1];
  page?.preload();
}

export const router = createBrowserRouter([
  {
    // Signed out or restricted, whatever the URL, the gate shows the sign-in page; the URL stays, so a
    // deep link opens after signing in.
    element: <SessionGate preloadPage={preloadPageFor} />,
    children: [
      { index: true, element: <HomePage /> },
      { path: 'incidents/new', element: <DeclarePage /> },
      { path: 'incidents/:id/*', element: <IncidentPage /> },
      { path: 'reports/*', element: <ReportsPage /> },
      { path: 'warnings/*', element: <WarningsPage /> },
      { path: 'indicators/*', element: <IndicatorsPage /> },
      { path: 'metrics', element: <MetricsPage /> },
      { path: 'sector', element: <SectorPage /> },
      { path: 'desk/*', element: <PlaceholderPage /> },
      { path: 'admin/*', element: <PlaceholderPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
