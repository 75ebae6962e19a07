import { invalid } from '../shared/errors';
import { fieldError } from '../shared/field-reasons';
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
export interface OrderKey {
  column: string;
  type: KeyType;
  /** This key's own direction when it differs from the list's (invoices: newest period first, numbers ascending). */
  descending?: boolean;
}

export interface ListSpec {
  /** Quoted table name, e.g. `"ReceivedMail"`. */
  table: string;
  /** Conditions joined with AND; `$1`… refer to `params`. */
  where: string[];
  params: unknown[];
  /** The list's order, the unique `"id"` last; a key sorts by `descending` unless it says otherwise. */
  order: readonly OrderKey[];
  descending: boolean;
  /**
   * Disjoint conditions (over `params`) whose union is the list, each an index range where
   * the list's own condition is not: a page is the first rows of each, merged.
   */
  branches?: Branch[];
  /** The items' columns: select-list expressions over the table, each with a distinct name (`"id"` among them). */
  columns: string[];
  /** Columns computed for the page's rows only (after the limit), over the page row `p`, e.g. a count of related rows. */
  related?: string[];
  /**
   * A search condition (over `params`, like `where`): its matches are found by
   * reading rows, so they are counted to SEARCH_COUNT_LIMIT only, and a page is
   * found in two bounded steps (see SEARCH_WALK).
   */
  search?: string;
  /**
   * Rows of the list's order a search reads before it turns to the search index (default
   * SEARCH_WALK). Shorter for a table whose rows lie in another order than the list's (members
   * by name, stored as they came): each row walked there is a page read of its own.
   */
  searchWalk?: number;
}

