import type { PrismaClient } from '../generated/prisma/client';
import { notFound, problem } from '../shared/errors';
import type { Storage } from '../storage';
import { dbSafeMail, dbText } from './db-safe';
import { firstLine } from './failure';
import { insertInTx } from './insert-mails';
import { matchSender } from './match-sender';
import { prepareMessage, type StoreOutcome } from './store-message';

export interface RetryResult {
  /** The mail's id now: a new row when it could be stored, the same one when it stays quarantined. */
  id: string;
  outcome: StoreOutcome;
  reason: string | null;
  /** The mail already stored that this one turned out to duplicate. */
  twinId: string | null;
}

const requireQuarantined = async (prisma: PrismaClient, organizationId: string, mailId: string) => {
  const mail = await prisma.receivedMail.findFirst({ where: { id: mailId, organizationId } });
  if (!mail) throw notFound(`Received mail ${mailId}`);
  if (mail.category !== 'quarantined') throw problem('CONFLICT', 'NOT_QUARANTINED');
  return mail;
};

/**
 * Reads a quarantined mail again from its raw bytes (with today's parser and
 * no size limit: staff asked for it) and stores it like a freshly received
 * one; if it still cannot be stored, it stays quarantined with the new reason.
 */
export async function retryQuarantined(deps: { prisma: PrismaClient; storage: Storage }, organizationId: string, mailId: string): Promise<RetryResult> {
  const { prisma, storage } = deps;
  const mail = await requireQuarantined(prisma, organizationId, mailId);
  const prepared = await prepareMessage(
    { storage, maxBytes: Number.MAX_SAFE_INTEGER, match: (from) => matchSender(prisma, organizationId, from) },
    { mailbox: { id: mail.mailboxId, organizationId }, uidValidity: mail.uidValidity, uid: Number(mail.uid), open: () => storage.get(mail.rawStorageKey) },
  );
  const stillQuarantined = async (reason: string | null): Promise<RetryResult> => {
    await prisma.receivedMail.update({ where: { id: mail.id }, data: { reason: dbText(reason, 2000) } });
    return { id: mail.id, outcome: 'quarantined', reason, twinId: null };
  };
  if (prepared.row.category === 'quarantined') return stillQuarantined(prepared.row.reason);
  try {
    const { outcomes, ids } = await prisma.$transaction(async (tx) => {
      await tx.receivedMail.delete({ where: { id: mail.id } });
      return insertInTx(tx, mail.mailboxId, [dbSafeMail(prepared)]);
    });
    const outcome = outcomes[0]!;
    if (outcome === 'duplicate') {
      const dup = await prisma.receivedDuplicate.findUnique({ where: { mailboxId_uidValidity_uid: { mailboxId: mail.mailboxId, uidValidity: mail.uidValidity, uid: mail.uid } } });
      return { id: dup?.twinId ?? mail.id, outcome, reason: 'the same mail is already stored', twinId: dup?.twinId ?? null };
    }
    return { id: ids[0]!, outcome, reason: prepared.row.reason, twinId: null };
  } catch (err) {
    return stillQuarantined(`could not be stored: ${firstLine(err)}`);
  }
}

/** Staff decided the mail is not wanted: its row goes; the raw bytes stay in storage (a content-addressed file other rows may share, or a range of a pack). */
export async function discardQuarantined(prisma: PrismaClient, organizationId: string, mailId: string): Promise<void> {
  const mail = await requireQuarantined(prisma, organizationId, mailId);
  await prisma.receivedMail.delete({ where: { id: mail.id } });
}
