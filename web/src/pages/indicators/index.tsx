import PlaceholderPage from '../placeholder/PlaceholderPage';

/** PLACEHOLDER: replaced by the real page (its own sub-routes under this path, its own chunk). */
export default function Page() {
  return <PlaceholderPage />;
}
