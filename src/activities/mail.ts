import { Context } from '@temporalio/activity';
import { v7 as uuidv7 } from 'uuid';
import type { SentEmail } from '../generated/prisma/client';
import { createAcceptedMarks, type AcceptedMark } from '../mail/accepted-marks';
import { claimSending } from '../mail/in-flight';
import { parseAddress } from '../mail/addresses';
import { createMessageStore, sentMessageKey, type OrgKeys, type StoredMessage } from '../mail/stored-message';
import { classifySmtpError } from '../mail/smtp-errors';
import { refusedColumns } from '../mail/failure-columns';
import { resolveSenderAccount, type SenderAccount, type SendResult } from '../mail/transports';
import { acceptedRecipient } from '../delivery/recipients';
import { markSentEmailFailed } from '../delivery/mark-failed';
import { recordRefused, refusedReading } from '../delivery/refused';
import { bulkWrite } from '../db/bulk';
import { groupCommit } from '../db/group-commit';
import { AppError, storedFailure, toActivityFailure } from '../shared/errors';
import type { ActivityDeps } from './deps';
import { heartbeat, heartbeatEveryMs } from './heartbeat';

export { sealedMessageKey, sentMessageKey } from '../mail/stored-message';

export interface DeliveryOutcome {
  status: 'sent' | 'skipped';
  messageId: string;
  response?: string;
  rejected?: string[];
}

/** One message's result in a group: delivered (or already done before), or refused by the server. */
export type Delivery = { id: string; ok: true; outcome: DeliveryOutcome; row: SentEmail } | { id: string; ok: false; failure: AppError };

const DONE = ['sent', 'bounced', 'cancelled', 'failed'];
// `found`: its mark was found by a retry (a first-version mark file is removed once recorded).
// `key`: where the message as sent is kept, when known (recorded as SentEmail.messageKey).
type Accepted = { row: SentEmail; number: number; transport: string | null; result: SendResult; at: Date; key: string | null; found?: boolean };
// Acceptances wait this long for others before they are written together (each is marked on
// disk the moment the server accepts it, so waiting does not widen the window for a resend).
const RECORD_WAIT_MS = 25;
const RECORD_MAX = 100;

