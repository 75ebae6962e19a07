import crypto from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import pg, { type Pool } from 'pg';

/**
 * The few raw SQL operations Mailroom needs outside Prisma (migrations,
 * readiness, schema checks), over either PostgreSQL or embedded PGlite.
 */
export interface SqlRunner {
  /** Runs a script of one or more statements (simple query protocol). */
  exec(script: string): Promise<void>;
  /**
   * `prepare`: for the few fixed statements of hot paths (src/db/bulk.ts). PostgreSQL then
   * parses and plans each once per connection instead of on every call: ~0.15 ms of its CPU
   * a statement (measured on the group commit's UPDATE … FROM jsonb_populate_recordset).
   * Never for text built from input: each distinct text stays prepared on its connection.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: { prepare?: boolean }): Promise<T[]>;
  /** Runs `fn` on one connection, so session state such as advisory locks holds. */
  withSession<R>(fn: (session: Omit<SqlRunner, 'withSession'>) => Promise<R>): Promise<R>;
}

// Statement names by text: a hash, so the same text has the same name on every connection.
const names = new Map<string, string>();
const statementName = (sql: string) => {
  let name = names.get(sql);
  if (!name) names.set(sql, (name = `mr_${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 20)}`));
  return name;
};

export function pgRunner(pool: Pool): SqlRunner {
  return {
    async exec(script) {
      await pool.query(script);
    },
    async query(sql, params, opts) {
      if (opts?.prepare) return (await pool.query({ name: statementName(sql), text: sql, values: params as unknown[] })).rows;
      return (await pool.query(sql, params as unknown[])).rows;
    },
    async withSession(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          exec: async (s) => void (await client.query(s)),
          query: async (q, p) => (await client.query(q, p as unknown[])).rows,
        });
      } finally {
        client.release();
      }
    },
  };
}

/**
 * Timestamps read as node-postgres reads them (pg-types, postgres-date), so both drivers give
 * the same instants. PGlite's own parser is `new Date(text)`, V8's legacy date parser, which reads
 * "0050-06-01 00:00:00+00" as 1950 and "0001-…" as 2001: years 1–99, which the API admits
 * (src/api/zod.ts isoDateTime), came back from every list a century or two off.
 */
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
export const PGLITE_PARSERS = {
  [TIMESTAMP]: pg.types.getTypeParser(TIMESTAMP, 'text') as (text: string) => Date,
  [TIMESTAMPTZ]: pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => Date,
};

export function pgliteRunner(db: PGlite): SqlRunner {
  const runner: Omit<SqlRunner, 'withSession'> = {
    async exec(script) {
      await db.exec(script);
    },
    async query<T>(sql: string, params?: unknown[]) {
      return (await db.query<T>(sql, params as unknown[], { parsers: PGLITE_PARSERS })).rows;
    },
  };
  // PGlite is a single connection: every call is already the same session.
  return { ...runner, withSession: (fn) => fn(runner) };
}
