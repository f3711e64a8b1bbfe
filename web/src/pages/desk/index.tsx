import { Route, Routes } from 'react-router';
import { lazyPage } from '../../app/lazy-page';

const InboxList = lazyPage(() => import('./InboxList'));
const InboxReport = lazyPage(() => import('./InboxReport'));
const IssuedWarnings = lazyPage(() => import('./IssuedWarnings'));
const IssueWarning = lazyPage(() => import('./IssueWarning'));
const WarningTracker = lazyPage(() => import('./WarningTracker'));
const NotFoundPage = lazyPage(() => import('../placeholder/NotFoundPage'));

/**
 * The protection department's desk (/desk/*): the report inbox (报告收件箱) and one report
 * (/desk/reports/:reportId), the warnings it issued (/desk/warnings), issuing one (/desk/warnings/new) and the
 * tracker of one (/desk/warnings/:warningId). The route guard lets only department users in.
 */
export default function DeskPage() {
  return (
    <Routes>
      <Route index element={<InboxList />} />
      <Route path="reports/:reportId" element={<InboxReport />} />
      <Route path="warnings" element={<IssuedWarnings />} />
      <Route path="warnings/new" element={<IssueWarning />} />
      <Route path="warnings/:warningId" element={<WarningTracker />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