/** Delivery of recorded messages: one at a time for the send workflow, in groups for batches. */
export function createDelivery(deps: ActivityDeps) {
  const { prisma, storage } = deps;
  // Bulk statements through the driver when the worker has it (see src/db/bulk.ts).
  const direct = deps.sql ?? prisma;
  const alertDeps = { ...deps, messageIdDomain: deps.config.MESSAGE_ID_DOMAIN };

  const marks = createAcceptedMarks(storage);
  const { storeComposed } = createMessageStore(deps);

  /**
   * Successes are written in groups (group commit, up to RECORD_WAIT_MS
   * apart): each was marked on disk when the server accepted it, and its
   * journal goes once all its marks are recorded.
   */
  const recordAccepted = groupCommit<Accepted>(async (items) => {
    await bulkWrite(direct, [
      { update: 'SentEmail', key: ['id'], rows: items.map(({ row, transport, result, at, key }) => ({
        id: row.id, status: 'sent', sentAt: at, updatedAt: at, smtpResponse: result.response, transport: transport ?? row.transport, messageKey: key ?? row.messageKey,
        ...refusedColumns(result.rejected),
      })) },
      // Whole rows, in case the attempt's own was never written (only its outcome columns replace an existing one).
      { upsert: 'SendAttempt', conflict: ['sentEmailId', 'number'], set: ['finishedAt', 'outcome', 'smtpResponse'], rows: items.map(({ row, number, result, at }) => ({
        id: uuidv7(), sentEmailId: row.id, number, startedAt: at, finishedAt: at, outcome: 'sent', error: null, smtpResponse: result.response,
      })) },
      // Accepted is the weakest outcome: an address already known (a bounce came first) keeps what it has.
      { insert: 'SentEmailRecipient', rows: items.flatMap(({ row, result, at }) => result.accepted.map((address) => acceptedRecipient(row.id, address, at))) },
      // The recipients refused at RCPT TO in the same statement as `sent`: the message never shows
      // sent with them missing (what they mean — a flagged address, an alert — follows).
      { insert: 'SentEmailRecipient', rows: items.flatMap(({ row, result, at }) => {
        const { words, bounceReason } = refusedReading(result);
        return result.rejected.map((address) => ({ ...acceptedRecipient(row.id, address, at), status: 'rejected', reason: words, bounceReason }));
      }) },
    ]);
    marks.recorded(items.map((i) => i.row.id));
    const found = items.filter((i) => i.found).map((i) => i.row.id);
    if (found.length) await marks.clear(found).catch((err: unknown) => deps.logger.warn({ err }, 'could not remove the marks of messages recorded as sent'));
  }, { waitMs: RECORD_WAIT_MS, maxItems: RECORD_MAX });

  /**
   * Sends recorded messages, `concurrency` at a time. Never sends a message
   * already recorded as sent, nor one an earlier attempt marked as accepted by
   * the server (src/mail/accepted-marks.ts); re-sends the stored bytes (same
   * Message-ID) when an earlier attempt's outcome is unknown, e.g. the worker
   * died in the instant between the server's answer and its mark. Settings and
   * keys are read once per group. `known`: attachment bytes the caller holds.
   */
  /**
   * `started`: ids of rows the caller has just recorded already `sending` with
   * their first attempt (queueEmails' `startSending`): they are not marked again,
   * and nothing can have been stored or marked for them yet.
   */
  async function deliverMany(ids: string[], concurrency = ids.length, loaded?: SentEmail[], started: ReadonlySet<string> = new Set(), known?: Map<string, Buffer>): Promise<Delivery[]> {
    // An earlier attempt of this process still sending one of them (taken for dead by its heartbeat
    // timeout under load) ends first: what it sent is then `sent` and skipped (src/mail/in-flight.ts).
    const claim = await claimSending(ids, heartbeat, heartbeatEveryMs());
    try {
      return await deliverClaimed(ids, concurrency, claim.waited ? undefined : loaded, started, known);
    } finally {
      claim.release();
    }
  }

  async function deliverClaimed(ids: string[], concurrency: number, loaded: SentEmail[] | undefined, started: ReadonlySet<string>, known?: Map<string, Buffer>): Promise<Delivery[]> {
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
    // A mark outlives its record when a killed worker's last statement still committed (PostgreSQL
    // finishes a statement whose client has gone): the row says sent, the mark can go.
    const settled = ids.filter((id) => results.get(id)?.ok && rows.get(id)?.status === 'sent' && rows.get(id)!.attempts > 0);
    if (settled.length) await marks.clear(settled).catch((err: unknown) => deps.logger.warn({ err }, 'could not remove the marks of messages recorded as sent'));
    // Left `sending` by an attempt that stopped: the server may have accepted it, and said so in a mark.
    // Its bytes may then be in a pack whose key only its journal knows yet (written before the send).
    const marked = new Map<string, AcceptedMark>();
    const prior = new Map<string, string>();
    const stopped = todo.filter((r) => r.status === 'sending' && !started.has(r.id));
    if (stopped.length) {
      const { find, storedKey } = await marks.journals();
      for (const row of stopped) {
        const mark = await find(row.id, row.attempts);
        if (mark) marked.set(row.id, mark);
        const key = mark?.key ?? storedKey(row.id);
        if (key) prior.set(row.id, key);
      }
    }
    const recording: Promise<void>[] = [];
    let unexpected: unknown;
    for (const row of todo.filter((r) => marked.has(r.id))) {
      const { response, accepted: to, rejected, transport, at } = marked.get(row.id)!;
      recording.push(accepted({ row, number: row.attempts, transport, result: { response, accepted: to, rejected }, at: new Date(at), key: prior.get(row.id) ?? null, found: true }, results).catch((err: unknown) => void (unexpected ??= err)));
    }
    const unsent = todo.filter((r) => !marked.has(r.id));
    try {
      if (unsent.length) await sendAll(unsent, Math.max(1, concurrency), results, started, known, prior);
    } finally {
      await Promise.all(recording);
    }
    if (unexpected) throw unexpected;
    return ids.map((id) => results.get(id)!);
  }

  /** Records an accepted message (group commit), then what its refused recipients mean. */
  async function accepted(item: Accepted, results: Map<string, Delivery>): Promise<void> {
    const { row, result } = item;
    await recordAccepted(item);
    results.set(row.id, { id: row.id, ok: true, outcome: { status: 'sent', messageId: row.messageId, response: result.response, rejected: result.rejected }, row: { ...row, status: 'sent' } });
    // Each refused recipient keeps the server's own words (the message's lastError says which were refused).
    await recordRefused(alertDeps, row, result.rejected, refusedReading(result).words);
  }

  async function sendAll(todo: SentEmail[], concurrency: number, results: Map<string, Delivery>, started: ReadonlySet<string>, known: Map<string, Buffer> | undefined, prior: ReadonlyMap<string, string>): Promise<void> {
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
    const beat = setInterval(() => ctx.heartbeat({ sending: todo.length }), heartbeatEveryMs());
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
      let stored: StoredMessage;
      try {
        account = await accountFor(row);
        // A first attempt cannot have stored anything yet (attempts is counted before composing).
        stored = await storeComposed(row, org, { known, triedBefore: !fresh && row.attempts > 0, prior: prior.get(row.id) });
      } catch (err) {
        unexpected ??= err;
        return;
      }
      const { bytes, key } = stored;
      // A packed message's key, kept before it is sent: a retry after a kill re-sends these bytes.
      const packed = key === sentMessageKey(row.id) ? null : key;
      if (packed) {
        try {
          marks.stored(row.id, number, packed);
        } catch (err) {
          deps.logger.warn({ err, sentEmailId: row.id }, 'could not keep where a message is stored; a retry after a crash would build it again');
        }
      }
      // With a bounce domain, the envelope sender names the message (VERP), so a
      // bounce identifies it even when the returned headers are cut (RFC 5321 §4.5.5).
      const envelopeFrom = org?.bounceDomain ? `bounces+${row.id}@${org.bounceDomain}` : (parseAddress(row.fromAddress)?.address ?? row.fromAddress);
      const rcpt = [...row.to, ...row.cc, ...row.bcc].map((a) => parseAddress(a)?.address ?? a);
      let result: SendResult;
      try {
        result = await deps.transports.get(account).send({ from: envelopeFrom, to: rcpt }, () => bytes ?? storage.get(key), row.id);
      } catch (err) {
        results.set(row.id, { id: row.id, ok: false, failure: await recordFailure(row, number, account, err, packed) });
        return;
      }
      const at = new Date();
      // Kept on disk before anything else runs: a worker killed from here on does not send it again.
      try {
        marks.mark(row.id, { response: result.response, accepted: result.accepted, rejected: result.rejected, transport: account.label, attempt: number, at: at.toISOString(), ...(packed ? { key: packed } : {}) });
      } catch (err) {
        deps.logger.warn({ err, sentEmailId: row.id }, 'could not mark an accepted message; only the database record will keep it');
      }
      // Recorded with others (group commit); the lane goes on to its next message meanwhile.
      recording.push(accepted({ row, number, transport: account.label, result, at, key: packed }, results).catch((err: unknown) => void (unexpected ??= err)));
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

  /** `packed`: where this attempt stored the message (kept with the outcome, for the download and the next try). */
  async function recordFailure(row: SentEmail, number: number, account: SenderAccount, err: unknown, packed: string | null): Promise<AppError> {
    const failure = err instanceof AppError ? err : classifySmtpError(err);
    if (failure.code === 'SMTP_CONNECTION') deps.transports.evict(account);
    const permanent = !failure.retryable;
    const stored = storedFailure(failure);
    // Every recipient refused at RCPT TO (5xx): each address is a hard bounce.
    const refused = (err as { rejected?: string[] }).rejected;
    if (permanent && refused?.length) await recordRefused(alertDeps, row, refused, failure.message);
    const messageKey = packed ?? row.messageKey;
    await prisma.$transaction([
      prisma.sentEmail.update({
        where: { id: row.id },
        data: permanent
          ? { status: 'failed', failedAt: new Date(), lastError: failure.message, lastErrorCode: stored.code, lastErrorParams: stored.params, transport: account.label, messageKey }
          : { status: 'queued', lastError: failure.message, lastErrorCode: stored.code, lastErrorParams: stored.params, transport: account.label, messageKey },
      }),
      prisma.sendAttempt.update({
        where: { sentEmailId_number: { sentEmailId: row.id, number } },
        data: { finishedAt: new Date(), outcome: permanent ? 'failed' : 'retry', error: failure.message, errorCode: stored.code, errorParams: stored.params },
      }),
    ]);
    // The row has the key now: its journal line may go.
    if (packed) marks.recorded([row.id]);
    return failure;
  }

  /** One message, for the send workflow: a refusal is thrown as an ApplicationFailure typed with its error code. */
  async function deliverEmail(sentEmailId: string): Promise<DeliveryOutcome> {
    const [result] = await deliverMany([sentEmailId]);
    if (!result!.ok) throw toActivityFailure(result!.failure);
    return result!.outcome;
  }

  /** Called by the workflow when the message will not be sent (permanent refusal or retries exhausted): record it and tell staff. */
  const markEmailFailed = (sentEmailId: string, reason: string, failure?: AppError) => markSentEmailFailed(alertDeps, sentEmailId, reason, failure);

  return { deliverEmail, markEmailFailed, deliverMany };
}

/** The activities of the send workflow. */
export function createMailActivities(deps: ActivityDeps) {
  const { deliverEmail, markEmailFailed } = createDelivery(deps);
  return { deliverEmail, markEmailFailed };
}
