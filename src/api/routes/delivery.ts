import { postWebhook } from '../../alerts/webhook';
import { queueEmail } from '../../mail/queue-email';
import { startSendWorkflow } from '../../mail/start-send';
import { ensureDeliverySyncSchedule, removeDeliverySyncSchedule, startDeliverySync } from '../../delivery/schedule';
import { deliveryStats } from '../../delivery/stats';
import { secretOnUpdate } from '../../secret-binding';
import { MAILBOX_ERROR_CODES, storedMailboxError } from '../../reception/verify-mailbox';
import { fieldReasonText } from '../../shared/field-reasons';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { isoDateTime, recipient, z } from '../zod';
import { addressReasonSchema } from './members';

const alertSettingsSchema = z
  .object({
    emails: z.array(z.string()),
    emailMode: z.enum(['immediate', 'hourly']),
    webhookUrl: z.string().nullable(),
    webhookSecretSet: z.boolean(),
  })
  .openapi('AlertSettings');

// An http(s) URL as RFC 3986 writes it (ASCII: an internationalised host in punycode, xn--…) and
// as the WHATWG parser (`new URL`, which the sender uses) accepts it, so that every string this
// pattern admits is a URL: a host name whose last label starts with a letter (a numeric last
// label is read as an IPv4 address), or a dotted IPv4 address; a port up to 65535; `%` only
// followed by two hex digits; no IPv6 literal.
const PCT = '%[0-9A-Fa-f]{2}';
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const HOST = `(?:(?:[A-Za-z0-9_-]+\\.)*[A-Za-z][A-Za-z0-9_-]*\\.?|${OCTET}(?:\\.${OCTET}){3})`;
const PORT = '(?::0*(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])?)?';
const USER = `(?:(?:[A-Za-z0-9\\-._~!$&'()*+,;=:]|${PCT})*@)?`;
const REST = `(?:[/?#](?:[A-Za-z0-9\\-._~:/?#[\\]@!$&'()*+,;=]|${PCT})*)?`;
export const ASCII_HTTP_URI = new RegExp(`^https?://${USER}${HOST}${PORT}${REST}$`);

/** Punycode labels (xn--…) are the one part the pattern cannot check whole: the URL parser checks them. */
export const webhookUrl = z.url({ protocol: /^https?$/, abort: true }).regex(ASCII_HTTP_URI, fieldReasonText('ASCII_URL'));

const alertSettingsBody = z
  .object({
    emails: z.array(recipient()).max(20).default([]).openapi({ description: 'staff addresses told about failed and bounced messages' }),
    emailMode: z.enum(['immediate', 'hourly']).default('immediate').openapi({ description: 'one mail per failure, or one digest per hour' }),
    webhookUrl: webhookUrl.nullish().openapi({ pattern: ASCII_HTTP_URI.source, description: 'an http(s) URL' }),
    webhookSecret: z.string().min(16).max(200).nullish().openapi({ description: 'HMAC-SHA256 signing secret; write-only. null removes it, absent keeps it' }),
  })
  .openapi('AlertSettingsInput');

const mailboxBody = z.object({
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  security: z.enum(['none', 'ssl', 'starttls']).default('ssl'),
  username: z.string().min(1).max(320),
  password: z.string().max(1000).optional().openapi({ description: 'write-only; absent keeps the stored one (only if host, port, security and username are unchanged: otherwise it is required again)' }),
  folder: z.string().min(1).max(200).default('INBOX'),
});

const deliveryBody = z
  .object({
    bounceDomain: z.string().regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/i, 'not a domain name').nullish().openapi({ description: 'VERP envelope senders bounces+<id>@<domain>' }),
    syncIntervalMinutes: z.number().int().min(1).max(1440).optional(),
    mailbox: mailboxBody.nullish().openapi({ description: 'dedicated bounce mailbox read by the delivery sync; null removes it' }),
  })
  .openapi('DeliverySettingsInput');

