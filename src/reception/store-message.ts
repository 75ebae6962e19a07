import { Readable } from 'node:stream';
import type { MailboxAccount } from '../generated/prisma/client';
import { createHash } from 'node:crypto';
import type { Storage } from '../storage';
import { automatedReason, searchable } from './classify';
import { tagged } from './failure';
import type { SenderMatch } from './match-sender';
import { parseStored, type ParsedStored } from './parse-stored';
import { peekMessageId } from './peek-header';
import { reasonText } from './reasons';

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
  row: {
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
    fromAddress?: string | null;
    fromName?: string | null;
    to?: string[];
    cc?: string[];
    replyTo?: string | null;
    subject?: string | null;
    date?: Date | null;
    dateHeader?: string | null;
    contentHash?: string | null;
    textBody?: string | null;
    htmlBody?: string | null;
    memberId?: string | null;
    candidates?: string[];
    searchText?: string;
  };
  attachments: ParsedStored['attachments'];
}

/**
 * Everything about one mail that does not touch the database: the raw bytes
 * stored first (for audit and re-parse), then parsed, attachments streamed to
 * storage, and the sender matched. A mail too large or impossible to parse
 * becomes a quarantine row with the reason: nothing is ever dropped.
 */
export async function prepareMessage(
  deps: { storage: Storage; maxBytes: number; match: (from: string | null) => Promise<SenderMatch> },
  input: StoreInput,
): Promise<PreparedMail> {
  const { storage } = deps;
  const { mailbox, uidValidity, uid, body } = input;
  const storing = tagged('storage', { uid }, async () => storage.put(body ?? (await input.open())));
  // A mail already in memory is parsed while its raw bytes are written (the file system's
  // latency hidden behind parsing); the row waits for both, so it never names a missing file.
  const early = body && body.length <= deps.maxBytes ? settle(parseStored(body, storage)) : undefined;
  const raw = await storing;
  const base = { organizationId: mailbox.organizationId, mailboxId: mailbox.id, uidValidity, uid: BigInt(uid), size: raw.size, rawStorageKey: raw.key };
  // A mail without Message-ID gets a stable key from its content, so a re-read finds it again.
  const hashKey = `sha256:${raw.sha256}`;

  if (raw.size > deps.maxBytes) {
    const reason = reasonText('TOO_LARGE', { limitMb: Math.round(deps.maxBytes / 1024 / 1024), size: raw.size });
    return { uid, row: { ...base, messageKey: hashKey, messageId: await peekMessageId(storage, raw.key, body).catch(() => null), contentHash: raw.sha256, category: 'quarantined', reason }, attachments: [] };
  }
  let parsed: ParsedStored;
  try {
    parsed = early ? unwrap(await early) : await parseStored(storage.get(raw.key), storage);
  } catch (err) {
    const messageId = await peekMessageId(storage, raw.key, body).catch(() => null);
    return { uid, row: { ...base, messageKey: hashKey, messageId, contentHash: raw.sha256, category: 'quarantined', reason: reasonText('PARSE_FAILED', { detail: (err as Error).message }) }, attachments: [] };
  }

  const from = parsed.from?.address ?? null;
  const automated = automatedReason(parsed.headers, from);
  const match = automated ? { category: 'report' as const, memberId: null, candidates: [], reason: automated } : await deps.match(from);
  return {
    uid,
    row: {
      ...base,
      messageKey: parsed.messageId ?? hashKey,
      messageId: parsed.messageId,
      fromAddress: from,
      fromName: parsed.from?.name || null,
      to: parsed.to,
      cc: parsed.cc,
      replyTo: parsed.replyTo,
      subject: parsed.subject,
      date: parsed.date,
      dateHeader: parsed.dateHeader,
      contentHash: contentHash(parsed),
      textBody: parsed.text,
      htmlBody: parsed.html,
      category: match.category,
      reason: match.reason,
      memberId: match.memberId,
      candidates: match.candidates,
      searchText: searchable(parsed.subject, parsed.from?.name, from, ...parsed.to, ...parsed.cc),
    },
    attachments: parsed.attachments,
  };
}

/** A promise's outcome as a value: nothing unhandled while it waits for another one. */
const settle = <T>(p: Promise<T>) => p.then((value) => ({ value }), (error: unknown) => ({ error }));
const unwrap = <T>(r: { value: T } | { error: unknown }): T => {
  if ('error' in r) throw r.error;
  return r.value;
};

/**
 * What a reader sees of a mail, hashed: the same mail delivered twice (other
 * Received lines, another UID) hashes the same; a different mail that reuses
 * a Message-ID does not.
 */
export function contentHash(p: ParsedStored): string {
  const h = createHash('sha256');
  // Fed part by part, without copying the bodies into one string; a NUL separates the parts.
  for (const part of [p.messageId, p.from?.address, p.from?.name, p.to.join(','), p.cc.join(','), p.subject, p.dateHeader, p.text, p.html, p.attachments.map((a) => a.sha256).sort().join(',')]) {
    h.update(part ?? '').update('\u0000');
  }
  return h.digest('hex');
}
