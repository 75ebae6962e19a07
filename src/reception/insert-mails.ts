import { v7 as uuidv7 } from 'uuid';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { bulkInsert, bulkWrite, runSql, toJson, type Runner } from '../db/bulk';
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
  /** The database's driver (`Database.sql`): the common case then takes one statement, see `insertAtOnce`. */
  direct?: Runner,
): Promise<StoreOutcome[]> {
  const safe = mails.map(dbSafeMail);
  let outcomes: (StoreOutcome | undefined)[] = safe.map(() => undefined);
  let rest = safe;
  if (direct) {
    outcomes = await insertAtOnce(direct, mailboxId, safe, cursor);
    rest = safe.filter((_, i) => outcomes[i] === undefined);
    if (!rest.length) return outcomes as StoreOutcome[];
  }
  // Mails a unique index turned away (a re-read, a duplicate, a reused Message-ID), or every
  // mail without the driver: looked at one by one in a transaction, which also moves the cursor.
  const more = await prisma.$transaction(async (tx) => {
    const { outcomes: found } = await insertInTx(tx, mailboxId, rest);
    if (cursor !== undefined) await tx.mailboxAccount.update({ where: { id: mailboxId }, data: { lastUid: cursor } });
    return found;
  });
  let k = 0;
  return outcomes.map((o) => o ?? more[k++]!);
}

/**
 * The whole group in one statement (one round trip, one commit): the mails, the
 * documents and links of those really inserted, and the cursor, moved only if
 * every mail went in. Through Prisma the same took a transaction of five calls,
 * each waiting its turn on a busy machine (40-200 ms a group here). Returns each
 * mail's outcome, or nothing for those a unique index turned away.
 */
async function insertAtOnce(db: Runner, mailboxId: string, mails: PreparedMail[], cursor?: number): Promise<(StoreOutcome | undefined)[]> {
  const now = new Date();
  const rows = toRows(mails, now);
  const documents: Record<string, unknown>[] = [];
  const links: Record<string, unknown>[] = [];
  for (const [i, mail] of mails.entries()) {
    for (const p of mail.attachments) {
      const documentId = uuidv7();
      // `mailId` is not a column: it says which mail's insertion the document waits on.
      documents.push({ ...documentRow(mail, p, documentId, now), mailId: rows[i]!.id });
      links.push({ id: uuidv7(), receivedMailId: rows[i]!.id, documentId, contentId: p.contentId, inline: p.inline });
    }
  }
  const inserted = await runSql<{ id: string }>(
    db,
    `WITH m AS (INSERT INTO "ReceivedMail" SELECT * FROM jsonb_populate_recordset(NULL::"ReceivedMail", $1::jsonb) ON CONFLICT DO NOTHING RETURNING id),
          d AS (INSERT INTO "Document" SELECT r.* FROM jsonb_array_elements($2::jsonb) AS x, jsonb_populate_record(NULL::"Document", x) AS r WHERE x->>'mailId' IN (SELECT id FROM m)),
          l AS (INSERT INTO "ReceivedAttachment" SELECT * FROM jsonb_populate_recordset(NULL::"ReceivedAttachment", $3::jsonb) AS y WHERE y."receivedMailId" IN (SELECT id FROM m)),
          c AS (UPDATE "MailboxAccount" SET "lastUid" = $5::bigint WHERE id = $4 AND $5::bigint IS NOT NULL AND (SELECT count(*) FROM m) = $6)
     SELECT id FROM m`,
    [toJson(rows), toJson(documents), toJson(links), mailboxId, cursor ?? null, rows.length],
  );
  const ids = new Set(inserted.map((r) => r.id));
  return rows.map((r) => (ids.has(r.id) ? r.category : undefined));
}

/** Ids made here, time-ordered like the database's own uuid(7), so the links need no read-back. */
function toRows(mails: PreparedMail[], now: Date): Row[] {
  return mails.map((m) => ({ id: uuidv7(), to: [], cc: [], candidates: [], searchText: '', receivedAt: now, ...m.row }));
}

function documentRow(mail: PreparedMail, p: PreparedMail['attachments'][number], id: string, now: Date) {
  return { id, organizationId: mail.row.organizationId, memberId: mail.row.memberId ?? null, kind: 'other', filename: p.filename, contentType: p.contentType, size: p.size, sha256: p.sha256, storageKey: p.key, source: 'received', createdAt: now };
}

/** The same inside a caller's transaction; mails must already be `dbSafeMail`-ed. Returns each mail's outcome and row id. */
export async function insertInTx(tx: Tx, mailboxId: string, mails: PreparedMail[]): Promise<{ outcomes: StoreOutcome[]; ids: string[] }> {
  const now = new Date();
  const rows = toRows(mails, now);
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
      documents.push(documentRow(mail, p, documentId, now));
      links.push({ id: uuidv7(), receivedMailId: rows[i]!.id, documentId, contentId: p.contentId, inline: p.inline });
    }
  }
  await bulkWrite(tx, [{ insert: 'Document', rows: documents }, { insert: 'ReceivedAttachment', rows: links }]);
  if (duplicates.length) await tx.receivedDuplicate.createMany({ data: duplicates, skipDuplicates: true });
  return { outcomes: outcomes.map((o) => o ?? 'reread'), ids: rows.map((r) => r.id) };
}
