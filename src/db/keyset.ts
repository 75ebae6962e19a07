import { AppError } from '../shared/errors';
import type { SqlRunner } from './sql';

/**
 * Keyset ("seek") paging for the big lists: the page after a row is the next
 * range of an index ordered like the list, `(k1, k2, id) < (…)`, so page
 * 50,000 costs what page 1 costs. `?page=` (OFFSET) stays for the first pages;
 * beyond MAX_OFFSET rows the caller is told to follow the `next` cursor.
 * Totals are counted up to COUNT_LIMIT matching rows (SEARCH_COUNT_LIMIT for a
 * search): exact below, a lower bound above (`totalIsLowerBound`), so no
 * request ever counts a million rows. A list's order and filters are index
 * prefixes, so counting 1,000 of them reads a few index pages; a search's
 * matches are found by reading rows (a common word matches one row in
 * twenty: 1,000 matches read 20,000 rows, 15 ms), so a search counts to 100.
 */
export const MAX_OFFSET = 10_000;
export const COUNT_LIMIT = 1_000;
export const SEARCH_COUNT_LIMIT = 100;

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
  /** The items' columns: select-list expressions over the table, each with a distinct name (`"id"` among them). */
  columns: string[];
  /** Columns computed for the page's rows only (after the limit), over the page row `p`, e.g. a count of related rows. */
  related?: string[];
  /**
   * A search condition (over `params`, like `where`): its matches are found by
   * reading rows, so they are counted to SEARCH_COUNT_LIMIT only, and a page is
   * found in two bounded steps (see `searchPage`).
   */
  search?: string;
}

export interface PageRequest {
  page: number;
  pageSize: number;
  cursor?: string;
}

