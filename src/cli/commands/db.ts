import type { Command } from 'commander';
import { createDatabase } from '../../db/client';
import { acquireEmbeddedLock, readLiveLock } from '../../embedded-lock';
import { CliError } from '../client';
import type { CliContext } from '../context';

/**
 * The one command that opens the database. Embedded: refused while a service
 * owns the data directory (it migrated at start), and holds the lock itself
 * meanwhile so no service starts under it. PostgreSQL: safe beside running
 * services (the applier takes Prisma's advisory lock).
 */
export function registerDbCommands(program: Command, ctx: CliContext): void {
  program
    .command('db:migrate')
    .description('apply pending database migrations (embedded: only while Mailroom is stopped)')
    .action(async () => {
      const { config } = ctx;
      const holder = config.embeddedDatabase ? readLiveLock(config.dataDir) : null;
      if (holder) {
        throw new CliError(`Mailroom (process ${holder.pid}) owns the embedded database in ${config.dataDir} and migrated it when it started; stop it first to run db:migrate by hand.`);
      }
      const lock = config.embeddedDatabase ? acquireEmbeddedLock(config.dataDir, 'db:migrate') : undefined;
      try {
        const db = await createDatabase({ url: config.DATABASE_URL, pgliteDir: config.pgliteDir });
        try {
          const { applied } = await db.migrate();
          const rows = await db.sql.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL');
          ctx.out(`database up to date (${rows.length} migrations, ${applied.length} applied now)`);
        } finally {
          await db.close();
        }
      } finally {
        lock?.release();
      }
    });
}
