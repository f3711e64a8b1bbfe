import { Route, Routes } from 'react-router';
import { lazyPage } from '../../app/lazy-page';

const ReportsList = lazyPage(() => import('./ReportsList'));
const ReportDetail = lazyPage(() => import('./ReportDetail'));

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
