import type { Runner } from '../db/bulk';
import type { MailboxAccount, PrismaClient } from '../generated/prisma/client';
import { firstLine, tagged } from './failure';
import { insertMails } from './insert-mails';
import type { PreparedMail, StoreOutcome } from './store-message';
import { reasonText } from './reasons';

/**
 * Commits a group of prepared mails (and the cursor) in one transaction; if
 * the database still refuses the group, the last line of defence: the mails
 * are inserted one by one, and a mail that fails on its own is quarantined
 * with the database's reason and its UID, raw bytes kept, so the cursor moves
 * on and no message can stop the mailbox.
 */
export async function commitGroup(
  prisma: PrismaClient,
  box: Pick<MailboxAccount, 'id' | 'organizationId'>,
  prepared: PreparedMail[],
  cursor?: number,
  /** The database's driver, for the group's one-statement insert (see insertMails). */
  direct?: Runner,
): Promise<StoreOutcome[]> {
  try {
    return await insertMails(prisma, box.id, prepared, cursor, direct);
  } catch {
    const outcomes: StoreOutcome[] = [];
    for (const mail of prepared) outcomes.push(...(await insertAlone(prisma, box, mail)));
    if (cursor !== undefined) await tagged('database', {}, () => prisma.mailboxAccount.update({ where: { id: box.id }, data: { lastUid: cursor } }));
    return outcomes;
  }
}

async function insertAlone(prisma: PrismaClient, box: Pick<MailboxAccount, 'id'>, mail: PreparedMail): Promise<StoreOutcome[]> {
  try {
    return await insertMails(prisma, box.id, [mail]);
  } catch (err) {
    const reason = reasonText('STORE_FAILED', { detail: firstLine(err) });
    // With what staff need to recognise it; failing that, its Message-ID only; failing that, nothing the sender wrote.
    for (const keep of ['described', 'identified'] as const) {
      try {
        return await insertMails(prisma, box.id, [quarantined(mail, reason, keep)]);
      } catch {
        // the next, barer form
      }
    }
    return tagged('database', { uid: mail.uid, messageId: mail.row.messageId }, () => insertMails(prisma, box.id, [quarantined(mail, reason, 'bare')]));
  }
}

/** The mail reduced to what is sure to store: where it came from, its raw bytes and the reason. */
export function quarantined(mail: PreparedMail, reason: string, level: 'described' | 'identified' | 'bare'): PreparedMail {
  const r = mail.row;
  const keep = (v: string | null | undefined, from: 'described' | 'identified') => (level === 'described' || level === from ? (v?.slice(0, 200) ?? null) : null);
  return {
    uid: mail.uid,
    row: {
      organizationId: r.organizationId, mailboxId: r.mailboxId, uidValidity: r.uidValidity, uid: r.uid, size: r.size, rawStorageKey: r.rawStorageKey,
      // Its own key, so neither its Message-ID nor a twin can turn it away.
      messageKey: `quarantine:${r.uidValidity}:${r.uid}`,
      messageId: keep(r.messageId, 'identified'),
      subject: keep(r.subject, 'described'),
      fromAddress: keep(r.fromAddress, 'described'),
      contentHash: r.contentHash ?? null,
      category: 'quarantined',
      reason,
    },
    attachments: [],
  };
}
