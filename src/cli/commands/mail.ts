import type { Command } from 'commander';
import { CliError } from '../client';
import type { CliContext } from '../context';

/** The sent log and the mailbox of the organisation whose key the CLI uses. */
interface Sent {
  queuedAt: string;
  status: string;
  to: string[];
  subject: string;
  lastError: string | null;
}

export function registerMailCommands(program: Command, ctx: CliContext): void {
  program
    .command('sent:list')
    .description("list the organisation's sent-mail log, newest first")
    .option('--status <status>', 'queued, sending, sent, failed, bounced or cancelled')
    .option('--search <text>', 'recipients and subject')
    .option('--limit <n>', 'how many (at most 100)', '20')
    .action(async (opts: { status?: string; search?: string; limit: string }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new CliError('--limit must be a whole number from 1 to 100');
      const res = await ctx.api().get<{ items: Sent[]; total: number }>('/sent-emails', { status: opts.status, q: opts.search, pageSize: limit });
      for (const r of res.items) ctx.out(`${r.queuedAt}  ${r.status.padEnd(9)}  ${r.to.join(', ')}  ${r.subject}${r.lastError ? `  (${r.lastError})` : ''}`);
      ctx.out(res.items.length ? `${res.items.length} of ${res.total}` : 'no messages');
    });

  program
    .command('sent:purge')
    .description('delete sent-log entries queued before a date (messages still being sent are kept; admin key)')
    .requiredOption('--before <date>', 'ISO 8601 date, e.g. 2025-01-01')
    .option('--status <status>', 'only this status (sent, failed, bounced, cancelled)')
    .action(async (opts: { before: string; status?: string }) => {
      const res = await ctx.api().delete<{ deleted: number }>('/sent-emails', { before: opts.before, status: opts.status });
      ctx.out(`deleted ${res.deleted} sent-log entries`);
    });

  program
    .command('mailbox:poll')
    .description("poll the organisation's mailbox now")
    .action(async () => {
      const res = await ctx.api().post<{ workflowId: string }>('/mailbox/poll');
      ctx.out(`polling requested (${res.workflowId})`);
    });

  program
    .command('users:invite')
    .description('invite a staff member to the console (admin key); prints the invitation link')
    .requiredOption('--email <address>', 'their address (the invitation is mailed there too)')
    .option('--role <role>', 'admin or staff', 'staff')
    .option('--name <name>', 'their name')
    .action(async (opts: { email: string; role: string; name?: string }) => {
      if (opts.role !== 'admin' && opts.role !== 'staff') throw new CliError('--role must be admin or staff');
      const res = await ctx.api().post<{ user: { id: string; email: string }; invitationUrl: string }>('/users/invitations', { email: opts.email, role: opts.role, name: opts.name });
      ctx.out(`invited ${res.user.email} (user ${res.user.id})`);
      ctx.out(`invitation link: ${res.invitationUrl}`);
    });
}
