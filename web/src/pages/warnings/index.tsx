import { lazy } from 'react';
import { Route, Routes } from 'react-router';

const WarningsList = lazy(() => import('./WarningsList'));
const WarningDetail = lazy(() => import('./WarningDetail'));

/** Early warnings received (/warnings/*): the list, and one warning (/warnings/:warningId) with its handling. */
export default function WarningsPage() {
  return (
    <Routes>
      <Route index element={<WarningsList />} />
      <Route path=":warningId" element={<WarningDetail />} />
    </Routes>
  );
}
