import { ApiProperty } from '@nestjs/swagger';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { cappedCount } from '../database';
import { checkOnePagingMode, COUNT_CAP, decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from './pagination';

/**
 * A list's order: a time, newest first, then a column unique within the list that breaks ties. Each
 * list has an index that leads with its owner and filter and then gives this order, so a page's keys
 * are read from index entries alone.
 */
export interface KeysetOrder {
  /** The time column, e.g. `i.created_at`. */
  time: string;
  /** The tie-breaking column, e.g. `i.reference`. */
  tie: string;
  tieOrder: 'ASC' | 'DESC';
}

/** What a page of a keyset-paged list says beside its items: the count and the ways to the next page. */
export class KeysetPageView {
  @ApiProperty({ description: 'How many match, counted up to 10,000 (see totalExact)' }) total!: number;
  @ApiProperty({ description: 'false: more than 10,000 match, and total says 10,000' }) totalExact!: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'The page number; null for a page asked for by cursor' })
  page!: number | null;
  @ApiProperty() pageSize!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page (same filters); null on the last page',
  })
  nextCursor!: string | null;
}

/** One page's keys, in order, and what the answer says about the pages around it. */
export interface KeysetPage extends KeysetPageView {
  keys: Array<{ time: string; tie: string }>;
}

/**
 * A page's rows, read by their keys in whatever order the database gave them, put back in the page's
 * order (a key whose row is gone meanwhile is left out).
 */
export function inKeyOrder<T>(page: KeysetPage, rows: T[], tieOf: (row: T) => string): T[] {
  const byTie = new Map(rows.map((r) => [tieOf(r), r]));
  return page.keys.flatMap((k) => byTie.get(k.tie) ?? []);
}

/**
 * The keys of one page of a list, by `page` (up to COUNT_CAP matches) or by `cursor` (at the same cost
 * at any depth), and the capped count: the one paging of the incident list, the report list and the
 * department inbox (README "The OpenAPI document", on paging). The caller reads the page's rows by
 * their keys; a page by number never reads the rows it skips.
 */
export async function keysetPage(
  filtered: () => SelectQueryBuilder<ObjectLiteral>,
  order: KeysetOrder,
  q: { cursor?: string; page?: number; pageSize?: number },
): Promise<KeysetPage> {
  checkOnePagingMode(q);
  const pageSize = q.pageSize ?? DEFAULT_PAGE_SIZE;
  const page = q.cursor ? null : (q.page ?? 1);
  const keysQuery = filtered()
    .select(order.time, 'keyTime')
    .addSelect(order.tie, 'keyTie')
    .orderBy(order.time, 'DESC')
    .addOrderBy(order.tie, order.tieOrder)
    .limit(pageSize + 1);
  if (q.cursor) {
    const [time, tie] = decodeCursor(q.cursor, ['string', 'string']);
    const after = order.tieOrder === 'DESC' ? '<' : '>';
    // The bare `<=` bounds the index range; the OR alone would have the scan start at the top.
    keysQuery.andWhere(
      `${order.time} <= :keysetTime AND (${order.time} < :keysetTime OR ${order.tie} ${after} :keysetTie)`,
      { keysetTime: time, keysetTie: tie },
    );
  } else keysQuery.offset((page! - 1) * pageSize);
  const rows = await keysQuery.getRawMany<{ keyTime: string; keyTie: string }>();
  const keys = rows.slice(0, pageSize).map((r) => ({ time: r.keyTime, tie: r.keyTie }));
  const last = keys[keys.length - 1];
  const { total, exact } = await cappedCount(filtered(), COUNT_CAP);
  return {
    keys,
    total,
    totalExact: exact,
    page,
    pageSize,
    nextCursor: rows.length > pageSize && last ? encodeCursor([last.time, last.tie]) : null,
  };
}
