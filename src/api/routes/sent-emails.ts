import type { DeliveryReport, SentEmail, SentEmailRecipient, SendAttempt } from '../../generated/prisma/client';
import { pipeline } from 'node:stream/promises';
import { messageKeyOf, storedMessageKeys } from '../../mail/stored-message';
import { PURGEABLE_STATUSES, purgeWhere } from '../../delivery/purge';
import { ignoreClientGone } from '../client-gone';
import { contentDisposition } from '../../documents/documents';
import { isReason, REASON_KEYS, REASONS } from '../../delivery/reasons';
import { SENT_EMAIL_ORDER, listSentEmails, type SentEmailRow } from '../../outgoing/list-sent-emails';
import { notFound, problem } from '../../shared/errors';
import type { AppContext } from '../context';
import { failureCode, failureParams, presentFailure, serverReason } from '../failures';
import { HANDLED, type ApiRouter } from '../router';
import { listQuery, listSchema } from '../list';
import { idParam, isoDateTime, z, uuid } from '../zod';

export const SENT_STATUSES = ['queued', 'sending', 'sent', 'failed', 'bounced', 'cancelled'] as const;

const bounceSchema = z.object({ reason: z.enum(REASON_KEYS), label: z.string(), deadAddress: z.boolean() }).openapi('BounceReason');
const bounceOf = (reason: string | null) => (isReason(reason) ? { reason, label: REASONS[reason].label, deadAddress: REASONS[reason].deadAddress } : null);

const summarySchema = z
  .object({
    id: z.string(), status: z.enum(SENT_STATUSES), templateKey: z.string().nullable(), from: z.string(), to: z.array(z.string()), cc: z.array(z.string()),
    subject: z.string(), attempts: z.number().int(), lastError: z.string().nullable(), lastErrorCode: failureCode(), lastErrorParams: failureParams(),
    lastErrorReason: z.enum(REASON_KEYS).nullable().openapi({ description: 'when `lastError` is the mail server’s reply: read as a reason of the bounce reasons table' }), smtpResponse: z.string().nullable(), messageId: z.string(),
    memberId: z.string().nullable(), documentId: z.string().nullable(), related: z.object({ type: z.string(), id: z.string() }).nullable(),
    workflowId: z.string().nullable(), queuedAt: z.string(), sentAt: z.string().nullable(), failedAt: z.string().nullable(),
    bounce: bounceSchema.nullable().openapi({ description: 'why the message bounced (reasons table), when it did' }),
  })
  .openapi('SentEmailSummary');

const detailSchema = summarySchema
  .extend({
    text: z.string().nullable(), html: z.string().nullable(), replyTo: z.string().nullable(), bcc: z.array(z.string()), transport: z.string().nullable(),
    attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), size: z.number(), documentId: z.string().optional() })),
    attemptLog: z.array(z.object({ number: z.number().int(), startedAt: z.string(), finishedAt: z.string().nullable(), outcome: z.string().nullable(), error: z.string().nullable(), errorCode: failureCode(), errorParams: failureParams(), errorReason: z.enum(REASON_KEYS).nullable().openapi({ description: 'when `error` is the mail server’s reply: read as a reason of the bounce reasons table' }), smtpResponse: z.string().nullable() })),
    recipients: z.array(z.object({ address: z.string(), status: z.string(), reason: z.string().nullable(), bounce: bounceSchema.nullable() })).openapi({ description: 'per recipient: accepted, rejected (at RCPT TO), bounced, delayed, delivered; reason = the server’s words, bounce = the reason from the reasons table' }),
    reports: z.array(z.object({ kind: z.string(), recipient: z.string().nullable(), status: z.string().nullable(), diagnostic: z.string().nullable(), bounce: bounceSchema.nullable(), matchedBy: z.string().nullable(), receivedAt: z.string() })),
    headers: z.array(z.object({ name: z.string(), value: z.string() })).openapi({ description: 'the header block as sent (empty until the message was built)' }),
    member: z.object({ id: z.string(), name: z.string(), url: z.string(), emails: z.array(z.object({ address: z.string(), invalid: z.boolean() })) }).nullable(),
    emlUrl: z.string().nullable(),
  })
  .openapi('SentEmail');

