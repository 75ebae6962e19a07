import { AppError } from '../shared/errors';
import type { SqlRunner } from './sql';

/**
 * Keyset ("seek") paging for the big lists: the page after a row is the next
 * range of an index ordered like the list, `(k1, k2, id) < (…)`, so page
 * 50,000 costs what page 1 costs. `?page=` (OFFSET) stays for the first pages;
 * beyond MAX_OFFSET rows the caller is told to follow the `next` cursor.
 * Totals are counted up to COUNT_LIMIT matching rows: exact below, a lower
 * bound above (`totalIsLowerBound`), so no request ever counts a million rows.
 * (A common search word matches one row in ten or twenty: counting 10,000 of
 * them reads 100,000+ rows, counting 1,000 — a hundred pages — reads a tenth.)
 */
export const MAX_OFFSET = 10_000;
export const COUNT_LIMIT = 1_000;

export type KeyType = 'timestamp' | 'text';

export interface ListSpec {
  /** Quoted table name, e.g. `"ReceivedMail"`. */
  table: string;
  /** Conditions joined with AND; `$1`… refer to `params`. */
  where: string[];
  params: unknown[];
  /** The list's order, the unique `"id"` last; every key sorted the same way. */
  order: { column: string; type: KeyType }[];
  descending: boolean;
}

export interface PageRequest {
  page: number;
  pageSize: number;
  cursor?: string;
}

export interface KeysetPage {
  /** Ids of the page's rows, in list order. */
  ids: string[];
  total: number;
  totalIsLowerBound: boolean;
  /** Opaque cursor of the following page, null on the last one. */
  next: string | null;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

export function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, order: ListSpec['order']): string[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = null;
  }
  const ok =
    Array.isArray(values) &&
    values.length === order.length &&
    values.every((v, i) => typeof v === 'string' && v.length <= 1000 && (order[i]!.type !== 'timestamp' || TIMESTAMP.test(v)));
  if (!ok) throw new AppError('VALIDATION_FAILED', 'query.cursor: not a cursor of this list', { errors: [{ field: 'query.cursor', reason: 'not a cursor of this list (use the `next` value of a previous page)' }] });
  return values as string[];
}

/** `%`, `_` and `\` of the user's text match themselves (LIKE's default escape is `\`). */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function keysetPage(sql: SqlRunner, spec: ListSpec, req: PageRequest): Promise<KeysetPage> {
  const offset = (req.page - 1) * req.pageSize;
  if (!req.cursor && offset > MAX_OFFSET) {
    throw new AppError('VALIDATION_FAILED', `query.page: pages beyond row ${MAX_OFFSET} are reached with the cursor`, {
      errors: [{ field: 'query.page', reason: `beyond row ${MAX_OFFSET}, follow the \`next\` cursor instead of a page number` }],
    });
  }
  const params = [...spec.params];
  const where = [...spec.where];
  const dir = spec.descending ? 'DESC' : 'ASC';
  const cols = spec.order.map((o) => o.column);
  if (req.cursor) {
    const values = decodeCursor(req.cursor, spec.order);
    const placeholders = values.map((v, i) => {
      params.push(v);
      return spec.order[i]!.type === 'timestamp' ? `$${params.length}::timestamp(3)` : `$${params.length}`;
    });
    where.push(`(${cols.join(', ')}) ${spec.descending ? '<' : '>'} (${placeholders.join(', ')})`);
  }
  const keys = spec.order.map((o, i) => `${o.column}::text AS k${i}`).join(', ');
  // One row more than the page tells whether a next page exists without counting.
  const itemsSql =
    `SELECT ${keys} FROM ${spec.table} WHERE ${where.join(' AND ')} ORDER BY ${cols.map((c) => `${c} ${dir}`).join(', ')}` +
    ` LIMIT ${req.pageSize + 1}${req.cursor ? '' : ` OFFSET ${offset}`}`;
  const countSql = `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${spec.table} WHERE ${spec.where.join(' AND ')} LIMIT ${COUNT_LIMIT + 1}) s`;
  const [rows, counted] = await Promise.all([
    sql.query<Record<string, string>>(itemsSql, params),
    sql.query<{ n: number }>(countSql, spec.params),
  ]);
  const page = rows.slice(0, req.pageSize);
  const last = page[page.length - 1];
  const n = Number(counted[0]?.n ?? 0);
  return {
    ids: page.map((r) => r[`k${spec.order.length - 1}`]!),
    total: Math.min(n, COUNT_LIMIT),
    totalIsLowerBound: n > COUNT_LIMIT,
    next: rows.length > req.pageSize && last ? encodeCursor(spec.order.map((_, i) => last[`k${i}`]!)) : null,
  };
}

/** Rows loaded by id (with Prisma, for their relations), put back in the page's order. */
export function inOrder<T extends { id: string }>(ids: string[], rows: T[]): T[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is T => r !== undefined);
}
