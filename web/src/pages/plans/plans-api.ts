import { useMemo } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import type { SessionView } from '../../api/session';
import { useTaxonomy } from '../../api/taxonomy';
import { useI18n } from '../../i18n';

export type PlanSummary = Schemas['PlanSummaryView'];
export type PlanVersion = Schemas['PlanVersionView'];
export type PlanDiff = Schemas['PlanDiffView'];
export type CacaoImport = Schemas['CacaoImportView'];

/** Who may write plans (the API's rule): operators' admin and leader. */
export const mayEditPlans = (u: SessionView['user']) => u.role === 'admin' || u.role === 'leader';

export function usePlans() {
  return useQuery({ queryKey: queryKeys.plans('list'), queryFn: () => unwrap(api.GET('/api/v1/plans')) });
}

export function useRecommendedPlans() {
  return useQuery({
    queryKey: queryKeys.plans('recommended'),
    queryFn: () => unwrap(api.GET('/api/v1/recommended-plans')),
  });
}

export function usePlan(id: string) {
  return useQuery({
    queryKey: queryKeys.plans(id),
    queryFn: () => unwrap(api.GET('/api/v1/plans/{id}', { params: { path: { id } } })),
  });
}

export function usePlanVersions(id: string) {
  return useQuery({
    queryKey: queryKeys.plans(id, 'versions'),
    queryFn: () => unwrap(api.GET('/api/v1/plans/{id}/versions', { params: { path: { id } } })),
  });
}

export function usePlanDiff(id: string, from: number | null, to: number | null) {
  return useQuery({
    queryKey: queryKeys.plans(id, 'diff', from, to),
    enabled: from !== null && to !== null && from !== to,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/plans/{id}/versions/{version}/diff/{other}', {
          params: { path: { id, version: from!, other: to! } },
        }),
      ),
  });
}

/** Writes that change the plans: every plans query is refetched after them. */
export function usePlansMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => void qc.invalidateQueries({ queryKey: ['plans'] }) });
}

export const planCalls = {
  adopt: (id: string) =>
    unwrap(api.POST('/api/v1/recommended-plans/{id}/adopt', { params: { path: { id } }, body: {} })),
  importCacao: (body: Schemas['CacaoImportDto']) => unwrap(api.POST('/api/v1/plans/cacao-imports', { body })),
  exportCacao: (id: string, version: number) =>
    unwrap(api.GET('/api/v1/plans/{id}/versions/{version}/cacao', { params: { path: { id, version } } })),
};

/** Saves a JSON value as a file, the way a browser downloads one. */
export function downloadJson(name: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

/** A category's name in the user's language, from the taxonomy (the code while it loads). */
export function useCategoryName(): (code: string) => string {
  const { pick } = useI18n();
  const taxonomy = useTaxonomy();
  const names = useMemo(() => new Map((taxonomy.data?.categories ?? []).map((c) => [c.code, c.name])), [taxonomy.data]);
  return (code) => {
    const name = names.get(code);
    return name ? pick(name) : code;
  };
}
