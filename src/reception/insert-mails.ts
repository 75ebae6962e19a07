import { v7 as uuidv7 } from 'uuid';
import type { PrismaClient } from '../generated/prisma/client';
import { bulkInsert, bulkWrite } from '../db/bulk';
import type { PreparedMail, StoreOutcome } from './store-message';

/**
 * Inserts a group of prepared mails, their documents and links, and (when
 * given) moves the mailbox cursor past them, in one transaction: the cursor
 * never gets ahead of what is stored, and one commit serves the whole group
 * instead of one per mail. A mail whose (UIDVALIDITY, UID) or Message-ID is
 * already stored for this mailbox is skipped by the unique indexes, which is
 * what makes re-polls, restarts and a changed UIDVALIDITY safe.
 */
export async function insertMails(
  prisma: PrismaClient,
  mailboxId: string,
  mails: PreparedMail[],
  /** Moves the cursor in the same transaction; left out when the caller must act on the server first. */
  cursor?: number,
): Promise<StoreOutcome[]> {
  const now = new Date();
  // Ids made here, time-ordered like the database's own uuid(7), so the links need no read-back.
  const rows = mails.map((m) => ({
    id: uuidv7(),
    to: [],
    cc: [],
    candidates: [],
    searchText: '',
    receivedAt: now,
    ...m.row,
  }));
  return prisma.$transaction(async (tx) => {
    const inserted = await bulkInsert<{ uid: bigint }>(tx, 'ReceivedMail', rows, ['uid']);
    const stored = new Set(inserted.map((r) => Number(r.uid)));
    const documents = [];
    const links = [];
    for (const [i, mail] of mails.entries()) {
      if (!stored.has(mail.uid)) continue;
      for (const p of mail.attachments) {
        const documentId = uuidv7();
        documents.push({ id: documentId, organizationId: mail.row.organizationId, memberId: mail.row.memberId ?? null, kind: 'other', filename: p.filename, contentType: p.contentType, size: p.size, sha256: p.sha256, storageKey: p.key, source: 'received', createdAt: now });
        links.push({ id: uuidv7(), receivedMailId: rows[i]!.id, documentId, contentId: p.contentId, inline: p.inline });
      }
    }
    await bulkWrite(tx, [{ insert: 'Document', rows: documents }, { insert: 'ReceivedAttachment', rows: links }]);
    if (cursor !== undefined) await tx.mailboxAccount.update({ where: { id: mailboxId }, data: { lastUid: cursor } });
    return mails.map((m) => (stored.has(m.uid) ? m.row.category : 'duplicate'));
  });
}
