import type { Readable } from 'node:stream';
import { Context } from '@temporalio/activity';
import { v7 as uuidv7 } from 'uuid';
import type { SentEmail } from '../generated/prisma/client';
import type { AttachmentRef } from '../mail/compose';
import { composeMessage, composeOptions, type ComposeInput } from '../mail/compose';
import { composeThread } from '../mail/compose-thread';
import { parseAddress } from '../mail/addresses';
import { classifySmtpError } from '../mail/smtp-errors';
import { resolveSenderAccount, type SenderAccount, type SendResult } from '../mail/transports';
import { signMessage } from '../outgoing/dkim';
import { isAlertTemplate, raiseAlert } from '../alerts/raise-alert';
import { classifyReason } from '../delivery/bounce/classify';
import { statusIn } from '../delivery/bounce/text-readers';
import { bounceInvalidText, REASONS } from '../delivery/reasons';
import { acceptedRecipient, flagInvalidAddress, setRecipientStatus } from '../delivery/recipients';
import { bulkWrite } from '../db/bulk';
import { groupCommit } from '../db/group-commit';
import { AppError, toActivityFailure } from '../shared/errors';
import type { ActivityDeps } from './deps';

export const sentMessageKey = (sentEmailId: string) => `sent/${sentEmailId}.eml`;
/** The original of a message carrying a credential (SentEmail.secretEnc), encrypted; sentMessageKey then holds the masked copy staff download. */
export const sealedMessageKey = (sentEmailId: string) => `sent/${sentEmailId}.eml.sealed`;

export interface DeliveryOutcome {
  status: 'sent' | 'skipped';
  messageId: string;
  response?: string;
  rejected?: string[];
}

/** One message's result in a group: delivered (or already done before), or refused by the server. */
export type Delivery = { id: string; ok: true; outcome: DeliveryOutcome; row: SentEmail } | { id: string; ok: false; failure: AppError };

const DONE = ['sent', 'bounced', 'cancelled', 'failed'];
// Messages whose attachments add up to no more than this are built and sent from memory.
const IN_MEMORY_BYTES = 4 * 1024 * 1024;
type OrgKeys = { id: string; bounceDomain: string | null; dkimDomain: string | null; dkimSelector: string | null; dkimPrivateKeyEnc: string | null };
type Accepted = { row: SentEmail; number: number; account: SenderAccount; result: SendResult; at: Date };

