import type { PGlite } from '@electric-sql/pglite';
import type { Pool } from 'pg';

/**
 * The few raw SQL operations Mailroom needs outside Prisma (migrations,
 * readiness, schema checks), over either PostgreSQL or embedded PGlite.
 */
export interface SqlRunner {
  /** Runs a script of one or more statements (simple query protocol). */
  exec(script: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `fn` on one connection, so session state such as advisory locks holds. */
  withSession<R>(fn: (session: Omit<SqlRunner, 'withSession'>) => Promise<R>): Promise<R>;
}

export function pgRunner(pool: Pool): SqlRunner {
  return {
    async exec(script) {
      await pool.query(script);
    },
    async query(sql, params) {
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

export function pgliteRunner(db: PGlite): SqlRunner {
  const runner: Omit<SqlRunner, 'withSession'> = {
    async exec(script) {
      await db.exec(script);
    },
    async query<T>(sql: string, params?: unknown[]) {
      return (await db.query<T>(sql, params as unknown[])).rows;
    },
  };
  // PGlite is a single connection: every call is already the same session.
  return { ...runner, withSession: (fn) => fn(runner) };
}
