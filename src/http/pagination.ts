import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { badField } from '../common';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/**
 * The highest page number accepted: 100 million rows at 100 a page. Without a bound, a page like
 * 9223372036854775807 made an offset SQLite cannot hold (a 500).
 */
export const MAX_PAGE = 1_000_000;

/** A list counts its matches up to this many; beyond it, `total` says this and `totalExact` false. */
export const COUNT_CAP = 10_000;

/** Items a page when `pageSize` is not given. */
export const DEFAULT_PAGE_SIZE = 20;

/** `?page=&pageSize=` for every list endpoint: pages from 1, at most 100 items a page. */
export class PageQuery {
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: MAX_PAGE })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

/**
 * `?cursor=` beside `?page=&pageSize=`: the `nextCursor` of the page before. A cursor names the last
 * row of that page by the list's order (keyset pagination), so the next page costs the same at any
 * depth, and rows added meanwhile neither repeat nor vanish between pages. Opaque to clients.
 */
export class CursorPageQuery extends PageQuery {
  @ApiPropertyOptional({
    description:
      "The previous page's `nextCursor`: the page after it, at the same cost at any depth. Not together with `page`, " +
      `which reaches only the first ${COUNT_CAP} matches (a 400 beyond)`,
    maxLength: 400,
  })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a nextCursor the previous page gave' })
  cursor?: string;
}

export function encodeCursor(values: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * The key a cursor names, checked against the list's key shape (a cursor of another list, or edited,
 * is a 400 naming the field, never a 500).
 */
export function decodeCursor(text: string, shape: ReadonlyArray<'string' | 'number'>, field = 'cursor') {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    values = null;
  }
  if (
    !Array.isArray(values) ||
    values.length !== shape.length ||
    !values.every((v, i) => typeof v === shape[i] && (typeof v !== 'string' || v.length <= 100))
  )
    throw badField(field, `${field} must be a nextCursor the previous page gave`);
  return values as Array<string | number>;
}

/**
 * `cursor` and `page` are two ways to ask for a page: one at a time. Pages by number reach as far as
 * the count does (the first COUNT_CAP matches): an offset is read past row by row, so page 50,000 of
 * a million incidents took half a second, while the next page by cursor costs the same at any depth.
 */
export function checkOnePagingMode(q: { cursor?: string; page?: number; pageSize?: number }): void {
  if (q.cursor !== undefined && q.page !== undefined)
    throw badField('cursor', 'cursor and page exclude each other: ask by one of them');
  if (q.page !== undefined && (q.page - 1) * (q.pageSize ?? DEFAULT_PAGE_SIZE) >= COUNT_CAP)
    throw badField(
      'page',
      `pages by number reach the first ${COUNT_CAP} matches; go further with nextCursor (the same cost at any depth)`,
    );
}
