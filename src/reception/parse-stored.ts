import type { Readable } from 'node:stream';
import type { AddressObject, AttachmentStream, MessageText } from 'mailparser';
import { safeFilename } from '../documents/safe-name';
import type { Storage } from '../storage';
import { normalizeRawBuffer, RawMailNormalizer } from './normalize-raw';

export interface StoredPart {
  key: string;
  sha256: string;
  size: number;
  filename: string;
  contentType: string;
  contentId: string | null;
  inline: boolean;
}

export interface ParsedStored {
  headers: Map<string, unknown>;
  messageId: string | null;
  /** The sender; `address` is null when the From header has only a display name. */
  from: { address: string | null; name: string } | null;
  to: string[];
  cc: string[];
  replyTo: string | null;
  subject: string | null;
  /** null when the Date header is missing or unreadable (`dateHeader` then keeps its text). */
  date: Date | null;
  dateHeader: string | null;
  text: string | null;
  html: string | null;
  attachments: StoredPart[];
}

const addresses = (v: unknown): string[] => {
  const list = (Array.isArray(v) ? v : v ? [v] : []) as AddressObject[];
  return list.flatMap((g) => g.value.map((a) => a.address).filter((a): a is string => Boolean(a)));
};

/**
 * Parses a stored raw message with mailparser's streaming parser: each
 * attachment is piped straight into storage as it is decoded, never held whole
 * in memory. Filenames come out decoded (RFC 2047 encoded-words, RFC 2231
 * parameter continuations and charsets).
 */
export function parseStored(raw: Readable | Buffer, storage: Storage): Promise<ParsedStored> {
  // Loaded on the first mail parsed, not at start: mailparser with its charset and HTML tables is
  // ~5 MB of heap that an idle embedded process never needs (issue #16, README "Memory at rest").
  // require, not import(): Jest's CommonJS runtime cannot run a dynamic import().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { MailParser } = require('mailparser') as typeof import('mailparser');
  return new Promise((resolve, reject) => {
    // No md5 of each attachment (`checksumAlgo: false`): storage hashes it (sha256) as it writes it,
    // and that is the checksum kept; mailparser's was a second pass over every attachment byte.
    const parser = new MailParser({ skipTextToHtml: true, skipImageLinks: true, checksumAlgo: false });
    const result: ParsedStored = { headers: new Map(), messageId: null, from: null, to: [], cc: [], replyTo: null, subject: null, date: null, dateHeader: null, text: null, html: null, attachments: [] };
    const pending: Promise<void>[] = [];
    // A mail parsed from memory (at most a few MB) has its attachments packed, not a file each
    // (storage-packs.ts); a streamed one pipes them to files, never holding one whole.
    const inMemory = Buffer.isBuffer(raw);
    let n = 0;
    parser.on('headers', (headers: Map<string, unknown>) => {
      result.headers = headers;
      const from = (headers.get('from') as AddressObject | undefined)?.value?.[0];
      // "From: Jean Dupont" (no address) keeps the name, as mail clients show it.
      result.from = from?.address || from?.name ? { address: from.address || null, name: from.name ?? '' } : null;
      result.to = addresses(headers.get('to'));
      result.cc = addresses(headers.get('cc'));
      result.replyTo = addresses(headers.get('reply-to'))[0] ?? null;
      result.subject = (headers.get('subject') as string | undefined) ?? null;
      result.messageId = (headers.get('message-id') as string | undefined) ?? null;
    });
    // mailparser turns an unreadable Date into "now": read the header's own text instead.
    parser.on('headerLines', (lines: { key: string; line: string }[]) => {
      const line = lines.find((l) => l.key === 'date')?.line;
      if (!line) return;
      result.dateHeader = line.replace(/^[^:]*:/, '').replace(/\r?\n[ \t]+/g, ' ').trim();
      result.date = readDate(result.dateHeader);
    });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        result.text = data.text ?? null;
        result.html = typeof data.html === 'string' ? data.html : null;
        return;
      }
      n += 1;
      const index = n;
      pending.push(
        (inMemory ? collect(data.content).then((bytes) => storage.put(bytes, { pack: true })) : storage.put(data.content))
          .then((stored) => {
            result.attachments.push({
              ...stored,
              filename: safeFilename(data.filename, `attachment-${index}`),
              contentType: data.contentType || 'application/octet-stream',
              contentId: data.cid ?? null,
              inline: Boolean(data.related) || data.contentDisposition === 'inline',
            });
          })
          .finally(() => data.release?.()),
      );
    });
    parser.on('error', reject);
    parser.on('end', () => {
      Promise.all(pending).then(() => resolve(result), reject);
    });
    if (Buffer.isBuffer(raw)) {
      parser.end(normalizeRawBuffer(raw));
      return;
    }
    raw.on('error', reject);
    const normalizer = new RawMailNormalizer();
    normalizer.on('error', reject);
    raw.pipe(normalizer).pipe(parser);
  });
}

const collect = async (stream: NodeJS.ReadableStream): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** An RFC 5322 date (comments dropped) or null; years past 9999 are not dates anyone sent. */
export function readDate(text: string): Date | null {
  const d = new Date(text.replace(/\([^()]*\)/g, ' ').trim());
  const year = d.getUTCFullYear();
  return Number.isNaN(d.getTime()) || year < 1 || year > 9999 ? null : d;
}
