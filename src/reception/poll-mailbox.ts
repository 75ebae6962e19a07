import type { SqlRunner } from '../db/sql';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { imapFailure, imapOptions, withImap } from '../mail/imap';
import type { SecretBox } from '../secrets';
import { AppError } from '../shared/errors';
import type { Storage } from '../storage';
import { dbText } from './db-safe';
import { mailboxSecret, type MailboxAuthDeps } from './mailbox-auth';
import { ReceptionFailure, tagged } from './failure';
import { storeBatch } from './store-batch';
import { explainMailboxError } from './verify-mailbox';
import type { StoreOutcome } from './store-message';

export interface PollResult {
  fetched: number;
  outcomes: Partial<Record<StoreOutcome, number>>;
  more: boolean;
  lastUid: number;
  uidValidity: string;
}

export interface PollDeps extends MailboxAuthDeps {
  prisma: PrismaClient;
  /** The same database through its driver, for the groups' inserts (src/db/bulk.ts). */
  sql?: SqlRunner;
  storage: Storage;
  secrets: SecretBox;
  maxBytes: number;
  batchSize: number;
  rejectUnauthorized: boolean;
  heartbeat?: (detail: unknown) => void;
}

/**
 * One bounded batch: the messages with a UID above the stored cursor. The
 * cursor (and UIDVALIDITY, RFC 3501 §2.3.1.1) advance only after a message is
 * stored; a changed UIDVALIDITY restarts from the first message, and the
 * Message-ID / content-hash key keeps that from storing anything twice.
 * "Leave untouched" opens the folder read-only and fetches with BODY.PEEK,
 * so \Seen is never changed.
 */
export async function pollMailbox(deps: PollDeps, mailboxId: string): Promise<PollResult> {
  const { prisma } = deps;
  const box = await prisma.mailboxAccount.findUnique({ where: { id: mailboxId } });
  if (!box || box.disconnectedAt) throw new AppError('NOT_FOUND', `mailbox ${mailboxId} is no longer connected`);
  const outcomes: PollResult['outcomes'] = {};
  const startedAt = new Date();
  try {
    const result = await withImap(imapOptions(box, await mailboxSecret(deps, box), deps.rejectUnauthorized), async (client) => {
      const opened = await client.mailboxOpen(box.folder, { readOnly: box.afterFiling === 'leave' });
      const uidValidity = BigInt(opened.uidValidity);
      let cursor = box.uidValidity === uidValidity ? Number(box.lastUid ?? 0) : 0;
      if (box.uidValidity !== uidValidity) {
        // First poll, or the folder was recreated: "from now on" skips what is already there.
        if (box.uidValidity === null && box.startMode === 'new') cursor = Math.max(0, Number(opened.uidNext) - 1);
        await tagged('database', {}, () => prisma.mailboxAccount.update({ where: { id: box.id }, data: { uidValidity, lastUid: cursor } }));
      }
      const found = (await client.search({ uid: `${cursor + 1}:*` }, { uid: true })) || [];
      const uids = found.filter((u) => u > cursor).sort((a, b) => a - b);
      const batch = uids.slice(0, deps.batchSize);
      const done = batch.length ? await storeBatch(deps, client, box, uidValidity, batch, outcomes) : 0;
      if (done) cursor = batch[done - 1]!;
      return { fetched: done, more: uids.length > done, lastUid: cursor, uidValidity: uidValidity.toString() };
    });
    await prisma.mailboxAccount.update({ where: { id: box.id }, data: { lastPollAt: new Date(), lastError: null, lastErrorKind: null, lastErrorCode: null, lastErrorParams: Prisma.DbNull, troubleUid: null, troubleMessageId: null } });
    return { ...result, outcomes };
  } catch (err) {
    if (err instanceof AppError) throw err;
    // Said truthfully: the database or the storage refusing a message is not a connection problem.
    const failure = err instanceof ReceptionFailure ? err.toAppError() : imapFailure(err);
    const where = err instanceof ReceptionFailure ? err.where : {};
    // Also kept as a stable code and values, so the console explains it in the reader's language.
    const explained =
      err instanceof ReceptionFailure && err.kind !== 'imap'
        ? { code: err.kind.toUpperCase(), params: { detail: err.message.slice(0, 500), ...(where.uid !== undefined ? { uid: where.uid } : {}), ...(where.messageId ? { messageId: where.messageId.slice(0, 200) } : {}) } }
        : explainMailboxError(err instanceof ReceptionFailure ? (err.cause ?? err) : err, box);
    // An attempt that started before the last successful poll (a stale retry) does not bring its old error back.
    await prisma.mailboxAccount
      .updateMany({
        where: { id: box.id, OR: [{ lastPollAt: null }, { lastPollAt: { lt: startedAt } }] },
        data: {
          lastError: failure.message.slice(0, 2000), lastErrorKind: err instanceof ReceptionFailure ? err.kind : 'imap', lastErrorCode: explained.code, lastErrorParams: explained.params, lastPollAt: new Date(),
          troubleUid: where.uid !== undefined ? BigInt(where.uid) : null, troubleMessageId: dbText(where.messageId, 200),
        },
      })
      .catch(() => undefined); // the database may be what failed: the error still reaches the workflow's status
    throw failure;
  }
}
