import { Route, Routes } from 'react-router';
import { lazyPage } from '../../app/lazy-page';
import DrillsList from './DrillsList';

const DrillDetail = lazyPage(() => import('./DrillDetail'));
const NotFoundPage = lazyPage(() => import('../placeholder/NotFoundPage'));

/** Drills (/drills, /drills/:id; operators): the list, scheduling, the compliance view; one drill's record. */
export default function DrillsPage() {
  return (
    <Routes>
      <Route index element={<DrillsList />} />
      <Route path=":id" element={<DrillDetail />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
