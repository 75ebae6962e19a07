import { v7 as uuidv7 } from 'uuid';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { bulkInsert, bulkWrite } from '../db/bulk';
import { dbSafeMail } from './db-safe';
import type { PreparedMail, StoreOutcome } from './store-message';

type Tx = Prisma.TransactionClient;
type Row = PreparedMail['row'] & { id: string };

/**
 * Inserts a group of prepared mails, their documents and links, and (when
 * given) moves the mailbox cursor past them, in one transaction: the cursor
 * never gets ahead of what is stored, and one commit serves the whole group
 * instead of one per mail. Every value is made storable first (`dbSafeMail`).
 *
 * A mail the unique indexes turn away is looked at, not dropped: the same
 * (UIDVALIDITY, UID) was stored before (a re-poll: `reread`); the same
 * Message-ID with the same content is a true `duplicate`, recorded with its
 * twin; the same Message-ID with other content is a different mail, stored
 * under a key that adds its content hash, so no sender can hide a later mail
 * by sending its Message-ID first.
 */
export async function insertMails(
  prisma: PrismaClient,
  mailboxId: string,
  mails: PreparedMail[],
  /** Moves the cursor in the same transaction; left out when the caller must act on the server first. */
  cursor?: number,
): Promise<StoreOutcome[]> {
  const safe = mails.map(dbSafeMail);
  return prisma.$transaction(async (tx) => {
    const { outcomes } = await insertInTx(tx, mailboxId, safe);
    if (cursor !== undefined) await tx.mailboxAccount.update({ where: { id: mailboxId }, data: { lastUid: cursor } });
    return outcomes;
  });
}

/** The same inside a caller's transaction; mails must already be `dbSafeMail`-ed. Returns each mail's outcome and row id. */
export async function insertInTx(tx: Tx, mailboxId: string, mails: PreparedMail[]): Promise<{ outcomes: StoreOutcome[]; ids: string[] }> {
  const now = new Date();
  // Ids made here, time-ordered like the database's own uuid(7), so the links need no read-back.
  const rows: Row[] = mails.map((m) => ({ id: uuidv7(), to: [], cc: [], candidates: [], searchText: '', receivedAt: now, ...m.row }));
  const outcomes: (StoreOutcome | undefined)[] = mails.map(() => undefined);
  const duplicates: Prisma.ReceivedDuplicateCreateManyInput[] = [];
  let pending = rows.map((_, i) => i);
  // Round 1 under the Message-ID key; round 2 for the mails that turned out to be different mails under a reused one.
  for (let round = 0; round < 2 && pending.length; round++) {
    const batch = pending.map((i) => rows[i]!);
    const inserted = new Set((await bulkInsert<{ id: string }>(tx, 'ReceivedMail', batch, ['id'])).map((r) => r.id));
    const missed = pending.filter((i) => !inserted.has(rows[i]!.id));
    for (const i of pending) if (inserted.has(rows[i]!.id)) outcomes[i] = rows[i]!.category;
    pending = [];
    if (!missed.length) break;
    const taken = await tx.receivedMail.findMany({
      where: { mailboxId, OR: [{ messageKey: { in: missed.map((i) => rows[i]!.messageKey) } }, { uidValidity: rows[missed[0]!]!.uidValidity, uid: { in: missed.map((i) => rows[i]!.uid) } }] },
      select: { id: true, uidValidity: true, uid: true, messageKey: true, contentHash: true },
    });
    for (const i of missed) {
      const row = rows[i]!;
      if (taken.some((t) => t.uidValidity === row.uidValidity && t.uid === row.uid)) {
        outcomes[i] = 'reread';
        continue;
      }
      const twin = taken.find((t) => t.messageKey === row.messageKey);
      if (!twin) throw new Error(`mail UID ${row.uid} was neither stored nor found under its key`);
      const same = !twin.contentHash || !row.contentHash || twin.contentHash === row.contentHash;
      if (same || round === 1) {
        // The folder was recreated (new UIDVALIDITY): the same mail read again is not news.
        if (twin.uidValidity !== row.uidValidity) outcomes[i] = 'reread';
        else {
          outcomes[i] = 'duplicate';
          duplicates.push({ mailboxId, uidValidity: row.uidValidity, uid: row.uid, messageId: row.messageId ?? null, subject: row.subject ?? null, twinId: twin.id, seenAt: now });
        }
        continue;
      }
      row.messageKey = `${row.messageKey}#${row.contentHash!.slice(0, 16)}`;
      pending.push(i);
    }
  }

  const documents = [];
  const links = [];
  for (const [i, mail] of mails.entries()) {
    if (outcomes[i] === 'duplicate' || outcomes[i] === 'reread') continue;
    for (const p of mail.attachments) {
      const documentId = uuidv7();
      documents.push({ id: documentId, organizationId: mail.row.organizationId, memberId: mail.row.memberId ?? null, kind: 'other', filename: p.filename, contentType: p.contentType, size: p.size, sha256: p.sha256, storageKey: p.key, source: 'received', createdAt: now });
      links.push({ id: uuidv7(), receivedMailId: rows[i]!.id, documentId, contentId: p.contentId, inline: p.inline });
    }
  }
  await bulkWrite(tx, [{ insert: 'Document', rows: documents }, { insert: 'ReceivedAttachment', rows: links }]);
  if (duplicates.length) await tx.receivedDuplicate.createMany({ data: duplicates, skipDuplicates: true });
  return { outcomes: outcomes.map((o) => o ?? 'reread'), ids: rows.map((r) => r.id) };
}
