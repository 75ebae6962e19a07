import type { Command } from 'commander';
import type { CliContext } from '../context';

export function registerMailCommands(program: Command, ctx: CliContext): void {
  program
    .command('sent:list')
    .description('list the sent-mail log of an organisation, newest first')
    .requiredOption('--org <id>', 'organisation id')
    .option('--status <status>', 'queued, sending, sent, failed, bounced or cancelled')
    .option('--limit <n>', 'how many', '20')
    .action(async (opts: { org: string; status?: string; limit: string }) => {
      const { prisma } = await ctx.db();
      const rows = await prisma.sentEmail.findMany({
        where: { organizationId: opts.org, ...(opts.status ? { status: opts.status as never } : {}) },
        orderBy: { queuedAt: 'desc' },
        take: Number(opts.limit) || 20,
      });
      for (const r of rows) {
        ctx.out(`${r.queuedAt.toISOString()}  ${r.status.padEnd(9)}  ${r.to.join(', ')}  ${r.subject}${r.lastError ? `  (${r.lastError})` : ''}`);
      }
      if (!rows.length) ctx.out('no messages');
    });

  program
    .command('db:migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const db = await ctx.db(); // opening migrates
      const rows = await db.sql.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name');
      ctx.out(`database up to date (${rows.length} migrations applied)`);
    });
}
