import { pipeline } from 'node:stream/promises';
import type { ReceivedAttachment, ReceivedMail, Document } from '../../generated/prisma/client';
import { contentDisposition, presentDocument } from '../../documents/documents';
import { assignReceivedMail } from '../../reception/assign';
import { RECEIVED_MAIL_ORDER, listReceivedMails, type ReceivedMailRow } from '../../reception/list-mails';
import { ensureMailboxWorkflow, mailboxWorkflowStatus, signalMailbox, stopMailboxWorkflow } from '../../reception/mailbox-workflow';
import { receivedHtmlForDisplay } from '../../reception/sanitize';
import { MAILBOX_ERROR_CODES, MAILBOX_VERIFY_CODES, storedMailboxError, verifyMailbox } from '../../reception/verify-mailbox';
import { IMAP_PRESETS } from '../../reception/imap-presets';
import { reasonCode, RECEIVED_REASON_CODES } from '../../reception/reasons';
import { sameBinding, secretForUse, secretOnUpdate } from '../../secret-binding';
import { mailboxSecret } from '../../reception/mailbox-auth';
import { isOAuthProviderId, OAUTH_PROVIDER_IDS, oauthProvider } from '../../outgoing/oauth';
import { ignoreClientGone } from '../client-gone';
import { notFound, problem } from '../../shared/errors';
import type { AppContext } from '../context';
import { HANDLED, type ApiRouter } from '../router';
import { listQuery as pageAndCursor, listSchema } from '../list';
import { idParam, isoDateTime, z, uuid } from '../zod';

const NO_OAUTH = { oauthProvider: null, oauthRefreshTokenEnc: null, oauthAccessTokenEnc: null, oauthAccessExpiresAt: null };

const mailboxBody = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535).default(993),
    security: z.enum(['none', 'ssl', 'starttls']).default('ssl'),
    username: z.string().min(1).max(320),
    password: z.string().max(1000).optional().openapi({ description: 'write-only; absent keeps the stored one (only if host, port, security and username are unchanged: otherwise it is required again)' }),
    folder: z.string().min(1).max(200).default('INBOX'),
    pollIntervalSeconds: z.number().int().min(10).max(86_400).default(60),
    startMode: z.enum(['all', 'new']).default('all').openapi({ description: 'all: import the whole folder; new: only mail arriving from now on' }),
    afterFiling: z.enum(['leave', 'seen', 'move']).default('leave').openapi({ description: 'leave untouched (default, never changes \\Seen), mark seen, or move' }),
    moveToFolder: z.string().min(1).max(200).nullish(),
  })
  .refine((b) => b.afterFiling !== 'move' || Boolean(b.moveToFolder), { message: 'required when afterFiling is "move"', path: ['moveToFolder'] })
  .openapi('MailboxInput');

const mailboxSchema = z
  .object({
    id: z.string(), host: z.string(), port: z.number(), security: z.string(), username: z.string(), passwordSet: z.boolean(), folder: z.string(),
    oauthProvider: z.enum(OAUTH_PROVIDER_IDS).nullable().openapi({ description: 'connected by the provider’s sign-in (OAuth2) rather than a password; DELETE /settings/mailbox/{provider} revokes it' }),
    pollIntervalSeconds: z.number(), startMode: z.string(), afterFiling: z.string(), moveToFolder: z.string().nullable(), paused: z.boolean(),
  })
  .openapi('Mailbox');

const imapPresetSchema = z
  .object({
    id: z.string(), name: z.string(), host: z.string(), port: z.number(), security: z.enum(['ssl', 'starttls']),
    auth: z.enum(['password', 'app-password', 'oauth2', 'app-password-or-oauth2']), oauthProvider: z.enum(OAUTH_PROVIDER_IDS).optional(),
    note: z.string().optional().openapi({ description: 'what the user must know (in French)' }), doc: z.string().optional().openapi({ description: "the provider's help page" }),
  })
  .openapi('ImapPreset');

