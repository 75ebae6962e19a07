import { createHash } from 'node:crypto';
import { safeFilename, wellFormed } from '../documents/safe-name';
import type { PreparedMail } from './store-message';

/*
 * The one place where what a sender wrote is made storable before it goes to
 * the database. Anything a mail can carry must fit: PostgreSQL text holds no
 * NUL (U+0000); JSON parameters (the bulk insert) refuse lone UTF-16
 * surrogates; timestamps end in year 294276 but JavaScript writes years past
 * 9999 as "+010000-…", which no timestamp parser reads; a B-tree index row
 * holds at most 2,704 bytes, so keys are bounded and long ones hashed.
 */

// RFC 5322 §2.1.1: a header line is at most 998 characters; nothing legitimate is longer.
const HEADER_MAX = 998;
const SUBJECT_MAX = 4000;
const REASON_MAX = 2000;
// Well under the 2,704-byte B-tree limit even in 4-byte UTF-8.
const KEY_MAX_BYTES = 512;
const INT_MAX = 2_147_483_647;

/** Text with no NUL and no lone surrogate, optionally bounded (in UTF-16 units, never cutting a pair). */
export function dbText(value: string, max?: number): string;
export function dbText(value: string | null | undefined, max?: number): string | null;
export function dbText(value: string | null | undefined, max?: number): string | null {
  if (value === null || value === undefined) return null;
  let s = wellFormed(String(value)).replaceAll('\u0000', '');
  if (max !== undefined && s.length > max) s = wellFormed(s.slice(0, max)).replace(/\uFFFD$/, '');
  return s;
}

/** A date PostgreSQL and JSON agree on (years 1–9999), else null: "unknown". */
export function dbDate(value: Date | null | undefined): Date | null {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) return null;
  const year = value.getUTCFullYear();
  return year >= 1 && year <= 9999 ? value : null;
}

/** A unique key that fits the index: kept as it is when short, else replaced by its hash. */
export function dbKey(value: string): string {
  const s = dbText(value);
  return Buffer.byteLength(s) <= KEY_MAX_BYTES ? s : `sha256-key:${createHash('sha256').update(s).digest('hex')}`;
}

/** Every field of a prepared mail and of its attachments made storable. */
export function dbSafeMail(mail: PreparedMail): PreparedMail {
  const r = mail.row;
  const list = (v: string[] | undefined) => (v ?? []).slice(0, 1000).map((a) => dbText(a, HEADER_MAX));
  return {
    uid: mail.uid,
    row: {
      ...r,
      size: Math.min(Math.max(0, Math.trunc(r.size)), INT_MAX),
      messageKey: dbKey(r.messageKey),
      messageId: dbText(r.messageId, HEADER_MAX),
      fromAddress: dbText(r.fromAddress, HEADER_MAX),
      fromName: dbText(r.fromName, HEADER_MAX),
      to: list(r.to),
      cc: list(r.cc),
      replyTo: dbText(r.replyTo, HEADER_MAX),
      subject: dbText(r.subject, SUBJECT_MAX),
      date: dbDate(r.date),
      dateHeader: dbText(r.dateHeader, HEADER_MAX),
      textBody: dbText(r.textBody),
      htmlBody: dbText(r.htmlBody),
      reason: dbText(r.reason, REASON_MAX),
      searchText: dbText(r.searchText ?? '', SUBJECT_MAX),
    },
    attachments: mail.attachments.map((a, i) => ({
      ...a,
      filename: safeFilename(a.filename, `attachment-${i + 1}`),
      contentType: dbText(a.contentType, 255) || 'application/octet-stream',
      contentId: dbText(a.contentId, HEADER_MAX),
    })),
  };
}
