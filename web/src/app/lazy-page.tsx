import { useEffect, useState, type ComponentType } from 'react';
import { PageLoading } from '../components/PageLoading';

type Module<P> = { default: ComponentType<P> };

/**
 * Route-level code splitting: the page's module is fetched the first time it is shown (or preloaded),
 * and kept. Like React.lazy, but without Suspense: React.lazy re-renders the page in a Suspense *retry*
 * lane, which React time-slices and never expires, and on a busy two-core machine the page then stayed
 * on its loading state for seconds after its code had arrived (measured in the browser tests). Here the
 * arrival is an ordinary state update, rendered in one go.
 */
export function lazyPage<P extends object>(load: () => Promise<Module<P>>): ComponentType<P> & { preload(): void } {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  const start = () =>
    (pending ??= load().then(
      (m) => (loaded = m.default),
      (err: unknown) => {
        pending = undefined; // a failed fetch (a new deployment, a dropped connection) is tried again
        throw err;
      },
    ));

  function LazyPage(props: P) {
    const [page, setPage] = useState<{ C: ComponentType<P> } | { error: unknown } | undefined>(() =>
      loaded ? { C: loaded } : undefined,
    );
    useEffect(() => {
      if (page) return;
      let live = true;
      start().then(
        (C) => live && setPage({ C }),
        (error: unknown) => live && setPage({ error }),
      );
      return () => {
        live = false;
      };
    }, [page]);
    if (!page) return <PageLoading />;
    if ('error' in page) throw page.error;
    return <page.C {...props} />;
  }
  return Object.assign(LazyPage, { preload: () => void start().catch(() => undefined) });
}
