import { useSignedInSession } from '../../api/session';
import { lazyPage } from '../../app/lazy-page';

const OperatorMetricsPage = lazyPage(() => import('./OperatorMetricsPage'));
const DepartmentMetricsPage = lazyPage(() => import('./DepartmentMetricsPage'));

/** The figures (/metrics): an operator's own, or a department's sector's; the charts load with the page. */
export default function MetricsPage() {
  const { user } = useSignedInSession();
  return user.orgKind === 'department' ? <DepartmentMetricsPage /> : <OperatorMetricsPage />;
}
