import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from './client';
import { queryKeys } from './query-keys';

export type Taxonomy = Schemas['TaxonomyView'];

/** The taxonomy is data shipped with the service: fetched once per page load. */
export function useTaxonomy() {
  return useQuery({
    queryKey: queryKeys.taxonomy,
    queryFn: () => unwrap(api.GET('/api/v1/taxonomy')),
    staleTime: Infinity,
  });
}
