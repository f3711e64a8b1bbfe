import { Route, Routes } from 'react-router';
import { lazyPage } from '../../app/lazy-page';
import PlansList from './PlansList';

const PlanDetail = lazyPage(() => import('./PlanDetail'));
const NotFoundPage = lazyPage(() => import('../placeholder/NotFoundPage'));

/** Emergency plans (/plans, /plans/:id; operators): the list, recommended plans, CACAO import; one plan's versions. */
export default function PlansPage() {
  return (
    <Routes>
      <Route index element={<PlansList />} />
      <Route path=":id" element={<PlanDetail />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