// One for the process, started with the first message (see src/mail/compose-thread.ts).
const composer = composeThread();

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Delivery of recorded messages: one at a time for the send workflow, in groups for batches. */
export function createDelivery(deps: ActivityDeps) {
  const { prisma, storage } = deps;
  // Bulk statements through the driver when the worker has it (see src/db/bulk.ts).
  const direct = deps.sql ?? prisma;
  const alertDeps = { ...deps, messageIdDomain: deps.config.MESSAGE_ID_DOMAIN };

  /**
   * Successes are written as soon as the server accepts each message, with the
   * ones accepted meanwhile (group commit): the window in which a dying worker
   * could leave an accepted message unrecorded stays one round trip long.
   */
  const recordAccepted = groupCommit<Accepted>(async (items) => {
    await bulkWrite(direct, [
      { update: 'SentEmail', key: ['id'], rows: items.map(({ row, account, result, at }) => ({
        id: row.id, status: 'sent', sentAt: at, updatedAt: at, smtpResponse: result.response, transport: account.label,
        lastError: result.rejected.length ? `refused recipients: ${result.rejected.join(', ')}` : null,
      })) },
      // Whole rows, in case the attempt's own was never written (only its outcome columns replace an existing one).
      { upsert: 'SendAttempt', conflict: ['sentEmailId', 'number'], set: ['finishedAt', 'outcome', 'smtpResponse'], rows: items.map(({ row, number, result, at }) => ({
        id: uuidv7(), sentEmailId: row.id, number, startedAt: at, finishedAt: at, outcome: 'sent', error: null, smtpResponse: result.response,
      })) },
      // Accepted is the weakest outcome: an address already known (a bounce came first) keeps what it has.
      { insert: 'SentEmailRecipient', rows: items.flatMap(({ row, result, at }) => result.accepted.map((address) => acceptedRecipient(row.id, address, at))) },
    ]);
  });

  /**
   * Sends recorded messages, `concurrency` at a time. Never sends a message
   * already recorded as sent; re-sends the stored bytes (same Message-ID) when
   * an earlier attempt's outcome is unknown, e.g. the worker died after the
   * server accepted it. Settings and keys are read once per group.
   */
  /**
   * `started`: ids of rows the caller has just recorded already `sending` with
   * their first attempt (queueEmails' `startSending`): they are not marked again,
   * and nothing can have been stored for them yet.
   */
  async function deliverMany(ids: string[], concurrency = ids.length, loaded?: SentEmail[], started: ReadonlySet<string> = new Set()): Promise<Delivery[]> {
    // Rows the caller has just read (queueing) need not be read again.
    const rows = new Map((loaded ?? (await prisma.sentEmail.findMany({ where: { id: { in: ids } } }))).map((r) => [r.id, r]));
    const results = new Map<string, Delivery>();
    const todo: SentEmail[] = [];
    for (const id of new Set(ids)) {
      const row = rows.get(id);
      if (!row) results.set(id, { id, ok: false, failure: new AppError('NOT_FOUND', `sent email ${id} does not exist`) });
      else if (DONE.includes(row.status)) results.set(id, { id, ok: true, outcome: { status: 'skipped', messageId: row.messageId }, row });
      else todo.push(row);
    }
    if (todo.length) await sendAll(todo, Math.max(1, concurrency), results, started);
    return ids.map((id) => results.get(id)!);
  }

  async function sendAll(todo: SentEmail[], concurrency: number, results: Map<string, Delivery>, started: ReadonlySet<string>): Promise<void> {
    const now = new Date();
    const again = todo.filter((r) => !started.has(r.id));
    await bulkWrite(direct, [
      { update: 'SentEmail', key: ['id'], rows: again.map((r) => ({ id: r.id, status: 'sending', attempts: r.attempts + 1, updatedAt: now })) },
      { insert: 'SendAttempt', rows: again.map((r) => ({ id: uuidv7(), sentEmailId: r.id, number: r.attempts + 1, startedAt: now, finishedAt: null, outcome: null, error: null, smtpResponse: null })) },
    ]);
    const orgs = new Map<string, OrgKeys>(
      (await prisma.organization.findMany({ where: { id: { in: [...new Set(todo.map((r) => r.organizationId))] } }, select: { id: true, bounceDomain: true, dkimDomain: true, dkimSelector: true, dkimPrivateKeyEnc: true } })).map((o) => [o.id, o]),
    );
    const accounts = new Map<string, Promise<SenderAccount>>();
    const accountFor = (row: SentEmail) => {
      const scope = `${row.organizationId}\n${row.structureId ?? ''}`;
      if (!accounts.has(scope)) accounts.set(scope, resolveSenderAccount(deps, row.organizationId, row.structureId));
      return accounts.get(scope)!;
    };

    // Heartbeat while transfers run, so a large message on a slow link is not
    // mistaken for a dead worker, and a dead worker is noticed quickly.
    const ctx = Context.current();
    ctx.heartbeat({ sending: todo.length });
    const beat = setInterval(() => ctx.heartbeat({ sending: todo.length }), Math.max(1000, (ctx.info.heartbeatTimeoutMs ?? 30_000) / 3));
    // Anything but the server's answer (storage, settings, the database) fails the activity so
    // Temporal retries it; what was sent meanwhile is recorded first, so the retry skips it.
    let unexpected: unknown;
    const recording: Promise<void>[] = [];
    const queue = [...todo];
    const sendOne = async (row: SentEmail) => {
      const fresh = started.has(row.id);
      const number = fresh ? row.attempts : row.attempts + 1;
      const org = orgs.get(row.organizationId);
      let account: SenderAccount;
      let bytes: Buffer | null;
      try {
        account = await accountFor(row);
        // A first attempt cannot have stored anything yet (attempts is counted before composing).
        bytes = await storeComposed(row, org, !fresh && row.attempts > 0);
      } catch (err) {
        unexpected ??= err;
        return;
      }
      // With a bounce domain, the envelope sender names the message (VERP), so a
      // bounce identifies it even when the returned headers are cut (RFC 5321 §4.5.5).
      const envelopeFrom = org?.bounceDomain ? `bounces+${row.id}@${org.bounceDomain}` : (parseAddress(row.fromAddress)?.address ?? row.fromAddress);
      const rcpt = [...row.to, ...row.cc, ...row.bcc].map((a) => parseAddress(a)?.address ?? a);
      let result: SendResult;
      try {
        result = await deps.transports.get(account).send({ from: envelopeFrom, to: rcpt }, () => bytes ?? storage.get(sentMessageKey(row.id)), row.id);
      } catch (err) {
        results.set(row.id, { id: row.id, ok: false, failure: await recordFailure(row, number, account, err) });
        return;
      }
      // Recorded at once (group commit), but the lane goes on to its next message meanwhile.
      recording.push(
        recordAccepted({ row, number, account, result, at: new Date() }).then(async () => {
          results.set(row.id, { id: row.id, ok: true, outcome: { status: 'sent', messageId: row.messageId, response: result.response, rejected: result.rejected }, row: { ...row, status: 'sent' } });
          const words = result.rejectedResponses?.filter(Boolean).join(' ; ');
          await recordRefused(row, result.rejected, result.rejected.length ? `refused recipients: ${result.rejected.join(', ')}${words ? ` — ${words}` : ''}` : null);
        }).catch((err: unknown) => void (unexpected ??= err)),
      );
    };
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, async () => {
        for (let row = queue.shift(); row; row = queue.shift()) {
          try {
            await sendOne(row);
          } catch (err) {
            unexpected ??= err;
          }
        }
      }));
      await Promise.all(recording);
    } finally {
      clearInterval(beat);
    }
    if (unexpected) throw unexpected;
  }

  /**
   * A message carrying a credential: the original is composed from the
   * encrypted bodies, stored encrypted and sent from memory (every retry sends
   * these exact bytes); a masked copy goes where staff download the .eml.
   */
  async function storeSealed(row: SentEmail, org: OrgKeys | undefined, triedBefore: boolean): Promise<Buffer> {
    const sealed = sealedMessageKey(row.id);
    if (triedBefore && (await storage.exists(sealed))) return Buffer.from(deps.secrets.decrypt((await storage.read(sealed)).toString('utf8')), 'base64');
    const original = JSON.parse(deps.secrets.decrypt(row.secretEnc!)) as { subject: string; text?: string; html?: string };
    const bytes = await collect(await build({ ...row, subject: original.subject, textBody: original.text ?? null, htmlBody: original.html ?? null }, org, true));
    await storage.putNamed(sealed, deps.secrets.encrypt(bytes.toString('base64')));
    await storage.putNamed(sentMessageKey(row.id), await collect(await build(row, undefined, true)));
    return bytes;
  }

  /**
   * Composes (and signs) a message; `inMemory`: its attachments read in one go (cheaper than a
   * stream each when the message is held whole anyway), else streamed from their files.
   */
  async function build(row: SentEmail, org: OrgKeys | undefined, inMemory: boolean): Promise<Readable> {
    const attachments = row.attachments as unknown as AttachmentRef[];
    const contents = inMemory ? new Map(await Promise.all(attachments.map(async (a) => [a.storageKey, await storage.read(a.storageKey)] as const))) : undefined;
    const composed = composeMessage({ ...composeInput(row), contents });
    const key = dkimKey(org);
    return key ? signMessage(composed, key) : composed;
  }

  function composeInput(row: SentEmail): ComposeInput {
    return {
      messageId: row.messageId, date: new Date(), from: row.fromAddress, replyTo: row.replyTo, to: row.to, cc: row.cc, bcc: row.bcc, subject: row.subject, text: row.textBody, html: row.htmlBody,
      headers: { ...(row.headers as Record<string, string>), 'X-Mailroom-Id': row.id }, attachments: row.attachments as unknown as AttachmentRef[], storagePath: storage.path,
    };
  }

  const dkimKey = (org: OrgKeys | undefined) =>
    org?.dkimDomain && org.dkimSelector && org.dkimPrivateKeyEnc ? { domainName: org.dkimDomain, keySelector: org.dkimSelector, privateKey: deps.secrets.decrypt(org.dkimPrivateKeyEnc) } : undefined;

  /**
   * The message as sent, signed once and stored before the first try: a re-send
   * is byte-identical. Returns the bytes when it was just built and small enough
   * to keep in memory (then it is sent from memory); else it is streamed from storage.
   */
  async function storeComposed(row: SentEmail, org: OrgKeys | undefined, triedBefore: boolean): Promise<Buffer | null> {
    if (row.secretEnc) return storeSealed(row, org, triedBefore);
    const key = sentMessageKey(row.id);
    if (triedBefore && (await storage.exists(key))) return null;
    const small = (row.attachments as unknown as AttachmentRef[]).reduce((n, a) => n + (a.size ?? 0), 0) <= IN_MEMORY_BYTES;
    if (!small) {
      await storage.putNamed(key, await build(row, org, false));
      return null;
    }
    // Built beside the main thread (reading the attachments too), which meanwhile sends and records others.
    const bytes = await composer.compose(composeOptions(composeInput(row)), dkimKey(org));
    await storage.putNamed(key, bytes);
    return bytes;
  }

  async function recordFailure(row: SentEmail, number: number, account: SenderAccount, err: unknown): Promise<AppError> {
    const failure = err instanceof AppError ? err : classifySmtpError(err);
    if (failure.code === 'SMTP_CONNECTION') deps.transports.evict(account);
    const permanent = !failure.retryable;
    // Every recipient refused at RCPT TO (5xx): each address is a hard bounce.
    const refused = (err as { rejected?: string[] }).rejected;
    if (permanent && refused?.length) await recordRefused(row, refused, failure.message);
    await prisma.$transaction([
      prisma.sentEmail.update({
        where: { id: row.id },
        data: permanent
          ? { status: 'failed', failedAt: new Date(), lastError: failure.message, transport: account.label }
          : { status: 'queued', lastError: failure.message, transport: account.label },
      }),
      prisma.sendAttempt.update({
        where: { sentEmailId_number: { sentEmailId: row.id, number } },
        data: { finishedAt: new Date(), outcome: permanent ? 'failed' : 'retry', error: failure.message },
      }),
    ]);
    return failure;
  }

  async function recordRefused(row: Pick<SentEmail, 'id' | 'organizationId' | 'templateKey'>, rejected: string[], reason: string | null) {
    // Refused at RCPT TO: the reply's words decide, as for a bounce — only a dead address is flagged.
    const bounceReason = classifyReason({ action: 'failed', status: statusIn(reason ?? ''), diagnostic: reason });
    for (const r of rejected) {
      await setRecipientStatus(prisma, row.id, r, 'rejected', reason, bounceReason);
      if (REASONS[bounceReason].deadAddress) await flagInvalidAddress(prisma, row.organizationId, r, bounceInvalidText(bounceReason, reason));
      const status = bounceReason === 'auth-failure' ? 'sending-setup' : 'bounced';
      if (!isAlertTemplate(row.templateKey)) await raiseAlert(alertDeps, { organizationId: row.organizationId, sentEmailId: row.id, recipient: r, status, reason, bounceReason });
    }
  }

  /** One message, for the send workflow: a refusal is thrown as an ApplicationFailure typed with its error code. */
  async function deliverEmail(sentEmailId: string): Promise<DeliveryOutcome> {
    const [result] = await deliverMany([sentEmailId]);
    if (!result!.ok) throw toActivityFailure(result!.failure);
    return result!.outcome;
  }

  /** Called by the workflow when the message will not be sent (permanent refusal or retries exhausted): record it and tell staff. */
  async function markEmailFailed(sentEmailId: string, reason: string): Promise<void> {
    await prisma.sentEmail.updateMany({
      where: { id: sentEmailId, status: { in: ['queued', 'sending'] } },
      data: { status: 'failed', failedAt: new Date(), lastError: reason },
    });
    const row = await prisma.sentEmail.findUnique({ where: { id: sentEmailId } });
    if (row?.status === 'failed' && !isAlertTemplate(row.templateKey)) {
      await raiseAlert(alertDeps, { organizationId: row.organizationId, sentEmailId, status: 'failed', reason: row.lastError ?? reason });
    }
  }

  return { deliverEmail, markEmailFailed, deliverMany };
}

/** The activities of the send workflow. */
export function createMailActivities(deps: ActivityDeps) {
  const { deliverEmail, markEmailFailed } = createDelivery(deps);
  return { deliverEmail, markEmailFailed };
}
