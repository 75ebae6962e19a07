import type { SqlRunner } from './sql';

/**
 * Vacuum and statistics for the embedded database. PostgreSQL's autovacuum is a
 * daemon of its server; PGlite runs PostgreSQL as a single backend in this
 * process, where no daemon exists, so without this its tables are never
 * analysed and never vacuumed. Then the planner guesses every row count from a
 * table's size, and it guesses wrong as lists grow: measured on the console's
 * lists at 10,000 → 20,000 rows, the validities' first page read 269 → 653
 * pages and the batches' 155 → 346, against 40 → 40 and 37 → 38 analysed
 * (tests/console/list-speed.test.ts). Unvacuumed, the visibility map stays
 * empty, so every bounded count reads the heap besides its index.
 *
 * A table is due, like autovacuum's default thresholds, when it was never
 * analysed or has grown by a tenth (plus 8 pages) since its last VACUUM or
 * ANALYZE recorded its size; every table is due once a day, for the dead rows
 * of updates and deletes that leave its size alone. A pass vacuums one table at
 * a time, so requests wait for one table's VACUUM at most, never for all.
 */
export const GROWTH = 0.1;
export const GROWTH_PAGES = 8;
const DAY_MS = 24 * 3600 * 1000;

interface TableSize { name: string; relpages: number; reltuples: number; pages: number }

async function tableSizes(sql: Pick<SqlRunner, 'query'>): Promise<TableSize[]> {
  return sql.query<TableSize>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relpages, c.reltuples::float8 AS reltuples,
            (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS pages
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = current_schema()
      ORDER BY c.relname`,
  );
}

/** A table whose statistics no longer describe it: never analysed, or grown since. */
export const isDue = (t: TableSize) => t.reltuples < 0 || t.pages > t.relpages * (1 + GROWTH) + GROWTH_PAGES;

/**
 * One pass: `VACUUM (ANALYZE)` of each due table (of every table with `all`).
 * Returns the tables done. A table that fails is skipped, never the pass.
 */
export async function upkeepPass(sql: Pick<SqlRunner, 'query' | 'exec'>, opts: { all?: boolean; onError?: (table: string, err: unknown) => void } = {}): Promise<string[]> {
  const done: string[] = [];
  for (const table of await tableSizes(sql)) {
    if (!opts.all && !isDue(table)) continue;
    try {
      // VACUUM cannot run in a transaction block: a statement of its own (simple query protocol).
      await sql.exec(`VACUUM (ANALYZE) ${table.name}`);
      done.push(table.name);
    } catch (err) {
      opts.onError?.(table.name, err);
    }
  }
  return done;
}

export interface Upkeep {
  /** Cancels the next passes and waits for the running one: call before closing the database. */
  stop(): Promise<void>;
}

/** Passes every `everyMs` (the first after `firstMs`), with every table once a day. */
export function startUpkeep(sql: Pick<SqlRunner, 'query' | 'exec'>, opts: { everyMs: number; firstMs: number; onError?: (table: string, err: unknown) => void; onPass?: (tables: string[]) => void }): Upkeep {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let lastFull = Date.now();
  const tick = () => {
    const all = Date.now() - lastFull >= DAY_MS;
    if (all) lastFull = Date.now();
    running = upkeepPass(sql, { all, onError: opts.onError })
      .then((tables) => { if (tables.length) opts.onPass?.(tables); })
      .catch((err) => opts.onError?.('*', err))
      .finally(() => { if (!stopped) schedule(opts.everyMs); });
  };
  const schedule = (ms: number) => {
    timer = setTimeout(tick, ms);
    timer.unref(); // upkeep never holds the process open
  };
  schedule(opts.firstMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
