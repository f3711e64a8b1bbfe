import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * How many rows a filtered list query matches, counted up to `cap` only: a page must not count every
 * match of a million-row filter (issue 19). The count reads at most `cap + 1` rows of the query's own
 * index; `exact` is false when there are more than `cap` (then `total` is `cap`).
 */
export async function cappedCount(
  qb: SelectQueryBuilder<ObjectLiteral>,
  cap: number,
): Promise<{ total: number; exact: boolean }> {
  const inner = qb
    .clone()
    .select('1', 'one')
    .orderBy()
    .offset(undefined)
    .limit(cap + 1);
  const [query, params] = inner.getQueryAndParameters();
  const rows = (await qb.connection.query(`SELECT COUNT(*) AS n FROM (${query}) capped`, params)) as Array<{
    n: number | string;
  }>;
  const n = Number(rows[0]?.n ?? 0);
  return { total: Math.min(n, cap), exact: n <= cap };
}
