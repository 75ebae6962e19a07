import crypto from 'node:crypto';
import { createDatabase, type Database } from '../../src/db/client';

/**
 * A fresh, migrated database for one test file: its own PostgreSQL schema when
 * DATABASE_URL is set (CI), otherwise an in-memory PGlite.
 */
export interface TestDatabase extends Database {
  /** URL other processes (a spawned worker) can use to reach the same data; undefined for PGlite. */
  url?: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) return createPgliteDatabase();
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  const db = await createDatabase({ url: url.toString(), poolSize: 5 });
  await db.migrate();
  return Object.assign(db, {
    url: url.toString(),
    async drop() {
      await db.sql.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await db.close();
    },
  });
}

/** A migrated in-memory PGlite, the embedded default's database. */
export async function createPgliteDatabase(): Promise<TestDatabase> {
  const db = await createDatabase({});
  await db.migrate();
  return Object.assign(db, { url: undefined, drop: () => db.close() });
}

/** For `describe.each`: the database CI uses (PostgreSQL when DATABASE_URL is set) and embedded PGlite. */
export const BOTH_DATABASES: [string, () => Promise<TestDatabase>][] = [
  ['the test database', createTestDatabase],
  ['embedded PGlite', createPgliteDatabase],
];
