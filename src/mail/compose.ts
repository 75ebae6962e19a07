import type { Readable } from 'node:stream';
import type MailComposerClass from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';

/** What is stored on a SentEmail row about each attachment; the bytes stay in storage. */
export interface AttachmentRef {
  documentId?: string;
  storageKey: string;
  filename: string;
  contentType: string;
  size: number;
  /** For calendar parts etc.: extra MIME parameters on Content-Type. */
  contentTypeParams?: Record<string, string>;
  contentDisposition?: 'attachment' | 'inline';
}

export interface ComposeInput {
  messageId: string;
  date: Date;
  from: string;
  replyTo?: string | null;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text?: string | null;
  html?: string | null;
  headers: Record<string, string>;
  attachments: AttachmentRef[];
  /** Resolves a storage key to a file path, so attachments are streamed, not loaded. */
  storagePath(key: string): string;
  /** Attachment bytes already read (small messages), by storage key; the others are streamed from their path. */
  contents?: Map<string, Buffer>;
  /** Extra MIME alternatives, e.g. a text/calendar part (RFC 5545 / RFC 6047). */
  alternatives?: Mail.Options['alternatives'];
}

// RFC 5322 §2.3: lines end in CRLF. Bodies come from templates and API callers with bare LF
// (or CR); nodemailer keeps those as they are, so the stored .eml was not what went on the wire
// (the SMTP data stream rewrote every line end, deoptimising itself on each message: ~0.1 ms).
const crlf = (body: string | null | undefined) => (body == null ? undefined : body.replace(/\r\n|\r|\n/g, '\r\n'));

/**
 * Builds the RFC 5322 message once. The result is stored and re-sent byte for
 * byte on retry, so the Message-ID and Date never change for one intent.
 */
export function composeMessage(input: ComposeInput): Readable {
  // Loaded with the first message composed, not at start (memory at rest, issue #16).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const MailComposer = require('nodemailer/lib/mail-composer') as typeof MailComposerClass;
  return new MailComposer(composeOptions(input)).compile().createReadStream();
}

/** The message as nodemailer's options: plain data (attachments as contents or file paths), so another thread can build it too. */
export function composeOptions(input: ComposeInput): Mail.Options {
  return {
    messageId: input.messageId,
    date: input.date,
    from: input.from,
    replyTo: input.replyTo ?? undefined,
    to: input.to,
    cc: input.cc.length ? input.cc : undefined,
    // Bcc stays in the envelope only; MailComposer drops the header by default.
    bcc: input.bcc.length ? input.bcc : undefined,
    subject: input.subject,
    text: crlf(input.text),
    html: crlf(input.html),
    headers: input.headers,
    alternatives: input.alternatives,
    attachments: input.attachments.map((a) => ({
      filename: a.filename,
      ...(input.contents?.has(a.storageKey) ? { content: input.contents.get(a.storageKey) } : { path: input.storagePath(a.storageKey) }),
      contentType: a.contentTypeParams
        ? `${a.contentType}; ${Object.entries(a.contentTypeParams).map(([k, v]) => `${k}=${v}`).join('; ')}`
        : a.contentType,
      contentDisposition: a.contentDisposition ?? 'attachment',
    })),
  };
}
