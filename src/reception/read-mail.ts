import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Storage, StoredObject } from '../storage';
import { automatedReason, searchable } from './classify';
import { parseStored, type ParsedStored } from './parse-stored';
import { peekMessageId } from './peek-header';
import { reasonText } from './reasons';

/*
 * The part of receiving a mail that needs neither the database nor the mail
 * server: raw bytes stored, parsed, attachments stored, hashed, classified.
 * Kept free of Prisma and Temporal imports: the parsing thread
 * (parse-thread.ts) runs it, so what it returns must survive a structured
 * clone (plain values, Dates, arrays).
 */

/** What a mail says about itself; `quarantine` is set (and the parsed fields absent) when it is too large or unreadable. */
/** What a mail says of itself, as its row stores it (absent for a quarantined mail). */
// A type, not an interface: rows built from it are passed as plain records (insert-mails.ts).
export type MailFields = {
  fromAddress?: string | null;
  fromName?: string | null;
  to?: string[];
  cc?: string[];
  replyTo?: string | null;
  subject?: string | null;
  date?: Date | null;
  dateHeader?: string | null;
  textBody?: string | null;
  htmlBody?: string | null;
};

export interface ReadMail extends MailFields {
  raw: StoredObject;
  messageKey: string;
  messageId: string | null;
  contentHash: string;
  quarantine?: string;
  searchText?: string;
  /** Why no person wrote it (auto-reply, list, report), or null. */
  automated?: string | null;
  attachments: ParsedStored['attachments'];
}

/** The raw bytes could not be stored: the poll fails (nothing is lost) rather than the mail being quarantined. */
export class RawStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RawStoreError';
  }
}

/**
 * Stores the raw message first (for audit and re-parse), then parses it with
 * its attachments streamed to storage. A mail too large or impossible to parse
 * comes back with `quarantine` set: nothing is ever dropped.
 */
export async function readMail(storage: Storage, maxBytes: number, body: Buffer | undefined, open: () => Readable | Promise<Readable>): Promise<ReadMail> {
  // A mail in memory (up to 1 MB) is packed: no file of its own to create (storage-packs.ts).
  const storing = (async () => (body ? storage.put(body, { pack: true }) : storage.put(await open())))().catch((err: unknown) => {
    throw new RawStoreError(err instanceof Error ? err.message : String(err));
  });
  // A mail already in memory is parsed while its raw bytes are written (the file system's
  // latency hidden behind parsing); the row waits for both, so it never names a missing file.
  const early = body && body.length <= maxBytes ? settle(parseStored(body, storage)) : undefined;
  const raw = await storing;
  // A mail without Message-ID gets a stable key from its content, so a re-read finds it again.
  const hashKey = `sha256:${raw.sha256}`;
  const quarantined = async (reason: string): Promise<ReadMail> => ({
    raw, messageKey: hashKey, messageId: await peekMessageId(storage, raw.key, body).catch(() => null), contentHash: raw.sha256, quarantine: reason, attachments: [],
  });

  if (raw.size > maxBytes) return quarantined(reasonText('TOO_LARGE', { limitMb: Math.round(maxBytes / 1024 / 1024), size: raw.size }));
  let parsed: ParsedStored;
  try {
    parsed = early ? unwrap(await early) : await parseStored(storage.get(raw.key), storage);
  } catch (err) {
    return quarantined(reasonText('PARSE_FAILED', { detail: (err as Error).message }));
  }
  const from = parsed.from?.address ?? null;
  return {
    raw,
    messageKey: parsed.messageId ?? hashKey,
    messageId: parsed.messageId,
    contentHash: contentHash(parsed),
    fromAddress: from,
    fromName: parsed.from?.name || null,
    to: parsed.to,
    cc: parsed.cc,
    replyTo: parsed.replyTo,
    subject: parsed.subject,
    date: parsed.date,
    dateHeader: parsed.dateHeader,
    textBody: parsed.text,
    htmlBody: parsed.html,
    searchText: searchable(parsed.subject, parsed.from?.name, from, ...parsed.to, ...parsed.cc),
    automated: automatedReason(parsed.headers, from),
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