const deliverySchema = z
  .object({
    bounceDomain: z.string().nullable(),
    syncIntervalMinutes: z.number().int(),
    mailbox: z
      .object({
        host: z.string(), port: z.number(), security: z.string(), username: z.string(), folder: z.string(), passwordSet: z.boolean(), lastSyncAt: z.string().nullable(), lastError: z.string().nullable(),
        lastErrorCode: z.enum(MAILBOX_ERROR_CODES).nullable().openapi({ description: 'the last error as a connection-test code (as for the mailbox, GET /mailbox/status); UNKNOWN with `detail` for one recorded before codes existed' }),
        lastErrorParams: z.record(z.string(), z.union([z.string(), z.number()])).nullable().openapi({ description: 'the values of `lastErrorCode` (host, port, serverResponse, detail…)' }),
      })
      .nullable(),
  })
  .openapi('DeliverySettings');

export function registerDeliveryRoutes(r: ApiRouter, ctx: AppContext): void {
  const presentAlerts = async (organizationId: string) => {
    const s = await ctx.prisma.alertSettings.findUnique({ where: { organizationId } });
    return { emails: s?.emails ?? [], emailMode: (s?.emailMode ?? 'immediate') as 'immediate' | 'hourly', webhookUrl: s?.webhookUrl ?? null, webhookSecretSet: Boolean(s?.webhookSecretEnc) };
  };
  const presentDelivery = async (organizationId: string) => {
    const org = await ctx.prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, include: { deliveryMailbox: true } });
    const m = org.deliveryMailbox;
    return {
      bounceDomain: org.bounceDomain,
      syncIntervalMinutes: org.deliverySyncMinutes,
      mailbox: m ? { host: m.host, port: m.port, security: m.security, username: m.username, folder: m.folder, passwordSet: Boolean(m.passwordEnc), lastSyncAt: m.lastSyncAt?.toISOString() ?? null, lastError: m.lastError, ...storedMailboxError(m.lastError, m) } : null,
    };
  };

  r.add({
    method: 'get', path: '/settings/alerts', summary: 'Who is told when a message fails or bounces', tags: ['alerts'], role: 'admin', response: alertSettingsSchema,
    handler: ({ auth }) => presentAlerts(auth.organizationId),
  });
  r.add({
    method: 'put', path: '/settings/alerts', summary: 'Set alert addresses, digest mode and the signed webhook', tags: ['alerts'], role: 'admin', body: alertSettingsBody, response: alertSettingsSchema,
    handler: async ({ auth, body }) => {
      const secret = body.webhookSecret === undefined ? undefined : body.webhookSecret === null ? null : ctx.secrets.encrypt(body.webhookSecret);
      const data = { emails: body.emails, emailMode: body.emailMode, webhookUrl: body.webhookUrl ?? null, ...(secret !== undefined ? { webhookSecretEnc: secret } : {}) };
      await ctx.prisma.alertSettings.upsert({ where: { organizationId: auth.organizationId }, create: { organizationId: auth.organizationId, ...data }, update: data });
      return presentAlerts(auth.organizationId);
    },
  });
  r.add({
    method: 'post', path: '/settings/alerts/test', summary: 'Send a test alert by email and to the webhook', tags: ['alerts'], role: 'admin',
    response: z.object({ email: z.object({ id: z.string() }).nullable(), webhook: z.object({ status: z.number().optional(), error: z.string().optional() }).nullable() }),
    handler: async ({ auth }) => {
      const s = await ctx.prisma.alertSettings.findUnique({ where: { organizationId: auth.organizationId } });
      let email: { id: string } | null = null;
      if (s?.emails.length) {
        const { sentEmail } = await queueEmail(
          { prisma: ctx.prisma, secrets: ctx.secrets, platform: ctx.platform, messageIdDomain: ctx.config.MESSAGE_ID_DOMAIN },
          { organizationId: auth.organizationId, to: s.emails, subject: 'Mailroom : test des alertes', text: 'Ceci est un test : les alertes de non-remise arriveront à cette adresse.', relatedType: 'alert-test' },
        );
        await startSendWorkflow({ temporal: ctx.temporal, prisma: ctx.prisma, config: ctx.config }, sentEmail);
        email = { id: sentEmail.id };
      }
      let webhook: { status?: number; error?: string } | null = null;
      if (s?.webhookUrl) {
        try {
          const res = await postWebhook(s.webhookUrl, s.webhookSecretEnc ? ctx.secrets.decrypt(s.webhookSecretEnc) : null, {
            type: 'test', organizationId: auth.organizationId, messageId: null, rfc822MessageId: null, recipient: null, status: 'test', reason: null, subject: null, related: null, occurredAt: new Date().toISOString(),
          });
          webhook = { status: res.status };
        } catch (err) {
          webhook = { error: (err as Error).message };
        }
      }
      return { email, webhook };
    },
  });

  r.add({
    method: 'get', path: '/settings/delivery', summary: 'Bounce domain (VERP), bounce mailbox and sync interval', tags: ['delivery tracking'], role: 'admin', response: deliverySchema,
    handler: ({ auth }) => presentDelivery(auth.organizationId),
  });
  r.add({
    method: 'put', path: '/settings/delivery', summary: 'Set the bounce domain, the bounce mailbox and how often it is read', tags: ['delivery tracking'], role: 'admin', body: deliveryBody, response: deliverySchema,
    handler: async ({ auth, body }) => {
      const organizationId = auth.organizationId;
      await ctx.prisma.organization.update({
        where: { id: organizationId },
        data: { ...(body.bounceDomain !== undefined ? { bounceDomain: body.bounceDomain?.toLowerCase() ?? null } : {}), ...(body.syncIntervalMinutes ? { deliverySyncMinutes: body.syncIntervalMinutes } : {}) },
      });
      if (body.mailbox === null) {
        await ctx.prisma.deliveryMailbox.deleteMany({ where: { organizationId } });
        await removeDeliverySyncSchedule(ctx.temporal, organizationId);
      } else if (body.mailbox) {
        const { password, ...rest } = body.mailbox;
        const before = await ctx.prisma.deliveryMailbox.findUnique({ where: { organizationId } });
        const given = secretOnUpdate(before, rest, password, 'body.mailbox.password');
        const secret = given !== undefined ? { passwordEnc: given === null ? null : ctx.secrets.encrypt(given) } : {};
        await ctx.prisma.deliveryMailbox.upsert({ where: { organizationId }, create: { organizationId, ...rest, ...secret }, update: { ...rest, ...secret } });
      }
      const org = await ctx.prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, include: { deliveryMailbox: true } });
      if (org.deliveryMailbox) await ensureDeliverySyncSchedule(ctx.temporal, ctx.config, organizationId, org.deliverySyncMinutes);
      return presentDelivery(organizationId);
    },
  });

  r.add({
    method: 'post', path: '/sent-emails/sync', summary: 'Read delivery reports now (bounces, delays, deliveries)', tags: ['delivery tracking'], status: 202,
    response: z.object({ workflowId: z.string(), alreadyRunning: z.boolean() }),
    handler: ({ auth }) => startDeliverySync(ctx.temporal, ctx.config, auth.organizationId),
  });

  r.add({
    method: 'get', path: '/sent-emails/stats', summary: 'Counts by status and template, bounce rate, addresses flagged invalid', tags: ['delivery tracking'],
    query: z.object({ from: isoDateTime().optional(), to: isoDateTime().optional() }),
    response: z.object({
      from: z.string().nullable(), to: z.string().nullable(), total: z.number(), byStatus: z.record(z.string(), z.number()),
      byTemplate: z.array(z.object({ template: z.string(), total: z.number(), byStatus: z.record(z.string(), z.number()) })),
      byReason: z.record(z.string(), z.number()).openapi({ description: 'bounced messages by reason (reasons table)' }),
      bounceRate: z.number(), invalidAddresses: z.array(z.object({ memberId: z.string(), name: z.string(), address: z.string(), reason: z.string().nullable(), because: addressReasonSchema.nullable(), since: z.string() })),
    }).openapi('DeliveryStats'),
    handler: ({ auth, query }) => deliveryStats(ctx.prisma, auth.organizationId, query),
  });
}