/** The last error's words and, beside them, its code and values (none once the message bounced: `bounce` says why). */
function lastErrorOf(e: Pick<SentEmailRow, 'lastError' | 'lastErrorCode' | 'lastErrorParams' | 'bounceReason'>) {
  const failure = e.bounceReason ? null : presentFailure(e.lastError, e.lastErrorCode, e.lastErrorParams);
  return { lastError: e.lastError, lastErrorCode: failure?.code ?? null, lastErrorParams: failure?.params ?? null, lastErrorReason: serverReason(failure) };
}

export function presentSentEmail(e: SentEmailRow) {
  return {
    id: e.id, status: e.status, templateKey: e.templateKey, from: e.fromAddress, to: e.to, cc: e.cc, subject: e.subject,
    attempts: e.attempts, ...lastErrorOf(e), smtpResponse: e.smtpResponse, messageId: e.messageId,
    memberId: e.memberId, documentId: e.documentId,
    related: e.relatedType && e.relatedId ? { type: e.relatedType, id: e.relatedId } : null,
    workflowId: e.workflowId, queuedAt: e.queuedAt.toISOString(), sentAt: e.sentAt?.toISOString() ?? null, failedAt: e.failedAt?.toISOString() ?? null,
    bounce: bounceOf(e.bounceReason),
  };
}

export function presentSentEmailDetail(e: SentEmail & { attemptLog: SendAttempt[]; recipients: SentEmailRecipient[]; reports: DeliveryReport[] }) {
  const attachments = (e.attachments as { filename: string; contentType: string; size: number; documentId?: string }[]).map((a) => ({
    filename: a.filename, contentType: a.contentType, size: a.size, documentId: a.documentId,
  }));
  return {
    ...presentSentEmail(e),
    text: e.textBody, html: e.htmlBody, replyTo: e.replyTo, bcc: e.bcc, transport: e.transport, attachments,
    attemptLog: e.attemptLog.map((a) => {
      const failure = presentFailure(a.error, a.errorCode, a.errorParams);
      return {
        number: a.number, startedAt: a.startedAt.toISOString(), finishedAt: a.finishedAt?.toISOString() ?? null,
        outcome: a.outcome, error: a.error, errorCode: failure?.code ?? null, errorParams: failure?.params ?? null, errorReason: serverReason(failure), smtpResponse: a.smtpResponse,
      };
    }),
    recipients: e.recipients.map((r) => ({ address: r.address, status: r.status, reason: r.reason, bounce: bounceOf(r.bounceReason) })),
    reports: e.reports.map((r) => ({ kind: r.kind, recipient: r.recipient, status: r.status, diagnostic: r.diagnostic, bounce: bounceOf(r.reason), matchedBy: r.matchedBy, receivedAt: r.createdAt.toISOString() })),
  };
}

/** What a purge removes (DELETE /sent-emails and its count): messages still on their way cannot be asked for. */
export const purgeQuery = z.object({
  before: isoDateTime().openapi({ description: 'entries queued before this date (ISO 8601)' }),
  status: z.enum(PURGEABLE_STATUSES).optional().openapi({ description: 'one finished status; every finished status when absent (queued and sending messages are never purged)' }),
});

export const sentListQuery = listQuery(SENT_EMAIL_ORDER).extend({
  status: z.enum(SENT_STATUSES).optional(),
  template: z.string().max(100).optional(),
  q: z.string().max(200).optional().openapi({ description: 'any part of the subject, sender or recipients; case- and accent-insensitive, `%` and `_` match themselves' }),
  from: isoDateTime().optional().openapi({ description: 'queued at or after (ISO 8601)' }),
  to: isoDateTime().optional().openapi({ description: 'queued before (ISO 8601)' }),
  memberId: uuid().optional(),
  reason: z.enum(REASON_KEYS).optional().openapi({ description: 'bounce reason (reasons table), e.g. mailbox-full' }),
});

