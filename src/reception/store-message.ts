import type { Readable } from 'node:stream';
import type { MailboxAccount } from '../generated/prisma/client';
import type { Storage } from '../storage';
import { firstLine, ReceptionFailure } from './failure';
import type { SenderMatch } from './match-sender';
import type { ParsedStored } from './parse-stored';
import { RawStoreError, readMail, type MailFields, type ReadMail } from './read-mail';

/**
 * What became of a message: stored in a category, `duplicate` (the same mail,
 * same Message-ID and content, is already stored: counted and listed with its
 * twin) or `reread` (this very message was stored before: a re-poll or a
 * recreated folder).
 */
export type StoreOutcome = 'filed' | 'unassigned' | 'report' | 'quarantined' | 'duplicate' | 'reread';

export interface StoreInput {
  mailbox: Pick<MailboxAccount, 'id' | 'organizationId'>;
  uidValidity: bigint;
  uid: number;
  /** The whole message when it was small enough to fetch in bulk; else `open` streams it. */
  body?: Buffer;
  open(): Readable | Promise<Readable>;
}

/** A mail ready to insert: its row and its attachments, already in storage. */
export interface PreparedMail {
  uid: number;
  row: MailFields & {
    organizationId: string;
    mailboxId: string;
    uidValidity: bigint;
    uid: bigint;
    size: number;
    rawStorageKey: string;
    messageKey: string;
    category: 'filed' | 'unassigned' | 'report' | 'quarantined';
    reason: string | null;
    messageId?: string | null;
    contentHash?: string | null;
    memberId?: string | null;
    candidates?: string[];
    searchText?: string;
  };
  attachments: ParsedStored['attachments'];
}

/**
 * Everything about one mail that does not touch the database: the raw bytes
 * stored first, then parsed, attachments streamed to storage (`readMail`, on
 * the parsing thread when the caller gives `read` and the mail is in memory),
 * and the sender matched. A mail too large or impossible to parse becomes a
 * quarantine row with the reason: nothing is ever dropped.
 */
export async function prepareMessage(
  deps: {
    storage: Storage;
    maxBytes: number;
    match: (from: string | null) => Promise<SenderMatch>;
    /** Reads a mail already in memory elsewhere (the parsing thread); `readMail` here otherwise. */
    read?: (body: Buffer, maxBytes: number) => Promise<ReadMail>;
  },
  input: StoreInput,
): Promise<PreparedMail> {
  const { mailbox, uidValidity, uid, body } = input;
  let mail: ReadMail;
  try {
    mail = body && deps.read ? await deps.read(body, deps.maxBytes) : await readMail(deps.storage, deps.maxBytes, body, input.open);
  } catch (err) {
    // The raw bytes could not be stored (or downloaded): the poll fails and the next one reads the mail again.
    if (err instanceof RawStoreError) throw new ReceptionFailure('storage', firstLine(err), { uid }, { cause: err });
    throw err;
  }
  const base = { organizationId: mailbox.organizationId, mailboxId: mailbox.id, uidValidity, uid: BigInt(uid), size: mail.raw.size, rawStorageKey: mail.raw.key, messageKey: mail.messageKey, messageId: mail.messageId, contentHash: mail.contentHash };
  if (mail.quarantine !== undefined) return { uid, row: { ...base, category: 'quarantined', reason: mail.quarantine }, attachments: [] };

  const from = mail.fromAddress ?? null;
  const match = mail.automated ? { category: 'report' as const, memberId: null, candidates: [], reason: mail.automated } : await deps.match(from);
  return {
    uid,
    row: {
      ...base,
      fromAddress: from,
      fromName: mail.fromName ?? null,
      to: mail.to ?? [],
      cc: mail.cc ?? [],
      replyTo: mail.replyTo ?? null,
      subject: mail.subject ?? null,
      date: mail.date ?? null,
      dateHeader: mail.dateHeader ?? null,
      textBody: mail.textBody ?? null,
      htmlBody: mail.htmlBody ?? null,
      category: match.category,
      reason: match.reason,
      memberId: match.memberId,
      candidates: match.candidates,
      searchText: mail.searchText ?? '',
    },
    attachments: mail.attachments,
  };
}
