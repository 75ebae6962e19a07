import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';

/*
 * What the parser reads (never what is stored: the raw message is kept byte
 * for byte) is made as readable as mail clients make it:
 * - bare CR line ends (old Mac OS mail) become CRLF, RFC 5322 §2.2;
 * - encoded words in UTF-7 (RFC 2152, named by RFC 2047 §3 as any charset)
 *   are re-encoded as UTF-8, which the parser knows;
 * - 8-bit bytes inside a Q encoded word (RFC 2047 §5 forbids them, senders
 *   do it anyway) become =XX, so they decode in the word's own charset;
 * - other 8-bit header bytes that are not UTF-8 (RFC 6532) are read as
 *   Windows-1252, the charset such mail almost always is, and re-written as UTF-8.
 * Only the top-level header block is rewritten; bodies pass through untouched.
 */

const MAX_HEADER_BYTES = 256 * 1024;
const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

function isUtf8(buf: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

function qDecode(text: string): Buffer {
  return Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
}

/** Rewrites one header block (as bytes); returns it unchanged when nothing needs fixing. */
export function normalizeHeaderBlock(header: Buffer): Buffer {
  let s = header.toString('latin1');
  // The common case, plain ASCII without UTF-7 words, is left alone.
  if (!/[\x80-\xff]|=\?(utf-7|unicode-1-1-utf-7)(\*[^?]*)?\?/i.test(s)) return header;
  s = s.replace(ENCODED_WORD, (word, charset: string, enc: string, text: string) => {
    const cs = charset.replace(/\*.*$/, '');
    if (/^(utf-7|unicode-1-1-utf-7)$/i.test(cs)) {
      const bytes = enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64') : qDecode(text);
      return `=?UTF-8?B?${Buffer.from(iconv.decode(bytes, 'utf7'), 'utf8').toString('base64')}?=`;
    }
    if (enc.toLowerCase() === 'q' && /[\x80-\xff]/.test(text)) {
      return `=?${charset}?Q?${text.replace(/[\x80-\xff]/g, (c) => '=' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'))}?=`;
    }
    return word;
  });
  const bytes = Buffer.from(s, 'latin1');
  return isUtf8(bytes) ? bytes : Buffer.from(iconv.decode(bytes, 'win1252'), 'utf8');
}

/** CR not followed by LF becomes CRLF. `carry` says the previous chunk ended with a CR. */
function fixBareCr(chunk: Buffer, carry: boolean): { out: Buffer; carry: boolean } {
  const parts: Buffer[] = [];
  let start = 0;
  if (carry) {
    parts.push(Buffer.from(chunk[0] === 0x0a ? '\r' : '\r\n'));
  }
  for (let i = chunk.indexOf(0x0d); i !== -1; i = chunk.indexOf(0x0d, i + 1)) {
    if (i === chunk.length - 1) {
      parts.push(chunk.subarray(start, i));
      return { out: Buffer.concat(parts), carry: true };
    }
    if (chunk[i + 1] !== 0x0a) {
      parts.push(chunk.subarray(start, i + 1), Buffer.from('\n'));
      start = i + 1;
    }
  }
  parts.push(chunk.subarray(start));
  return { out: Buffer.concat(parts), carry: false };
}

/** A stream transform applying the fixes above to a raw message on its way into the parser. */
export class RawMailNormalizer extends Transform {
  private head: Buffer[] = [];
  private headBytes = 0;
  private inBody = false;
  private mac = false;
  private carry = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.inBody) return done(null, this.body(chunk));
    this.head.push(chunk);
    this.headBytes += chunk.length;
    const all = Buffer.concat(this.head);
    const end = this.headerEnd(all);
    if (end === -1 && this.headBytes < MAX_HEADER_BYTES) return done();
    this.flushHead(all, end === -1 ? all.length : end);
    done();
  }

  override _flush(done: TransformCallback): void {
    if (!this.inBody) {
      const all = Buffer.concat(this.head);
      // A message that is all header (or cut short) still goes through.
      if (all.length) this.flushHead(all, all.length);
    }
    if (this.carry) this.push(Buffer.from('\r\n'));
    done();
  }

  private headerEnd(all: Buffer): number {
    const firstLf = all.indexOf(0x0a);
    const firstCr = all.indexOf(0x0d);
    // The first line end tells old Mac mail (CR alone) from the rest.
    this.mac = firstCr !== -1 && (firstLf === -1 || firstCr < firstLf - 1) && all[firstCr + 1] !== undefined && all[firstCr + 1] !== 0x0a;
    if (this.mac) {
      const i = all.indexOf('\r\r');
      return i === -1 ? -1 : i + 2;
    }
    const crlf = all.indexOf('\r\n\r\n');
    const lf = all.indexOf('\n\n');
    if (crlf === -1 && lf === -1) return -1;
    if (crlf === -1) return lf + 2;
    if (lf === -1) return crlf + 4;
    return Math.min(crlf + 4, lf + 2);
  }

  private flushHead(all: Buffer, end: number): void {
    this.inBody = true;
    this.head = [];
    let header = all.subarray(0, end);
    if (this.mac) {
      const fixed = fixBareCr(header, false);
      header = fixed.out;
      this.carry = fixed.carry;
    }
    this.push(normalizeHeaderBlock(header));
    if (end < all.length) this.push(this.body(all.subarray(end)));
  }

  private body(chunk: Buffer): Buffer {
    if (!this.mac) return chunk;
    const fixed = fixBareCr(chunk, this.carry);
    this.carry = fixed.carry;
    return fixed.out;
  }
}

/** The same fixes for a message already whole in memory, without a stream stage (the hot path: most mail is small). */
export function normalizeRawBuffer(raw: Buffer): Buffer {
  const firstLf = raw.indexOf(0x0a);
  const firstCr = raw.indexOf(0x0d);
  const mac = firstCr !== -1 && (firstLf === -1 || firstCr < firstLf) && raw[firstCr + 1] !== undefined && raw[firstCr + 1] !== 0x0a;
  let all = raw;
  if (mac) {
    const fixed = fixBareCr(raw, false);
    all = fixed.carry ? Buffer.concat([fixed.out, Buffer.from('\r\n')]) : fixed.out;
  }
  const crlf = all.indexOf('\r\n\r\n');
  const lf = all.indexOf('\n\n');
  const end = crlf === -1 && lf === -1 ? Math.min(all.length, MAX_HEADER_BYTES) : crlf === -1 ? lf + 2 : lf === -1 ? crlf + 4 : Math.min(crlf + 4, lf + 2);
  const header = all.subarray(0, end);
  const fixedHeader = normalizeHeaderBlock(header);
  return fixedHeader === header ? all : Buffer.concat([fixedHeader, all.subarray(end)]);
}