const mailSummary = z
  .object({
    id: z.string(), category: z.string(), reason: z.string().nullable().openapi({ description: 'why it is not filed on a member, in English' }),
    reasonCode: z.enum(RECEIVED_REASON_CODES).nullable().openapi({ description: 'the same reason as a stable code (OTHER: free text, in params.detail)' }),
    reasonParams: z.record(z.string(), z.union([z.string(), z.number()])).nullable().openapi({ description: "the code's values: from, count, value, limitMb, size, detail" }),
    from: z.string().nullable(), fromName: z.string().nullable(), to: z.array(z.string()), subject: z.string().nullable(),
    date: z.string().nullable(), receivedAt: z.string(), memberId: z.string().nullable(), candidates: z.array(z.string()), attachments: z.number(), size: z.number(),
  })
  .openapi('ReceivedMailSummary');

type MailWithParts = ReceivedMail & { attachments: (ReceivedAttachment & { document: Document })[] };

const presentSummary = (m: ReceivedMailRow) => {
  const read = reasonCode(m.reason);
  return {
    id: m.id, category: m.category, reason: m.reason, reasonCode: read?.code ?? null, reasonParams: read?.params ?? null, from: m.fromAddress, fromName: m.fromName, to: m.to, subject: m.subject, date: m.date?.toISOString() ?? null,
    receivedAt: m.receivedAt.toISOString(), memberId: m.memberId, candidates: m.candidates, attachments: m.attachmentCount, size: m.size,
  };
};

