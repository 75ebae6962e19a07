import fs from 'node:fs';
import v8 from 'node:v8';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client';
import { applyMigrations, type MigrationResult } from './migrate';
import { pgliteRunner, pgRunner, type SqlRunner } from './sql';

export type { PrismaClient };

export interface Database {
  prisma: PrismaClient;
  sql: SqlRunner;
  kind: 'postgres' | 'pglite';
  migrate(): Promise<MigrationResult>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; `?schema=name` selects a schema as with Prisma. */
  url?: string;
  /** PGlite data directory when no URL is given; `memory://` for a throw-away database. */
  pgliteDir?: string;
  poolSize?: number;
}

/** PostgreSQL through @prisma/adapter-pg when a URL is set, embedded PGlite otherwise. */
export async function createDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) return createPostgres(opts.url, opts.poolSize ?? 10);
  return createPglite(opts.pgliteDir ?? 'memory://');
}

function createPostgres(rawUrl: string, max: number): Database {
  const url = new URL(rawUrl);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  const poolConfig: pg.PoolConfig = { connectionString: url.toString(), max };
  // Unqualified names in migrations and raw SQL land in the chosen schema.
  // No JIT: the application's statements read a page or a row, and compiling one (50–60 ms)
  // never pays back; the planner asks for it whenever it overestimates rows, as it does for
  // bookings running at an instant (two ranges it takes as independent: 91,000 expected, 161 read).
  poolConfig.options = ['-c jit=off', schema ? `-c search_path="${schema.replace(/"/g, '')}"` : ''].filter(Boolean).join(' ');
  const pool = new pg.Pool(poolConfig);
  pool.on('error', () => undefined); // an idle client dropped by the server is replaced on next use
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, schema ? { schema } : undefined) });
  const sql = pgRunner(pool);
  return {
    prisma,
    sql,
    kind: 'postgres',
    async migrate() {
      if (schema) await sql.exec(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '')}"`);
      return applyMigrations(sql);
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function createPglite(dir: string): Promise<Database> {
  // require, not import(): both ship CommonJS builds, and Jest's CommonJS runtime cannot run a dynamic import().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PrismaPGlite } = require('pglite-prisma-adapter') as typeof import('pglite-prisma-adapter');
  // The trigram and btree_gin extensions behind the search indexes (see the 20261207150000 migration).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as { pg_trgm: import('@electric-sql/pglite').Extension };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { btree_gin } = require('@electric-sql/pglite/contrib/btree_gin') as { btree_gin: import('@electric-sql/pglite').Extension };
  // btree_gist: the GiST index of bookings running at an instant (the 20261210120000 migration).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { btree_gist } = require('@electric-sql/pglite/contrib/btree_gist') as { btree_gist: import('@electric-sql/pglite').Extension };
  if (!dir.startsWith('memory://')) fs.mkdirSync(dir, { recursive: true });
  // V8 re-compiles WebAssembly functions with its optimising compiler once they have run a
  // while; PostgreSQL's start-up runs enough of its code to tier up most of it, and the
  // compiler's memory (~40 MB) stays with the process. A budget a hundred times V8's default
  // keeps that for the functions a sustained load makes hot (measured: no loss of speed on a
  // query loop, less CPU spent compiling). Set before PGlite compiles its module.
  v8.setFlagsFromString('--wasm-tiering-budget=180000000');
  // PostgreSQL's default 128 MB of shared buffers is allocated (and touched) inside PGlite's
  // WebAssembly memory: ~120 MB of the process at rest. A club's database is served from the
  // operating system's file cache as well; 16 MB keeps the hot index pages.
  const startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];
  const db = await PGlite.create(dir, { extensions: { pg_trgm, btree_gin, btree_gist }, startParams });
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  await prisma.$connect();
  releaseQueryCompilerSource();
  const sql = pgliteRunner(db);
  return {
    prisma,
    sql,
    kind: 'pglite',
    migrate: () => applyMigrations(sql),
    async close() {
      await prisma.$disconnect();
      await db.close();
    },
  };
}

/**
 * Prisma's query compiler ships as WebAssembly in base64 inside a JavaScript module; once the
 * client has connected, the compiled module is cached for the process (per provider) and the
 * text is never read again, yet the module's exports keep it (4.5 MB of heap): memory at rest of the embedded default (issue #16). Dropping the exports and the
 * cache entry is safe: a later require reads the file afresh. No-op where modules are not in
 * require.cache (Jest).
 */
function releaseQueryCompilerSource(): void {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!mod || !/[\\/]query_compiler_[^\\/]*\.wasm-base64\.js$/.test(file)) continue;
    delete require.cache[file];
    const exports = mod.exports as { wasm?: string } | undefined;
    if (exports && typeof exports.wasm === 'string') exports.wasm = undefined;
  }
}