export interface Branch {
  condition: string;
  /**
   * Rows found by an index not of the list's order (a GiST index over two ranges) and few:
   * they are sorted, and the sort is written `COALESCE(k, k)` so that the planner, which
   * misjudges how few match two ranges, cannot walk an index of the list's order instead.
   */
  unordered?: boolean;
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

/**
 * A cursor is the last row's keys, one segment each, joined by `.`: a
 * timestamp as milliseconds since 1970 (UTC), a text as base64url of its
 * UTF-8. Every string of that shape names a position in the list's order, so
 * every cursor the OpenAPI pattern admits is answered with a page (a forged
 * one lands wherever its keys fall, never on another organisation's rows: the
 * organisation is in the WHERE, not in the cursor). Instants outside years
 * 1–9999, where no row can be, are taken at those bounds.
 */
const SEGMENT: Record<KeyType, string> = { timestamp: '-?[0-9]{1,15}', text: '[A-Za-z0-9_-]*' };
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');
export const CURSOR_MAX_LENGTH = 2000;

export function cursorPattern(order: readonly { type: KeyType }[]): RegExp {
  return new RegExp(`^${order.map((o) => SEGMENT[o.type]).join('\\.')}$`);
}

/** Encodes the keys as read by keysetPage: timestamps already as milliseconds. */
export function encodeCursor(values: string[], order: readonly { type: KeyType }[]): string {
  return values.map((v, i) => (order[i]!.type === 'timestamp' ? v : Buffer.from(v, 'utf8').toString('base64url'))).join('.');
}

/** The keys of a cursor as query parameters: timestamps as `timestamp(3)` text, texts decoded. */
export function decodeCursor(cursor: string, order: readonly { type: KeyType }[]): string[] {
  if (cursor.length > CURSOR_MAX_LENGTH || !cursorPattern(order).test(cursor)) {
    throw invalid([fieldError('query.cursor', 'NOT_A_CURSOR')], 'query.cursor: not a cursor of this list');
  }
  return cursor.split('.').map((segment, i) => {
    if (order[i]!.type === 'timestamp') {
      const ms = Math.min(LAST_INSTANT, Math.max(FIRST_INSTANT, Number(segment)));
      return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    }
    // Any bytes: a sequence that is not UTF-8 reads as U+FFFD, and PostgreSQL text holds no NUL.
    return Buffer.from(segment, 'base64url').toString('utf8').replace(/\0/g, '\uFFFD');
  });
}

/**
 * A search over a list's `searchText`: the words (as typed, trimmed) folded like the column —
 * by the database's `mailroom_fold` (`foldInDatabase`) or already by `searchable()` — then
 * spelled by `mailroom_spell` as the column is, so the trigram index sees addresses and
 * numbered names as whole words; `mailroom_search_matches` asks the index for the rare part
 * of the words and checks them whole (migration 20261209110000). Every character matches
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
 * asks for it, so a partial page never pays for it. A search takes at most
 * three statements (see SEARCH_WALK and SEARCH_PROBE_SHARE).
 */
export async function keysetPage(sql: SqlRunner, spec: ListSpec, req: PageRequest): Promise<KeysetPage<Record<string, unknown>>> {
  const offset = (req.page - 1) * req.pageSize;
  if (!req.cursor && offset > MAX_OFFSET) {
    throw invalid([fieldError('query.page', 'PAGE_TOO_DEEP', { max: MAX_OFFSET })], `query.page: pages beyond row ${MAX_OFFSET} are reached with the cursor`);
  }
  const params = [...spec.params];
  const where = [...spec.where];
  const desc = spec.order.map((o) => o.descending ?? spec.descending);
  const dirs = desc.map((d) => (d ? 'DESC' : 'ASC'));
  const cols = spec.order.map((o) => o.column);
  let after: string[] = [];
  if (req.cursor) {
    const values = decodeCursor(req.cursor, spec.order);
    const placeholders = values.map((v, i) => {
      params.push(v);
      return spec.order[i]!.type === 'timestamp' ? `$${params.length}::timestamp(3)` : `$${params.length}`;
    });
    after = cursorBranches(cols, placeholders, desc);
    if (after.length === 1) where.push(after[0]!);
  }
  if ((spec.branches || after.length > 1) && spec.search) throw new Error('keysetPage: a list with branches or mixed directions has no search');
  const limit = spec.search ? SEARCH_COUNT_LIMIT : COUNT_LIMIT;
  const matching = spec.search ? [...spec.where, spec.search] : spec.where;
  const unordered = `ORDER BY ${cols.map((c, i) => `COALESCE(${spec.table}.${c}, ${spec.table}.${c}) ${dirs[i]}`).join(', ')}`;
  const ordered = `ORDER BY ${cols.map((c, i) => `${spec.table}.${c} ${dirs[i]}`).join(', ')}`;
  const count = spec.branches
    ? `(SELECT least(count(*), ${limit + 1})::int FROM (${spec.branches.map((b) => `(SELECT 1 FROM ${spec.table} WHERE ${[...matching, b.condition].join(' AND ')} ${b.unordered ? unordered : ordered} LIMIT ${limit + 1})`).join(' UNION ALL ')}) c)`
    : `(SELECT count(*)::int FROM (SELECT 1 FROM ${spec.table} WHERE ${matching.join(' AND ')} LIMIT ${limit + 1}) c)`;
  // Timestamps leave as whole milliseconds (timestamp(3): exact), texts as they are.
  const keys = spec.order.map((o, i) => (o.type === 'timestamp' ? `floor(extract(epoch FROM p."_o${i}") * 1000)::bigint::text` : `p."_o${i}"::text`) + ` AS "_k${i}"`);
  const select = `SELECT ${[...cols.map((c, i) => `${c} AS "_o${i}"`), ...spec.columns].join(', ')}`;
  // Qualified: an item column may bear a key's name (as an instant), and ORDER BY would take that one.
  const pageOrder = `ORDER BY ${cols.map((_, i) => `p."_o${i}" ${dirs[i]}`).join(', ')}`;
  const extras = [...keys, ...(spec.related ?? [])].join(', ');
  const window = `LIMIT ${req.pageSize + 1}${req.cursor ? '' : ` OFFSET ${offset}`}`;
  // One row more than the page tells whether a next page exists.
  const total = req.cursor ? count : `CASE WHEN count(*) OVER () > ${req.pageSize} THEN ${count} END`;
  const page = (inner: string) => sql.query<Record<string, unknown>>(`SELECT p.*, ${extras}, ${total} AS "_total" FROM (${inner}) p ${pageOrder}`, params);

  let rows: Record<string, unknown>[];
  const parts = product(spec.branches ?? [], after.length > 1 ? after : []);
  if (parts.length) {
    // Each part is an index range in the list's order: its first rows, then the page among them.
    const each = `LIMIT ${offset * (req.cursor ? 0 : 1) + req.pageSize + 1}`;
    const union = parts.map((b) => `(${select} FROM ${spec.table} WHERE ${[...where, b.condition].join(' AND ')} ${b.unordered ? unordered : ordered} ${each})`).join(' UNION ALL ');
    rows = await page(`SELECT * FROM (${union}) p ${pageOrder} ${window}`);
  } else if (!spec.search) {
    rows = await page(`${select} FROM ${spec.table} WHERE ${where.join(' AND ')} ${ordered} ${window}`);
  } else {
    const walk = (n: number) => page(`SELECT * FROM (${select}, ${spec.search} AS "_hit" FROM ${spec.table} WHERE ${where.join(' AND ')} ${ordered} LIMIT ${n}) w WHERE "_hit" ${window}`);
    const whole = spec.searchWalk ?? SEARCH_WALK;
    // A numbered page past the first walks whole, as before: its rows do not show the matches
    // before it. Otherwise fewer rows than a page are every match of the walk's first part.
    const probe = req.cursor || offset === 0;
    rows = await walk(probe ? Math.ceil(whole / SEARCH_PROBE_SHARE) : whole);
    if (probe && rows.length <= req.pageSize && rows.length * SEARCH_PROBE_SHARE > req.pageSize) rows = await walk(whole);
    if (rows.length <= req.pageSize) {
      // Too few matches in the walk: every match from the search index, sorted. The order is
      // written COALESCE(k, k) so that the planner cannot walk an index of the list's order instead.
      const found = `${select} FROM ${spec.table} WHERE ${[...where, spec.search].join(' AND ')} ${unordered}`;
      // A numbered page takes its total from the same scan, which reads the index once, not twice.
      rows = req.cursor
        ? await page(`${found} ${window}`)
        : await sql.query<Record<string, unknown>>(
            `WITH m AS (${found} LIMIT ${Math.max(limit + 1, offset + req.pageSize + 1)})` +
              ` SELECT p.*, ${extras}, (SELECT count(*)::int FROM m) AS "_total" FROM (SELECT * FROM m p ${pageOrder} ${window}) p ${pageOrder}`,
            params,
          );
    }
  }
  const items = rows.slice(0, req.pageSize);
  const last = items[items.length - 1];
  let n: number;
  if (rows[0]?._total != null) n = Number(rows[0]._total);
  else if (rows.length || (!req.cursor && offset === 0)) n = offset + rows.length;
  else n = Number((await sql.query<{ n: number }>(`SELECT ${count} AS n`, spec.params))[0]?.n ?? 0); // past the end
  const lowerBound = n > limit;
  return {
    items,
    total: Math.max(Math.min(n, limit), lowerBound ? offset + items.length : 0),
    totalIsLowerBound: lowerBound,
    next: rows.length > req.pageSize && last ? encodeCursor(spec.order.map((_, i) => String(last[`_k${i}`])), spec.order) : null,
  };
}

/**
 * Rows of the list's order a search reads before it turns to the search index.
 * Walking the order until enough rows match is right when matches are common,
 * reading the index and sorting every match when they are rare. PostgreSQL
 * picks one by the share of rows it expects to match, which for `LIKE '%…%'`
 * it guesses from a sample, and a wrong guess is costly either way: a rare
 * text guessed common walked 100,000 rows for ten (47 ms at a million rows),
 * a name matching a block of the alphabet (`bréhat-7`, 9,000 members) walked
 * every name before it (145 ms). So a search walks SEARCH_WALK rows (~1 ms)
 * and, when they hold too few matches, asks the index: a page costs at most a
 * short walk plus the index. The walk finds a page when one row in 180 matches
 * (it starts with a quarter of it: SEARCH_PROBE_SHARE).
 */
export const SEARCH_WALK = 2_000;
/**
 * The walk starts with its first quarter and goes on only if that quarter's matches, four times
 * over, would fill the page: a rare search (an address, a number: none or one or two matches in
 * the first rows) turns to the index after 500 rows, not 2,000 (250 members, not 1,000), which
 * was half of its work at a million rows. A common search finds its page in the first quarter
 * (one row in 45 matching); one in between walks the quarter, then the whole (a quarter more
 * than before). The price: a text rare in the first quarter and frequent just after it goes to
 * the index, which reads and sorts every match instead of walking 2,000 rows.
 */
export const SEARCH_PROBE_SHARE = 4;
/**
 * The members' walk. Members are stored as they came, in no order of names, so each member
 * walked by name is a heap page of its own (2,036 pages for 2,000 members, against 100 for
 * 2,000 mails, stored by arrival); and a name search's matches sit together in the order (every
 * `bréhat-7…`), where a walk from the first name does not reach them. Half the walk halves what a
 * search that goes to the index pays first (2,270 -> 1,260 buffers for a numbered name at a
 * million members) and still finds a page when one member in 90 matches (a common first name).
 */
export const MEMBER_SEARCH_WALK = 1_000;

/**
 * The rows after a cursor, as index ranges. Keys sorted one way compare as a row,
 * `(k1, k2, id) > (…)`: one range. When directions change along the order (newest
 * period first, then numbers ascending), no single row comparison says "after"; it
 * is then the union of one range per run of same-direction keys: the earlier runs
 * equal to the cursor's, this run after it, e.g. `period < $p` and
 * `period = $p AND (number, id) > ($n, $i)`, each read in order from an index
 * sorted like the list, and merged.
 */
export function cursorBranches(cols: string[], values: string[], desc: boolean[]): string[] {
  const runs: number[][] = [];
  desc.forEach((d, i) => (i > 0 && d === desc[i - 1] ? runs[runs.length - 1]!.push(i) : runs.push([i])));
  return runs.map((run, r) => {
    const equal = runs.slice(0, r).flat().map((i) => `${cols[i]} = ${values[i]}`);
    const row = (xs: string[]) => (run.length > 1 ? `(${run.map((i) => xs[i]).join(', ')})` : xs[run[0]!]!);
    return [...equal, `${row(cols)} ${desc[run[0]!] ? '<' : '>'} ${row(values)}`].join(' AND ');
  });
}

/** Every pairing of a list's branches with a cursor's ranges (either may be absent). */
function product(a: Branch[], b: string[]): Branch[] {
  if (!b.length) return a;
  if (!a.length) return b.map((condition) => ({ condition }));
  return a.flatMap((x) => b.map((y) => ({ ...x, condition: `${x.condition} AND ${y}` })));
}