export interface KeysetPage<T> {
  /** The page's rows, in list order. */
  items: T[];
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

/**
 * A search over a list's `searchText`: the words (as typed, trimmed) folded like the column —
 * by the database's `mailroom_fold` (`foldInDatabase`) or already by `searchable()` — then
 * spelled by `mailroom_spell` as the column is, so the trigram index sees addresses and
 * numbered names as whole words; `mailroom_search_matches` asks the index for the rare part
 * of the words and checks them whole (migration 20261209100000). Every character matches
 * itself (`%`, `_`, `\` included).
 */
export function searchMatches(param: string, foldInDatabase: boolean): string {
  return `mailroom_search_matches("searchText", mailroom_spell(${foldInDatabase ? `mailroom_fold(${param})` : param}))`;
}

/** A timestamp(3) column as an instant (the driver reads `timestamp without time zone` in the process's zone). */
export const utc = (column: string, as: string) => `(${column} AT TIME ZONE 'UTC') AS "${as}"`;

/**
 * One page of a list in one statement: the page's rows with their columns
 * (no second query to load them), the cursor's keys, and the bounded count,
 * which runs only when it tells something: on a full page (a partial first
 * page is its own total) or a page reached by cursor (position unknown).
 * PostgreSQL evaluates the count's sub-plan lazily, on the first row that
 * asks for it, so a partial page never pays for it. A search's numbered page
 * takes its rows and its count from the same scan (see `search`).
 */
export async function keysetPage(sql: SqlRunner, spec: ListSpec, req: PageRequest): Promise<KeysetPage<Record<string, unknown>>> {
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
  const limit = spec.search ? SEARCH_COUNT_LIMIT : COUNT_LIMIT;
  const matching = spec.search ? [...spec.where, spec.search] : spec.where;
  const count = `(SELECT count(*)::int FROM (SELECT 1 FROM ${spec.table} WHERE ${matching.join(' AND ')} LIMIT ${limit + 1}) c)`;
  const keys = spec.order.map((o, i) => `p."_o${i}"::text AS "_k${i}"`);
  const columns = [...cols.map((c, i) => `${c} AS "_o${i}"`), ...spec.columns];
  // Qualified: an item column may bear a key's name (as an instant), and ORDER BY would take that one.
  const ordered = `ORDER BY ${cols.map((c) => `${spec.table}.${c} ${dir}`).join(', ')}`;
  const pageOrder = `ORDER BY ${cols.map((_, i) => `p."_o${i}" ${dir}`).join(', ')}`;
  const extras = [...keys, ...(spec.related ?? [])].join(', ');
  const window = `LIMIT ${req.pageSize + 1}${req.cursor ? '' : ` OFFSET ${offset}`}`;
  let text: string;
  if (spec.search) {
    const need = (req.cursor ? 0 : offset) + req.pageSize + 1;
    const reach = Math.max(limit + 1, need);
    const unordered = `ORDER BY ${cols.map((c) => `COALESCE(${spec.table}.${c}, ${spec.table}.${c}) ${dir}`).join(', ')}`;
    const { rows, total } = searchPage(spec.table, columns, where, spec.search, { ordered, unordered }, { need, reach, limit, count, numbered: !req.cursor });
    text = `${rows} SELECT p.*, ${extras}, ${total} AS "_total" FROM (SELECT * FROM m p ${pageOrder} ${window}) p ${pageOrder}`;
  } else {
    const inner = `SELECT ${columns.join(', ')} FROM ${spec.table} WHERE ${where.join(' AND ')} ${ordered} ${window}`;
    // One row more than the page tells whether a next page exists.
    const total = req.cursor ? count : `CASE WHEN count(*) OVER () > ${req.pageSize} THEN ${count} END`;
    text = `SELECT p.*, ${extras}, ${total} AS "_total" FROM (${inner}) p ${pageOrder}`;
  }
  const rows = await sql.query<Record<string, unknown>>(text, params);
  const page = rows.slice(0, req.pageSize);
  const last = page[page.length - 1];
  let n: number;
  if (rows[0]?._total != null) n = Number(rows[0]._total);
  else if (rows.length || (!req.cursor && offset === 0)) n = offset + rows.length;
  else n = Number((await sql.query<{ n: number }>(`SELECT ${count} AS n`, spec.params))[0]?.n ?? 0); // past the end
  const lowerBound = n > limit;
  return {
    items: page,
    total: Math.max(Math.min(n, limit), lowerBound ? offset + page.length : 0),
    totalIsLowerBound: lowerBound,
    next: rows.length > req.pageSize && last ? encodeCursor(spec.order.map((_, i) => String(last[`_k${i}`]))) : null,
  };
}

/** Rows of the list's order a search reads before it turns to the search index (see `searchPage`). */
export const SEARCH_WALK = 2_000;

/**
 * The CTEs of a search's page, `m` holding its candidate rows, and its total.
 * Walking the list's order until enough rows match is right when matches are
 * common, reading the search index and sorting every match when they are
 * rare; PostgreSQL picks one by the share of rows it expects to match, which
 * for `LIKE '%…%'` it guesses from a sample, and a wrong guess is costly either
 * way: a rare text guessed common walked 100,000 rows for ten (47 ms), a
 * name matching a block of the alphabet (`bréhat-7`, 9,000 members) walked
 * every name before it (145 ms). So the order is walked for SEARCH_WALK rows
 * only (`w`), and when they hold too few matches, every match is found
 * through the index and sorted (`b`; its order is written as
 * `COALESCE(k, k)` so that the planner cannot walk an index instead). A page
 * costs at most a short walk plus the index.
 */
function searchPage(
  table: string, columns: string[], where: string[], search: string, { ordered, unordered }: { ordered: string; unordered: string },
  o: { need: number; reach: number; limit: number; count: string; numbered: boolean },
): { rows: string; total: string } {
  const walked = `(SELECT count(*) FROM w)`;
  const rows =
    `WITH w AS (SELECT * FROM (SELECT ${columns.join(', ')}, ${search} AS "_hit" FROM ${table} WHERE ${where.join(' AND ')} ${ordered} LIMIT ${SEARCH_WALK}) w0 WHERE "_hit" LIMIT ${o.reach}),` +
    // The condition on the walk sits above the scan, so a scan it skips is never started (a
    // parallel scan would otherwise launch its workers first: 5 ms for nothing).
    ` b AS (SELECT * FROM (SELECT ${columns.join(', ')}, true AS "_hit" FROM ${table} WHERE ${[...where, search].join(' AND ')} ${unordered} LIMIT ${o.reach}) b0 WHERE ${walked} < ${o.need}),` +
    ` m AS (SELECT * FROM w WHERE ${walked} >= ${o.need} UNION ALL SELECT * FROM b)`;
  // The walk found the page: more than `limit` matches make the total a lower bound, fewer
  // are counted (bounded); the index found every match up to `reach`: their number is the total.
  const total = o.numbered
    ? `CASE WHEN ${walked} < ${o.need} THEN (SELECT count(*) FROM b)::int WHEN ${walked} > ${o.limit} THEN ${walked}::int ELSE ${o.count} END`
    : o.count;
  return { rows, total };
}
