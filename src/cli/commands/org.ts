import type { Command } from 'commander';
import { CliError } from '../client';
import type { CliContext } from '../context';

/** Platform operators' commands: organisations and their keys, through the operators' API. */
interface Org {
  id: string;
  name: string;
  timeZone: string;
  suspended: boolean;
  suspendedAt: string | null;
  createdAt: string;
}
interface Key {
  id: string;
  name: string;
  prefix: string;
  role: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
interface Paged<T> {
  items: T[];
  total: number;
}

const orgLine = (o: Org) => `${o.id}  ${o.name}  ${o.timeZone}${o.suspended ? `  SUSPENDED since ${o.suspendedAt}` : ''}`;

export function registerOrgCommands(program: Command, ctx: CliContext): void {
  program
    .command('org:create')
    .description('onboard an organisation: create it and print its first admin API key (shown once)')
    .requiredOption('--name <name>', 'organisation name')
    .option('--time-zone <tz>', 'IANA time zone for dates in mails (default Europe/Paris)')
    .option('--locale <fr|en>', 'language of its mails')
    .option('--admin-email <address>', "mail the first admin's console invitation there (else: a setup link to hand over)")
    .option('--admin-name <name>', "the first admin's name")
    .action(async (opts: { name: string; timeZone?: string; locale?: string; adminEmail?: string; adminName?: string }) => {
      const res = await ctx.operator().post<{ organization: Org; adminApiKey: { id: string; key: string }; adminInvitationUrl: string }>('/organizations', {
        name: opts.name, timeZone: opts.timeZone, locale: opts.locale, adminEmail: opts.adminEmail, adminName: opts.adminName,
      });
      ctx.out(`organization: ${res.organization.id}`);
      ctx.out(`admin API key (shown once): ${res.adminApiKey.key}`);
      ctx.out(`${opts.adminEmail ? `first admin invited (${opts.adminEmail}); link` : 'first admin setup link (works once)'}: ${res.adminInvitationUrl}`);
    });

  program
    .command('org:list')
    .description('list organisations')
    .option('--search <text>', 'part of the name')
    .action(async (opts: { search?: string }) => {
      const api = ctx.operator();
      let shown = 0;
      for (let page = 1; ; page++) {
        const res = await api.get<Paged<Org>>('/organizations', { page, pageSize: 100, q: opts.search });
        for (const o of res.items) ctx.out(orgLine(o));
        shown += res.items.length;
        if (!res.items.length || shown >= res.total) break;
      }
      if (!shown) ctx.out('no organisations');
    });

  program.command('org:show').description('one organisation').argument('<orgId>').action(async (id: string) => ctx.out(orgLine(await ctx.operator().get<Org>(`/organizations/${encodeURIComponent(id)}`))));

  program
    .command('org:rename')
    .description('rename an organisation')
    .argument('<orgId>')
    .requiredOption('--name <name>', 'new name')
    .action(async (id: string, opts: { name: string }) => ctx.out(orgLine(await ctx.operator().patch<Org>(`/organizations/${encodeURIComponent(id)}`, { name: opts.name }))));

  for (const [name, suspended, what] of [['org:suspend', true, 'suspend an organisation: its keys and sessions are refused, its schedules and mailbox polling paused'], ['org:unsuspend', false, 'lift a suspension']] as const) {
    program
      .command(name)
      .description(what)
      .argument('<orgId>')
      .action(async (id: string) => ctx.out(orgLine(await ctx.operator().patch<Org>(`/organizations/${encodeURIComponent(id)}`, { suspended }))));
  }

  program
    .command('key:create')
    .description('create an API key for an organisation (shown once)')
    .requiredOption('--org <id>', 'organisation id')
    .option('--role <role>', 'admin or staff', 'staff')
    .option('--name <name>', 'what the key is for', 'cli')
    .option('--member <id>', "a member's own key (self-service routes only)")
    .action(async (opts: { org: string; role: string; name: string; member?: string }) => {
      if (opts.role !== 'admin' && opts.role !== 'staff') throw new CliError('--role must be admin or staff');
      const k = await ctx.operator().post<Key & { key: string }>(`/organizations/${encodeURIComponent(opts.org)}/api-keys`, { role: opts.role, name: opts.name, memberId: opts.member });
      ctx.out(`key id: ${k.id}`);
      ctx.out(`API key (shown once): ${k.key}`);
    });

  program
    .command('key:list')
    .description("list an organisation's API keys (never the keys themselves)")
    .requiredOption('--org <id>', 'organisation id')
    .action(async (opts: { org: string }) => {
      const api = ctx.operator();
      let shown = 0;
      for (let page = 1; ; page++) {
        const res = await api.get<Paged<Key>>(`/organizations/${encodeURIComponent(opts.org)}/api-keys`, { page, pageSize: 100 });
        for (const k of res.items) ctx.out(`${k.id}  ${k.prefix}…  ${k.role}  ${k.name}${k.revokedAt ? `  revoked ${k.revokedAt}` : ''}`);
        shown += res.items.length;
        if (!res.items.length || shown >= res.total) break;
      }
      if (!shown) ctx.out('no keys');
    });

  program
    .command('key:revoke')
    .description('revoke an API key')
    .argument('<keyId>', 'key id (from key:list)')
    .requiredOption('--org <id>', 'organisation id')
    .action(async (keyId: string, opts: { org: string }) => {
      await ctx.operator().delete(`/organizations/${encodeURIComponent(opts.org)}/api-keys/${encodeURIComponent(keyId)}`);
      ctx.out(`revoked ${keyId}`);
    });
}
