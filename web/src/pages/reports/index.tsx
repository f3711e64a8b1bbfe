import { lazy } from 'react';
import { Route, Routes } from 'react-router';

const ReportsList = lazy(() => import('./ReportsList'));
const ReportDetail = lazy(() => import('./ReportDetail'));

/**
 * Reports (/reports/*): the organisation's reports (the list), and one report (/reports/:reportId) — its
 * fields, approval, submission, printable view, deliveries and acknowledgements. An incident's own reports
 * are the incident page's reports tab (IncidentReports.tsx).
 */
export default function ReportsPage() {
  return (
    <Routes>
      <Route index element={<ReportsList />} />
      <Route path=":reportId" element={<ReportDetail />} />
    </Routes>
  );
}
