import type { DeliveryReport, Prisma, SentEmail, SentEmailRecipient, SendAttempt } from '../../generated/prisma/client';
import { notFound } from '../../shared/errors';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { idParam, pagedSchema, pageQuery, paging, z } from '../zod';

export const SENT_STATUSES = ['queued', 'sending', 'sent', 'failed', 'bounced', 'cancelled'] as const;

const summarySchema = z
  .object({
    id: z.string(), status: z.enum(SENT_STATUSES), templateKey: z.string().nullable(), from: z.string(), to: z.array(z.string()), cc: z.array(z.string()),
    subject: z.string(), attempts: z.number().int(), lastError: z.string().nullable(), smtpResponse: z.string().nullable(), messageId: z.string(),
    memberId: z.string().nullable(), documentId: z.string().nullable(), related: z.object({ type: z.string(), id: z.string() }).nullable(),
    workflowId: z.string().nullable(), queuedAt: z.string(), sentAt: z.string().nullable(), failedAt: z.string().nullable(),
  })
  .openapi('SentEmailSummary');

const detailSchema = summarySchema
  .extend({
    text: z.string().nullable(), html: z.string().nullable(), replyTo: z.string().nullable(), bcc: z.array(z.string()), transport: z.string().nullable(),
    attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), size: z.number(), documentId: z.string().optional() })),
    attemptLog: z.array(z.object({ number: z.number().int(), startedAt: z.string(), finishedAt: z.string().nullable(), outcome: z.string().nullable(), error: z.string().nullable(), smtpResponse: z.string().nullable() })),
    recipients: z.array(z.object({ address: z.string(), status: z.string(), reason: z.string().nullable() })).openapi({ description: 'per recipient: accepted, rejected (at RCPT TO), bounced, delayed, delivered' }),
    reports: z.array(z.object({ kind: z.string(), recipient: z.string().nullable(), status: z.string().nullable(), diagnostic: z.string().nullable(), matchedBy: z.string().nullable(), receivedAt: z.string() })),
  })
  .openapi('SentEmail');

export function presentSentEmail(e: SentEmail) {
  return {
    id: e.id, status: e.status, templateKey: e.templateKey, from: e.fromAddress, to: e.to, cc: e.cc, subject: e.subject,
    attempts: e.attempts, lastError: e.lastError, smtpResponse: e.smtpResponse, messageId: e.messageId,
    memberId: e.memberId, documentId: e.documentId,
    related: e.relatedType && e.relatedId ? { type: e.relatedType, id: e.relatedId } : null,
    workflowId: e.workflowId, queuedAt: e.queuedAt.toISOString(), sentAt: e.sentAt?.toISOString() ?? null, failedAt: e.failedAt?.toISOString() ?? null,
  };
}

export function presentSentEmailDetail(e: SentEmail & { attemptLog: SendAttempt[]; recipients: SentEmailRecipient[]; reports: DeliveryReport[] }) {
  const attachments = (e.attachments as { filename: string; contentType: string; size: number; documentId?: string }[]).map((a) => ({
    filename: a.filename, contentType: a.contentType, size: a.size, documentId: a.documentId,
  }));
  return {
    ...presentSentEmail(e),
    text: e.textBody, html: e.htmlBody, replyTo: e.replyTo, bcc: e.bcc, transport: e.transport, attachments,
    attemptLog: e.attemptLog.map((a) => ({
      number: a.number, startedAt: a.startedAt.toISOString(), finishedAt: a.finishedAt?.toISOString() ?? null,
      outcome: a.outcome, error: a.error, smtpResponse: a.smtpResponse,
    })),
    recipients: e.recipients.map((r) => ({ address: r.address, status: r.status, reason: r.reason })),
    reports: e.reports.map((r) => ({ kind: r.kind, recipient: r.recipient, status: r.status, diagnostic: r.diagnostic, matchedBy: r.matchedBy, receivedAt: r.createdAt.toISOString() })),
  };
}

export const sentListQuery = pageQuery.extend({
  status: z.enum(SENT_STATUSES).optional(),
  template: z.string().max(100).optional(),
  q: z.string().max(200).optional().openapi({ description: 'searches recipients and subject' }),
  from: z.coerce.date().optional().openapi({ description: 'queued at or after (ISO 8601)' }),
  to: z.coerce.date().optional().openapi({ description: 'queued before (ISO 8601)' }),
  memberId: z.string().optional(),
});

export function sentEmailWhere(organizationId: string, q: z.output<typeof sentListQuery>): Prisma.SentEmailWhereInput {
  const where: Prisma.SentEmailWhereInput = { organizationId };
  if (q.status) where.status = q.status;
  if (q.template) where.templateKey = q.template;
  if (q.memberId) where.memberId = q.memberId;
  if (q.from || q.to) where.queuedAt = { gte: q.from, lt: q.to };
  return where;
}

export function registerSentEmailRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['sent log'];
  r.add({
    method: 'get', path: '/sent-emails', summary: 'The sent-mail log, newest first', tags, query: sentListQuery, response: pagedSchema(summarySchema),
    handler: async ({ auth, query }) => {
      const where = await sentEmailSearch(ctx, auth.organizationId, query);
      const [items, total] = await Promise.all([
        ctx.prisma.sentEmail.findMany({ where, orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }], ...paging(query) }),
        ctx.prisma.sentEmail.count({ where }),
      ]);
      return { items: items.map(presentSentEmail), page: query.page, pageSize: query.pageSize, total };
    },
  });
  r.add({
    method: 'get', path: '/sent-emails/:id', summary: 'One sent message with its attempts', tags, params: idParam, response: detailSchema,
    handler: async ({ auth, params }) => {
      const e = await ctx.prisma.sentEmail.findFirst({ where: { id: params.id, organizationId: auth.organizationId }, include: { attemptLog: { orderBy: { number: 'asc' } }, recipients: true, reports: { orderBy: { createdAt: 'asc' } } } });
      if (!e) throw notFound(`Sent email ${params.id}`);
      return presentSentEmailDetail(e);
    },
  });
}

/** Recipient search is a substring match over the address arrays, done in SQL. */
async function sentEmailSearch(ctx: AppContext, organizationId: string, q: z.output<typeof sentListQuery>): Promise<Prisma.SentEmailWhereInput> {
  const where = sentEmailWhere(organizationId, q);
  if (!q.q) return where;
  const like = `%${q.q.trim().toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
  const rows = await ctx.sql.query<{ id: string }>(
    `SELECT id FROM "SentEmail" WHERE "organizationId" = $1 AND lower(array_to_string("to" || "cc", ' ')) LIKE $2 LIMIT 10000`,
    [organizationId, like],
  );
  where.OR = [{ subject: { contains: q.q.trim(), mode: 'insensitive' } }, { id: { in: rows.map((r) => r.id) } }];
  return where;
}
