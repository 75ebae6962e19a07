import type { Command } from 'commander';
import { createApiKey, createOrganization, revokeApiKey } from '../../auth/api-keys';
import type { CliContext } from '../context';

export function registerOrgCommands(program: Command, ctx: CliContext): void {
  program
    .command('org:create')
    .description('create an organisation and print its admin API key (shown once)')
    .requiredOption('--name <name>', 'organisation name')
    .option('--time-zone <tz>', 'IANA time zone for dates in mails', 'Europe/Paris')
    .action(async (opts: { name: string; timeZone: string }) => {
      const { prisma } = await ctx.db();
      const { organizationId, key } = await createOrganization(prisma, opts.name);
      if (opts.timeZone) await prisma.organization.update({ where: { id: organizationId }, data: { timeZone: opts.timeZone } });
      ctx.out(`organization: ${organizationId}`);
      ctx.out(`admin API key (shown once): ${key}`);
    });

  program
    .command('org:list')
    .description('list organisations')
    .action(async () => {
      const { prisma } = await ctx.db();
      for (const o of await prisma.organization.findMany({ orderBy: { createdAt: 'asc' } })) ctx.out(`${o.id}  ${o.name}`);
    });

  program
    .command('key:create')
    .description('create an API key for an organisation (shown once)')
    .requiredOption('--org <id>', 'organisation id')
    .option('--role <role>', 'admin or staff', 'staff')
    .option('--name <name>', 'what the key is for', 'cli')
    .option('--member <id>', "a member's own key (self-service routes only)")
    .action(async (opts: { org: string; role: string; name: string; member?: string }) => {
      if (opts.role !== 'admin' && opts.role !== 'staff') throw new Error('--role must be admin or staff');
      const { prisma } = await ctx.db();
      const org = await prisma.organization.findUnique({ where: { id: opts.org } });
      if (!org) throw new Error(`no organisation ${opts.org}`);
      const { key, record } = await createApiKey(prisma, { organizationId: org.id, role: opts.role, name: opts.name, memberId: opts.member });
      ctx.out(`key id: ${record.id}`);
      ctx.out(`API key (shown once): ${key}`);
    });

  program
    .command('key:list')
    .description("list an organisation's API keys (never the keys themselves)")
    .requiredOption('--org <id>', 'organisation id')
    .action(async (opts: { org: string }) => {
      const { prisma } = await ctx.db();
      for (const k of await prisma.apiKey.findMany({ where: { organizationId: opts.org }, orderBy: { createdAt: 'asc' } })) {
        ctx.out(`${k.id}  ${k.prefix}…  ${k.role}  ${k.name}${k.revokedAt ? `  revoked ${k.revokedAt.toISOString()}` : ''}`);
      }
    });

  program
    .command('key:revoke')
    .description('revoke an API key')
    .argument('<keyId>', 'key id (from key:list)')
    .requiredOption('--org <id>', 'organisation id')
    .action(async (keyId: string, opts: { org: string }) => {
      const { prisma } = await ctx.db();
      if (!(await revokeApiKey(prisma, opts.org, keyId))) throw new Error(`no active key ${keyId} in organisation ${opts.org}`);
      ctx.out(`revoked ${keyId}`);
    });
}
