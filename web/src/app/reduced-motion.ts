import { useSyncExternalStore } from 'react';

const QUERY = '(prefers-reduced-motion: reduce)';

function subscribe(changed: () => void): () => void {
  const media = window.matchMedia(QUERY);
  media.addEventListener('change', changed);
  return () => media.removeEventListener('change', changed);
}

/**
 * Whether the user asked their system for less motion (WCAG 2.3.3). The console then turns antd's
 * animations off: panels, menus and drop-downs appear at once instead of sliding, which is also what
 * someone working against a one-hour clock on a slow machine wants. Follows the setting as it changes.
 */
export function usePrefersReducedMotion(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(QUERY).matches,
    () => false,
  );
}
