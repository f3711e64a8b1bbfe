import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { queryKeys } from '../../api/query-keys';

export type OperatorMetrics = Schemas['OperatorMetricsView'];
export type OperatorFigures = Schemas['OperatorFiguresView'];
export type DepartmentMetrics = Schemas['DepartmentMetricsView'];
export type DepartmentOperator = Schemas['DepartmentOperatorView'];
export type SectorOverview = Schemas['SectorView'];
export type SectorIncidents = Schemas['SectorIncidentsView'];

export interface OperatorFilters {
  from?: string;
  to?: string;
  includeDrills: boolean;
  grade?: 'I' | 'II' | 'III' | 'IV';
  category?: string;
}

/** Keys start with 'metrics': every live change refreshes the figures (live/stream.ts). */
export function useOperatorMetrics(filters: OperatorFilters) {
  return useQuery({
    queryKey: queryKeys.metrics('operator', filters),
    queryFn: () => unwrap(api.GET('/api/v1/metrics/operator', { params: { query: filters } })),
    placeholderData: keepPreviousData,
  });
}

export function useDepartmentMetrics(filters: { from?: string; to?: string; includeDrills: boolean }) {
  return useQuery({
    queryKey: queryKeys.metrics('department', filters),
    queryFn: () => unwrap(api.GET('/api/v1/metrics/department', { params: { query: filters } })),
    placeholderData: keepPreviousData,
  });
}

export function useSectorOverview(includeDrills: boolean) {
  return useQuery({
    queryKey: queryKeys.metrics('sector', { includeDrills }),
    queryFn: () => unwrap(api.GET('/api/v1/metrics/sector', { params: { query: { includeDrills } } })),
    placeholderData: keepPreviousData,
  });
}

export function useSectorIncidents(operatorOrgId: string, includeDrills: boolean) {
  return useQuery({
    queryKey: queryKeys.metrics('sector', operatorOrgId, { includeDrills }),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/metrics/sector/operators/{operatorOrgId}/incidents', {
          params: { path: { operatorOrgId }, query: { includeDrills } },
        }),
      ),
  });
}

/** A rate (0…1) as a percentage with one decimal, or a dash when nothing was decided. */
export const percent = (rate: number | null | undefined) =>
  rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;

/** Seconds as minutes with one decimal, or a dash. */
export const minutes = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? '—' : (seconds / 60).toFixed(1);