export function registerReceptionRoutes(r: ApiRouter, ctx: AppContext): void {
  const presentMailbox = (b: NonNullable<Awaited<ReturnType<typeof ctx.prisma.mailboxAccount.findUnique>>>) => ({
    id: b.id, host: b.host, port: b.port, security: b.security, username: b.username, passwordSet: Boolean(b.passwordEnc), folder: b.folder,
    oauthProvider: isOAuthProviderId(b.oauthProvider) ? b.oauthProvider : null,
    pollIntervalSeconds: b.pollIntervalSeconds, startMode: b.startMode, afterFiling: b.afterFiling, moveToFolder: b.moveToFolder, paused: b.paused,
  });
  const requireMailbox = async (organizationId: string) => {
    const box = await ctx.prisma.mailboxAccount.findUnique({ where: { organizationId } });
    if (!box || box.disconnectedAt) throw problem('NOT_FOUND', 'NO_MAILBOX');
    return box;
  };

  r.add({
    method: 'get', path: '/settings/mailbox/presets', summary: 'IMAP settings of common providers', tags: ['mailbox'],
    response: z.array(imapPresetSchema),
    handler: async () => IMAP_PRESETS,
  });
  r.add({ method: 'get', path: '/settings/mailbox', summary: 'The connected mailbox (never the password)', tags: ['mailbox'], role: 'admin', response: mailboxSchema, handler: async ({ auth }) => presentMailbox(await requireMailbox(auth.organizationId)) });
  r.add({
    method: 'put', path: '/settings/mailbox', summary: 'Connect the mailbox (starts polling it)', tags: ['mailbox'], role: 'admin', body: mailboxBody, response: mailboxSchema,
    handler: async ({ auth, body }) => {
      const { password, ...rest } = body;
      const before = await ctx.prisma.mailboxAccount.findUnique({ where: { organizationId: auth.organizationId } });
      // An OAuth2 sign-in is a stored secret too: bound to its server like a password.
      const given = secretOnUpdate(before && { ...before, passwordEnc: before.passwordEnc ?? before.oauthRefreshTokenEnc }, rest, password, 'body.password');
      // A password given replaces an OAuth2 sign-in.
      const data = { ...rest, moveToFolder: rest.moveToFolder ?? null, disconnectedAt: null, ...(given !== undefined ? { passwordEnc: given === null ? null : ctx.secrets.encrypt(given), ...NO_OAUTH } : {}) };
      // A different server, account or folder is a different mailbox: its cursor starts again.
      const moved = before && (before.host !== data.host || before.username !== data.username || before.folder !== data.folder);
      const box = await ctx.prisma.mailboxAccount.upsert({
        where: { organizationId: auth.organizationId },
        create: { organizationId: auth.organizationId, ...data },
        update: { ...data, ...(moved ? { uidValidity: null, lastUid: null } : {}) },
      });
      await ensureMailboxWorkflow(ctx.temporal, ctx.config, box, { settingsChanged: true });
      return presentMailbox(box);
    },
  });
  r.add({
    method: 'delete', path: '/settings/mailbox', summary: 'Disconnect the mailbox (stops polling; received mail is kept)', tags: ['mailbox'], role: 'admin',
    handler: async ({ auth }) => {
      const box = await requireMailbox(auth.organizationId);
      await stopMailboxWorkflow(ctx.temporal, box.id);
      // Received mail stays (it belongs to members): the account is marked disconnected, its password forgotten.
      await ctx.prisma.mailboxAccount.update({ where: { id: box.id }, data: { disconnectedAt: new Date(), passwordEnc: null, ...NO_OAUTH } });
    },
  });
  r.add({
    method: 'post', path: '/settings/mailbox/verify', summary: 'Connect, log in and open the folder for real; explain failures', tags: ['mailbox'], role: 'admin',
    body: z.object({ settings: mailboxBody.optional() }),
    response: z
      .object({
        ok: z.boolean(), problem: z.string().optional(),
        code: z.enum(MAILBOX_VERIFY_CODES)
          .openapi({ description: 'stable code of the outcome, for clients that explain it in their own words and language' }),
        params: z.record(z.string(), z.union([z.string(), z.number()])).openapi({ description: "the code's values: host, port, folder, count, serverResponse, detail" }),
        message: z.string().openapi({ description: 'the explanation in English' }), hint: z.string().optional(), messages: z.number().optional(), folders: z.array(z.string()).optional(),
      })
      .openapi('MailboxVerifyResult'),
    handler: async ({ auth, body }) => {
      const saved = await ctx.prisma.mailboxAccount.findUnique({ where: { organizationId: auth.organizationId } });
      const s = body.settings ?? (saved && !saved.disconnectedAt ? { ...saved, password: undefined } : null);
      if (!s) throw problem('NOT_FOUND', 'NO_MAILBOX_TO_TEST');
      // An OAuth2 mailbox signs in with its token, only on the server it was connected to.
      const password = s.password == null && saved?.oauthProvider && sameBinding(saved, s)
        ? await mailboxSecret({ ...ctx, oauthProvider: (id) => oauthProvider(ctx.config, id) }, saved)
        : secretForUse(saved, s, s.password, 'body.settings.password', (e) => ctx.secrets.decrypt(e));
      return verifyMailbox(s, password, { rejectUnauthorized: ctx.config.IMAP_TLS_REJECT_UNAUTHORIZED, timeoutMs: ctx.config.SMTP_VERIFY_TIMEOUT_SECONDS * 1000 });
    },
  });
  for (const [path, what, role] of [['/mailbox/poll', 'pollNow', 'staff'], ['/mailbox/pause', 'pause', 'admin'], ['/mailbox/resume', 'resume', 'admin']] as const) {
    r.add({
      method: 'post', path, summary: what === 'pollNow' ? 'Poll the mailbox now' : `${what === 'pause' ? 'Pause' : 'Resume'} polling`, tags: ['mailbox'], role, status: 202,
      response: z.object({ workflowId: z.string() }),
      handler: async ({ auth }) => {
        const box = await requireMailbox(auth.organizationId);
        if (what !== 'pollNow') await ctx.prisma.mailboxAccount.update({ where: { id: box.id }, data: { paused: what === 'pause' } });
        await signalMailbox(ctx.temporal, ctx.config, box, what);
        return { workflowId: `mailbox-poll:${box.id}` };
      },
    });
  }
  r.add({
    method: 'get', path: '/mailbox/status', summary: 'Last poll, last UID, mails filed, unassigned count, last error', tags: ['mailbox'],
    response: z.object({
      connected: z.boolean(), workflowRunning: z.boolean(), paused: z.boolean(), lastPollAt: z.string().nullable(), lastUid: z.string().nullable(), uidValidity: z.string().nullable(),
      lastError: z.string().nullable(), counts: z.record(z.string(), z.number()), unassigned: z.number(), nextPollInSeconds: z.number().nullable(),
      lastErrorKind: z.enum(['imap', 'database', 'storage', 'parse']).nullable().openapi({ description: 'where the last failure happened: the mail server, the database, the document storage or reading a mail' }),
      lastErrorCode: z.enum(MAILBOX_ERROR_CODES).nullable().openapi({ description: 'the last error as a stable code: a connection-test code (GET …/mailbox/verify) for the mail server, DATABASE, STORAGE or PARSE otherwise; UNKNOWN with `detail` for an error recorded before codes existed' }),
      lastErrorParams: z.record(z.string(), z.union([z.string(), z.number()])).nullable().openapi({ description: 'the values of `lastErrorCode` (host, port, serverResponse, detail, uid…)' }),
      trouble: z.object({ uid: z.string(), messageId: z.string().nullable() }).nullable().openapi({ description: 'the message the failing poll is stuck on' }),
      lastQuarantined: z.object({ id: z.string(), uid: z.string(), messageId: z.string().nullable(), reason: z.string().nullable(), receivedAt: z.string() }).nullable(),
      duplicatesSkipped: z.number().openapi({ description: 'true duplicates (same Message-ID and content) not stored again: GET /mailbox/duplicates' }),
    }),
    handler: async ({ auth }) => {
      const box = await requireMailbox(auth.organizationId);
      const wf = await mailboxWorkflowStatus(ctx.temporal, box.id);
      const groups = await ctx.prisma.receivedMail.groupBy({ by: ['category'], where: { organizationId: auth.organizationId }, _count: { _all: true } });
      const counts = Object.fromEntries(groups.map((g) => [g.category, g._count._all]));
      const [duplicatesSkipped, q] = await Promise.all([
        ctx.prisma.receivedDuplicate.count({ where: { mailboxId: box.id } }),
        ctx.prisma.receivedMail.findFirst({ where: { organizationId: auth.organizationId, mailboxId: box.id, category: 'quarantined' }, orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }] }),
      ]);
      const lastError = box.lastError ?? wf?.lastError ?? null;
      return {
        ...storedMailboxError(lastError, box),
        lastErrorKind: (box.lastErrorKind as 'imap' | 'database' | 'storage' | 'parse' | null) ?? null,
        trouble: box.troubleUid !== null ? { uid: box.troubleUid.toString(), messageId: box.troubleMessageId } : null,
        lastQuarantined: q ? { id: q.id, uid: q.uid.toString(), messageId: q.messageId, reason: q.reason, receivedAt: q.receivedAt.toISOString() } : null,
        duplicatesSkipped,
        connected: true, workflowRunning: Boolean(wf), paused: wf?.paused ?? box.paused, lastPollAt: box.lastPollAt?.toISOString() ?? null, lastUid: box.lastUid?.toString() ?? null,
        uidValidity: box.uidValidity?.toString() ?? null, lastError, counts, unassigned: counts.unassigned ?? 0, nextPollInSeconds: wf?.nextPollInSeconds ?? null,
      };
    },
  });

  const listQuery = pageAndCursor(RECEIVED_MAIL_ORDER).extend({
    q: z.string().max(200).optional().openapi({ description: 'subject, sender and recipients, any part of a word; case- and accent-insensitive, `%` and `_` match themselves' }),
    assigned: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
    memberId: uuid().optional(),
    category: z.enum(['filed', 'unassigned', 'report', 'quarantined']).optional(),
    from: isoDateTime().optional().openapi({ description: 'received at or after (ISO 8601)' }),
    to: isoDateTime().optional().openapi({ description: 'received before (ISO 8601)' }),
  });
  const list = async (organizationId: string, q: z.output<typeof listQuery>, memberId?: string) => {
    const { items, total, totalIsLowerBound, next } = await listReceivedMails(ctx, organizationId, { ...q, memberId: memberId ?? q.memberId }, q);
    const page = q.cursor ? null : q.page;
    return { items: items.map(presentSummary), page, pageSize: q.pageSize, total, totalIsLowerBound, next, previous: page && page > 1 ? page - 1 : null };
  };
  const pagedMails = listSchema(mailSummary).extend({ previous: z.number().nullable().openapi({ description: 'the previous page number (page-number paging only)' }) });

  r.add({ method: 'get', path: '/received-mails', summary: 'Received mail, newest first (10 a page)', tags: ['received'], query: listQuery, response: pagedMails, handler: ({ auth, query }) => list(auth.organizationId, query) });
  r.add({
    method: 'get', path: '/members/:id/received-mails', summary: "A member's received mail", tags: ['received', 'members'], params: idParam, query: listQuery, response: pagedMails,
    handler: async ({ auth, params, query }) => {
      const m = await ctx.prisma.member.findFirst({ where: { id: params.id, organizationId: auth.organizationId }, select: { id: true } });
      if (!m) throw notFound(`Member ${params.id}`);
      return list(auth.organizationId, { ...query, category: query.category ?? 'filed' }, params.id);
    },
  });

  const getMail = async (organizationId: string, id: string): Promise<MailWithParts> => {
    const m = await ctx.prisma.receivedMail.findFirst({ where: { id, organizationId }, include: { attachments: { include: { document: true } } } });
    if (!m) throw notFound(`Received mail ${id}`);
    return m;
  };
  r.add({
    method: 'get', path: '/received-mails/:id', summary: 'One received mail: text, sanitised HTML, attachments', tags: ['received'], params: idParam,
    query: z.object({ remoteImages: z.enum(['true', 'false']).optional() }),
    response: mailSummary.extend({
      cc: z.array(z.string()), replyTo: z.string().nullable(), messageId: z.string().nullable(), text: z.string().nullable(), html: z.string().nullable(), blockedImages: z.number(),
      htmlTooLarge: z.boolean().describe('The HTML part is too large to be shown safely (over 2 MiB): `html` is null; read `text` or download the original'),
      attachmentList: z.array(z.any()), rawUrl: z.string(), assignedAt: z.string().nullable(),
    }),
    handler: async ({ auth, params, query }) => {
      const m = await getMail(auth.organizationId, params.id);
      const byCid = new Map(m.attachments.filter((a) => a.contentId).map((a) => [a.contentId!.replace(/^<|>$/g, ''), a.documentId]));
      const shown = receivedHtmlForDisplay(m.htmlBody, { cidUrl: (cid) => (byCid.has(cid) ? `/api/v1/documents/${byCid.get(cid)}/content` : null), allowRemoteImages: query.remoteImages === 'true' });
      return {
        ...presentSummary({ ...m, attachmentCount: m.attachments.length }), cc: m.cc, replyTo: m.replyTo, messageId: m.messageId, text: m.textBody, html: shown.html, blockedImages: shown.blockedImages, htmlTooLarge: shown.tooLarge,
        attachmentList: m.attachments.map((a) => ({ ...presentDocument(a.document), inline: a.inline, contentId: a.contentId })), rawUrl: `/api/v1/received-mails/${m.id}/raw`, assignedAt: m.assignedAt?.toISOString() ?? null,
      };
    },
  });
  r.add({
    method: 'get', path: '/received-mails/:id/raw', summary: 'Download the mail as received (.eml)', tags: ['received'], params: idParam, produces: 'message/rfc822',
    handler: async ({ auth, params, res }) => {
      const m = await getMail(auth.organizationId, params.id);
      res.setHeader('Content-Type', 'message/rfc822');
      res.setHeader('Content-Disposition', contentDisposition(`${m.id}.eml`));
      await pipeline(ctx.storage.get(m.rawStorageKey), res).catch(ignoreClientGone);
      return HANDLED;
    },
  });
  r.add({
    method: 'post', path: '/received-mails/:id/assign', summary: 'File a mail and its attachments on a member (reassigning moves them)', tags: ['received'], params: idParam,
    body: z.object({ memberId: uuid(), addAddress: z.boolean().default(false).openapi({ description: "add the sender's address to the member so the next mail files itself" }) }),
    response: z.object({ id: z.string(), memberId: z.string().nullable(), category: z.string(), addressAdded: z.boolean() }),
    handler: async ({ auth, params, body }) => {
      // keyId is null for staff sessions; the column (assignedByKeyId) is nullable, src/reception/assign.ts's type not yet.
      const byKeyId = auth.keyId as string;
      const { mail, addressAdded } = await assignReceivedMail(ctx.prisma, { organizationId: auth.organizationId, mailId: params.id, memberId: body.memberId, addAddress: body.addAddress, byKeyId });
      return { id: mail.id, memberId: mail.memberId, category: mail.category, addressAdded };
    },
  });
}
