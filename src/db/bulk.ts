import type { Prisma } from '../generated/prisma/client';
import type { SqlRunner } from './sql';

type Table = 'ReceivedMail' | 'Document' | 'ReceivedAttachment' | 'SentEmail' | 'SendAttempt' | 'SentEmailRecipient' | 'InvoiceBatchItem' | 'Invoice';
/**
 * Where a bulk statement runs: Prisma (a client or an interactive
 * transaction), or the same database's driver directly (`Database.sql`). The
 * hot paths (batch sending) use the driver: Prisma spends ~0.5 ms of CPU on
 * every raw call (measured here, against ~0.1 ms for the pg driver), which at
 * one group commit every two or three messages was a tenth of the batch's CPU.
 */
export type Runner = Pick<Prisma.TransactionClient, '$queryRawUnsafe' | '$executeRawUnsafe'> | Pick<SqlRunner, 'query'>;

/**
 * Runs one statement with positional parameters on either kind of runner. Through the driver,
 * the statement is prepared once per connection: the texts here are a fixed few per table.
 */
export function runSql<R>(db: Runner, sql: string, params: unknown[]): Promise<R[]> {
  return '$queryRawUnsafe' in db ? db.$queryRawUnsafe<R[]>(sql, ...params) : db.query<R>(sql, params, { prepare: true });
}

/** Rows as one JSON parameter (BigInt as text, which PostgreSQL casts back). */
export const toJson = (rows: Record<string, unknown>[]) => JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/*
 * Many rows in one statement. The rows travel as one JSON parameter expanded
 * against the table's own row type (`jsonb_populate_recordset`), so no column
 * list is repeated here and the statement is the same for 1 row or 500.
 *
 * Why not Prisma's createMany / createManyAndReturn / update in a loop: on the
 * hot paths (ingestion, batch sending) Prisma planned and interpreted each call
 * at about a millisecond of CPU per row, more than the work itself.
 */

/**
 * Inserts rows, skipping those that hit a unique index (ON CONFLICT DO NOTHING);
 * returns the chosen columns of the rows really inserted. Callers give every
 * NOT NULL column, defaults included (a missing key becomes NULL, not the default).
 */
export async function bulkInsert<R extends Record<string, unknown>>(db: Runner, table: Table, rows: Record<string, unknown>[], returning: string[] = []): Promise<R[]> {
  if (!rows.length) return [];
  const ret = returning.length ? ` RETURNING ${returning.map((c) => `"${c}"`).join(', ')}` : '';
  return runSql<R>(db, `INSERT INTO "${table}" SELECT * FROM jsonb_populate_recordset(NULL::"${table}", $1::jsonb) ON CONFLICT DO NOTHING${ret}`, [toJson(rows)]);
}

/**
 * Inserts parent rows (conflicts skipped) and, in the same statement, the child
 * rows whose `fk` names a parent really inserted; returns the inserted parents' ids.
 * One round trip and one commit where an insert and an update followed.
 */
export async function bulkInsertWithChildren(db: Runner, table: Table, rows: Record<string, unknown>[], child: { table: Table; fk: string; rows: Record<string, unknown>[] }): Promise<string[]> {
  if (!rows.length) return [];
  const inserted = await runSql<{ id: string }>(
    db,
    `WITH p AS (INSERT INTO "${table}" SELECT * FROM jsonb_populate_recordset(NULL::"${table}", $1::jsonb) ON CONFLICT DO NOTHING RETURNING id),
          c AS (INSERT INTO "${child.table}" SELECT x.* FROM jsonb_populate_recordset(NULL::"${child.table}", $2::jsonb) AS x WHERE x."${child.fk}" IN (SELECT id FROM p) ON CONFLICT DO NOTHING)
     SELECT id FROM p`,
    [toJson(rows), toJson(child.rows)],
  );
  return inserted.map((r) => r.id);
}

export type BulkOp =
  | { insert: Table; rows: Record<string, unknown>[] }
  | { update: Table; key: string[]; rows: Record<string, unknown>[] }
  /**
   * Rows written over those with the same `conflict` key (a unique index), only the
   * `set` columns changed; absent, inserted whole (give every NOT NULL column). The
   * unique index finds each row whatever the planner thinks of the table: an update
   * joined on a table last analysed when it was small reads all of it (seen on
   * SendAttempt: every group commit scanned the table, 1 ms at 4,000 rows and growing).
   */
  | { upsert: Table; conflict: string[]; set: string[]; rows: Record<string, unknown>[] };

/**
 * Inserts (conflicts skipped), upserts and updates as one statement (data-modifying
 * WITH clauses, which PostgreSQL runs to completion and atomically): one round
 * trip and one commit instead of a transaction of several. An update matches
 * its rows on the `key` columns, each row with its own values; every row of an
 * op gives the same columns, and Prisma's `@updatedAt` is not applied here:
 * give `updatedAt`. Ops with no rows are left out.
 */
export async function bulkWrite(db: Runner, ops: BulkOp[]): Promise<void> {
  const params: string[] = [];
  const parts: string[] = [];
  for (const op of ops) {
    if (!op.rows.length) continue;
    params.push(toJson(op.rows));
    const table = 'insert' in op ? op.insert : 'upsert' in op ? op.upsert : op.update;
    const source = `jsonb_populate_recordset(NULL::"${table}", $${params.length}::jsonb)`;
    const statement =
      'insert' in op
        ? `INSERT INTO "${table}" SELECT * FROM ${source} ON CONFLICT DO NOTHING`
        : 'upsert' in op
          ? `INSERT INTO "${table}" SELECT * FROM ${source} ON CONFLICT (${op.conflict.map((c) => `"${c}"`).join(', ')}) DO UPDATE SET ${op.set.map((c) => `"${c}" = EXCLUDED."${c}"`).join(', ')}`
          : updateSql(table, op.key, op.rows, source, `$${params.length}::jsonb`);
    parts.push(`w${parts.length} AS (${statement})`);
  }
  if (parts.length) await runSql(db, `WITH ${parts.join(', ')} SELECT 1`, params);
}

/**
 * The planner takes any set-returning function for 100 rows, so a join on it alone
 * hashes the function and reads the whole table while that looks cheaper than 100
 * index lookups: below some thousands of rows, which a prepared statement's generic
 * plan then keeps as the table grows (measured: the database's CPU per invoice-batch
 * message rose from 0.55 to 0.95 ms over three batches). `key = ANY(ARRAY(…))` makes it
 * look the rows up through the key's index, whatever the table's size.
 */
function keysOf(table: Table, column: string, param: string): string {
  return `ARRAY(SELECT (jsonb_populate_record(NULL::"${table}", e))."${column}" FROM jsonb_array_elements(${param}) AS e)`;
}

function updateSql(table: Table, key: string[], rows: Record<string, unknown>[], source: string, param: string): string {
  const set = Object.keys(rows[0]!).filter((c) => !key.includes(c)).map((c) => `"${c}" = x."${c}"`).join(', ');
  return `UPDATE "${table}" AS t SET ${set} FROM ${source} AS x WHERE t."${key[0]}" = ANY(${keysOf(table, key[0]!, param)}) AND ${key.map((c) => `t."${c}" = x."${c}"`).join(' AND ')}`;
}

/** PostgreSQL text cannot hold NUL (U+0000); a mail that carries one must still be stored. */
export function withoutNul<T>(value: T): T {
  return (typeof value === 'string' ? value.split('\u0000').join('') : value) as T;
}
