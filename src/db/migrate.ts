import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SqlRunner } from './sql';

/**
 * Applies prisma/migrations/<timestamp>_<name>/migration.sql in order and records
 * them in `_prisma_migrations` exactly as `prisma migrate deploy` does (same
 * table, sha256 checksum of the file, finished_at), so either tool can take
 * over. The schema engine cannot be downloaded on offline machines; this can.
 */
// From src/db (tsx, Jest) or dist/src/db (compiled, `npm start`).
export const MIGRATIONS_DIR = [path.resolve(__dirname, '../../prisma/migrations'), path.resolve(__dirname, '../../../prisma/migrations')].find((p) => fs.existsSync(p)) ?? path.resolve(__dirname, '../../prisma/migrations');

// Prisma's own advisory lock key, so this applier and `prisma migrate` never run at once.
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  script: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const script = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, script, checksum: crypto.createHash('sha256').update(script).digest('hex') };
    });
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
  /** Applied migrations whose file changed since (Prisma warns about these too). */
  modified: string[];
}

interface Row {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export async function applyMigrations(sql: SqlRunner, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = readMigrations(dir);
  return sql.withSession(async (s) => {
    await s.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    try {
      await s.exec(CREATE_TABLE);
      const rows = await s.query<Row>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
      );
      const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
      if (failed) {
        throw new Error(
          `Migration ${failed.migration_name} failed earlier and must be resolved by hand (prisma migrate resolve) before others run`,
        );
      }
      const done = new Map(rows.filter((r) => r.finished_at !== null).map((r) => [r.migration_name, r]));
      const result: MigrationResult = { applied: [], alreadyApplied: 0, modified: [] };
      for (const file of files) {
        const prior = done.get(file.name);
        if (prior) {
          result.alreadyApplied += 1;
          if (prior.checksum !== file.checksum) result.modified.push(file.name);
          continue;
        }
        const id = crypto.randomUUID();
        await s.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
          [id, file.checksum, file.name],
        );
        try {
          await s.exec(`BEGIN;\n${file.script}\n;COMMIT;`);
        } catch (err) {
          await s.exec('ROLLBACK').catch(() => undefined);
          await s.query('UPDATE "_prisma_migrations" SET logs = $2, rolled_back_at = now() WHERE id = $1', [id, String(err)]);
          throw new Error(`Migration ${file.name} failed: ${(err as Error).message}`, { cause: err });
        }
        await s.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
        result.applied.push(file.name);
      }
      return result;
    } finally {
      await s.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]);
    }
  });
}