export function registerSentEmailRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['sent log'];
  r.add({
    method: 'get', path: '/sent-emails', summary: 'The sent-mail log, newest first', tags, query: sentListQuery, response: listSchema(summarySchema),
    handler: async ({ auth, query }) => {
      const { items, total, totalIsLowerBound, next } = await listSentEmails(ctx, auth.organizationId, query, query);
      return { items: items.map(presentSentEmail), page: query.cursor ? null : query.page, pageSize: query.pageSize, total, totalIsLowerBound, next };
    },
  });
  r.add({
    method: 'get', path: '/sent-emails/:id', summary: 'One sent message as sent: headers, bodies, attachments, attempts, per-recipient outcome', tags, params: idParam, response: detailSchema,
    handler: async ({ auth, params }) => {
      const e = await ctx.prisma.sentEmail.findFirst({
        where: { id: params.id, organizationId: auth.organizationId },
        include: { attemptLog: { orderBy: { number: 'asc' } }, recipients: true, reports: { orderBy: { createdAt: 'asc' } }, member: { include: { emails: { orderBy: { position: 'asc' } } } } },
      });
      if (!e) throw notFound(`Sent email ${params.id}`);
      const key = messageKeyOf(e);
      const stored = await ctx.storage.exists(key);
      const headers = stored ? parseHeaderBlock(await readHead(ctx, key)) : [];
      const member = e.member
        ? { id: e.member.id, name: `${e.member.lastName.toUpperCase()} ${e.member.firstName}`, url: `/api/v1/members/${e.member.id}`, emails: e.member.emails.map((m) => ({ address: m.address, invalid: m.invalidAt !== null })) }
        : null;
      return { ...presentSentEmailDetail(e), headers, member, emlUrl: stored ? `/api/v1/sent-emails/${e.id}/eml` : null };
    },
  });

  r.add({
    method: 'get', path: '/sent-emails/:id/eml', summary: 'Download the message exactly as sent (.eml)', tags, params: idParam, produces: 'message/rfc822',
    handler: async ({ auth, params, res }) => {
      const e = await ctx.prisma.sentEmail.findFirst({ where: { id: params.id, organizationId: auth.organizationId }, select: { id: true, messageKey: true } });
      if (!e) throw notFound(`Sent email ${params.id}`);
      const key = messageKeyOf(e);
      if (!(await ctx.storage.exists(key))) throw problem('NOT_FOUND', 'MESSAGE_NOT_BUILT');
      res.setHeader('Content-Type', 'message/rfc822');
      res.setHeader('Content-Disposition', contentDisposition(`${e.id}.eml`));
      await pipeline(ctx.storage.get(key), res).catch(ignoreClientGone);
      return HANDLED;
    },
  });

  r.add({
    method: 'delete', path: '/sent-emails', summary: 'Purge the sent log in bulk (documents are kept)', tags, role: 'admin',
    query: purgeQuery,
    response: z.object({ deleted: z.number().int() }),
    handler: async ({ auth, query }) => {
      const where = purgeWhere(auth.organizationId, query.before, query.status);
      const rows = await ctx.prisma.sentEmail.findMany({ where, select: { id: true, messageKey: true } });
      let deleted = 0;
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000);
        deleted += (await ctx.prisma.sentEmail.deleteMany({ where: { id: { in: chunk.map((r) => r.id) } } })).count;
        await Promise.all(chunk.flatMap((row) => storedMessageKeys(row).map((key) => ctx.storage.remove(key))));
      }
      return { deleted };
    },
  });
}

async function readHead(ctx: AppContext, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.storage.get(key)) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) break;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  return end >= 0 ? text.slice(0, end) : text;
}

/** RFC 5322 §2.2.3: folded lines continue with whitespace. */
function parseHeaderBlock(block: string): { name: string; value: string }[] {
  return block
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .map((line) => /^([^:\s]+):\s*(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1]!, value: m[2]! }));
}
