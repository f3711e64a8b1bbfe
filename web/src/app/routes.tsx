import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter } from 'react-router';
import { PageLoading } from '../components/PageLoading';
import { SessionGate } from './SessionGate';

/**
 * Every page is its own chunk (React.lazy), so the sign-in page loads only the shell and its own code.
 * A new page: add a lazy import and a route here, and a menu entry in app/menu.tsx.
 */
const HomePage = lazy(() => import('../pages/home/HomePage'));
const DeclarePage = lazy(() => import('../pages/declare/DeclarePage'));
// The incident, reports, warnings and indicators pages are built in their own folders; each folder's
// index.tsx default-exports the page (a placeholder until it is built) and owns its sub-routes.
const IncidentPage = lazy(() => import('../pages/incident'));
const ReportsPage = lazy(() => import('../pages/reports'));
const WarningsPage = lazy(() => import('../pages/warnings'));
const IndicatorsPage = lazy(() => import('../pages/indicators'));
// Part 2 (department desk, administration) slots in here.
const PlaceholderPage = lazy(() => import('../pages/placeholder/PlaceholderPage'));
const NotFoundPage = lazy(() => import('../pages/placeholder/NotFoundPage'));

const page = (node: ReactNode) => <Suspense fallback={<PageLoading />}>{node}</Suspense>;

export const router = createBrowserRouter([
  {
    // Signed out or restricted, whatever the URL, the gate shows the sign-in page; the URL stays, so a
    // deep link opens after signing in.
    element: <SessionGate />,
    children: [
      { index: true, element: page(<HomePage />) },
      { path: 'incidents/new', element: page(<DeclarePage />) },
      { path: 'incidents/:id/*', element: page(<IncidentPage />) },
      { path: 'reports/*', element: page(<ReportsPage />) },
      { path: 'warnings/*', element: page(<WarningsPage />) },
      { path: 'indicators/*', element: page(<IndicatorsPage />) },
      { path: 'desk/*', element: page(<PlaceholderPage />) },
      { path: 'admin/*', element: page(<PlaceholderPage />) },
      { path: '*', element: page(<NotFoundPage />) },
    ],
  },
]);
