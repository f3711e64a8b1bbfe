/**
 * TanStack Query keys, one convention for every page: the first element is the kind of record the live
 * stream names (`incident`, `deadline`, `report`, `delivery`, `warning`, `inbox`, plus `session`, `taxonomy`),
 * the rest narrows it. The stream (live/stream.ts) invalidates by these prefixes, so a page whose query keys
 * come from here refreshes by itself when a colleague changes something.
 */
export const queryKeys = {
  session: ['session'] as const,
  taxonomy: ['taxonomy'] as const,
  /** Lists: ['incident', 'list', filters]; one incident: ['incident', id, …sub-resource]. */
  incidents: (filters: Record<string, unknown> = {}) => ['incident', 'list', filters] as const,
  incident: (id: string, ...sub: string[]) => ['incident', id, ...sub] as const,
  deadlines: (filters: Record<string, unknown> = {}) => ['deadline', filters] as const,
  reports: (...rest: unknown[]) => ['report', ...rest] as const,
  deliveries: (...rest: unknown[]) => ['delivery', ...rest] as const,
  warnings: (...rest: unknown[]) => ['warning', ...rest] as const,
  inbox: (...rest: unknown[]) => ['inbox', ...rest] as const,
  /** Figures (/metrics, /sector): derived from every kind of change, so every change refreshes them. */
  metrics: (...rest: unknown[]) => ['metrics', ...rest] as const,
  /** Plans and drills: no live kind (their changes are not streamed); each page refetches after its own writes. */
  plans: (...rest: unknown[]) => ['plans', ...rest] as const,
  drills: (...rest: unknown[]) => ['drills', ...rest] as const,
  /** Data shipped with the service (never changes while it runs): no live kind, fetched once. */
  requirement: (id: string) => ['requirement', id] as const,
  workflow: (id: string, version: number) => ['workflow', id, version] as const,
  reportingRules: ['reporting-rules'] as const,
};
