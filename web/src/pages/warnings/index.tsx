import { Route, Routes } from 'react-router';
import { lazyPage } from '../../app/lazy-page';

const WarningsList = lazyPage(() => import('./WarningsList'));
const WarningDetail = lazyPage(() => import('./WarningDetail'));

/** Early warnings received (/warnings/*): the list, and one warning (/warnings/:warningId) with its handling. */
export default function WarningsPage() {
  return (
    <Routes>
      <Route index element={<WarningsList />} />
      <Route path=":warningId" element={<WarningDetail />} />
    </Routes>
  );
}
