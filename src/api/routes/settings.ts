import { checkPrivateKey, dkimDnsRecord, generateDkimKey } from '../../outgoing/dkim';
import { invalid, problem } from '../../shared/errors';
import { fieldError } from '../../shared/field-reasons';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { locale, timeZone, z } from '../zod';

const orgSchema = z
  .object({ id: z.string(), name: z.string(), timeZone: z.string(), locale: z.string(), retentionDays: z.number().int(), sendRatePerMinute: z.number().int().nullable() })
  .openapi('OrganizationSettings');

const dkimSchema = z
  .object({ domain: z.string(), selector: z.string(), dnsRecord: z.object({ name: z.string(), type: z.literal('TXT'), value: z.string() }) })
  .openapi('DkimSettings');

export function registerSettingsRoutes(r: ApiRouter, ctx: AppContext): void {
  const present = async (id: string) => {
    const o = await ctx.prisma.organization.findUniqueOrThrow({ where: { id } });
    return { id: o.id, name: o.name, timeZone: o.timeZone, locale: o.locale, retentionDays: o.retentionDays, sendRatePerMinute: o.sendRatePerMinute };
  };
  r.add({ method: 'get', path: '/settings/organization', summary: 'Organisation settings (time zone, language, sent-log retention, send rate)', tags: ['settings'], response: orgSchema, handler: ({ auth }) => present(auth.organizationId) });
  r.add({
    method: 'patch', path: '/settings/organization', summary: 'Change organisation settings', tags: ['settings'], role: 'admin', response: orgSchema,
    body: z.object({
      name: z.string().min(1).max(200).optional(),
      timeZone: timeZone().optional(),
      locale: locale().optional(),
      retentionDays: z.number().int().min(1).max(3650).optional().openapi({ description: 'sent-log entries older than this are purged daily' }),
      sendRatePerMinute: z.number().int().min(1).max(10_000).nullable().optional(),
    }),
    handler: async ({ auth, body }) => {
      await ctx.prisma.organization.update({ where: { id: auth.organizationId }, data: body });
      return present(auth.organizationId);
    },
  });

  const presentDkim = async (id: string) => {
    const o = await ctx.prisma.organization.findUniqueOrThrow({ where: { id } });
    if (!o.dkimDomain || !o.dkimSelector || !o.dkimPrivateKeyEnc) throw problem('NOT_FOUND', 'DKIM_NOT_SET_UP');
    return { domain: o.dkimDomain, selector: o.dkimSelector, dnsRecord: dkimDnsRecord(o.dkimDomain, o.dkimSelector, ctx.secrets.decrypt(o.dkimPrivateKeyEnc)) };
  };
  r.add({ method: 'get', path: '/settings/dkim', summary: 'DKIM signing and the DNS record to publish', tags: ['outgoing account'], role: 'admin', response: dkimSchema, handler: ({ auth }) => presentDkim(auth.organizationId) });
  r.add({
    method: 'put', path: '/settings/dkim', summary: 'Sign every message: give a private key, or let Mailroom generate one', tags: ['outgoing account'], role: 'admin', response: dkimSchema,
    body: z.object({
      domain: z.string().regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/i, 'not a domain name'),
      selector: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, 'letters, digits and dashes'),
      privateKey: z.string().max(10_000).optional().openapi({ description: 'PEM RSA private key; write-only' }),
      generate: z.boolean().optional().openapi({ description: 'generate a 2048-bit RSA key pair' }),
    }).refine((b) => Boolean(b.privateKey) !== Boolean(b.generate), { message: 'give either privateKey or generate: true', path: ['privateKey'] }),
    handler: async ({ auth, body }) => {
      const key = body.generate ? generateDkimKey().privateKey : body.privateKey!;
      try {
        checkPrivateKey(key);
      } catch (err) {
        throw invalid([fieldError('body.privateKey', 'NOT_PEM_KEY')], `privateKey: ${(err as Error).message}`);
      }
      await ctx.prisma.organization.update({ where: { id: auth.organizationId }, data: { dkimDomain: body.domain.toLowerCase(), dkimSelector: body.selector, dkimPrivateKeyEnc: ctx.secrets.encrypt(key) } });
      return presentDkim(auth.organizationId);
    },
  });
  r.add({
    method: 'delete', path: '/settings/dkim', summary: 'Stop signing', tags: ['outgoing account'], role: 'admin',
    handler: async ({ auth }) => void (await ctx.prisma.organization.update({ where: { id: auth.organizationId }, data: { dkimDomain: null, dkimSelector: null, dkimPrivateKeyEnc: null } })),
  });
}
