import { Readable } from 'node:stream';

/**
 * Which stored files a browser may show inline (`?disposition=inline`): PDFs and
 * raster images only. Never SVG or HTML, which are documents that run scripts.
 * The declared type is what the sender claimed; the file's first bytes decide.
 */
export const INLINE_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type InlineType = (typeof INLINE_TYPES)[number];

/** Names senders give these types besides the registered one, and "no idea" (the bytes then decide alone). */
const ALIASES: Record<string, InlineType | 'unknown'> = {
  'application/pdf': 'application/pdf', 'application/x-pdf': 'application/pdf',
  'image/png': 'image/png', 'image/jpeg': 'image/jpeg', 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'image/gif': 'image/gif', 'image/webp': 'image/webp',
  'application/octet-stream': 'unknown', 'binary/octet-stream': 'unknown',
};

const baseType = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();

/** Whether the declared type may be shown inline at all (the bytes are checked when served). */
export function mayShowInline(contentType: string): boolean {
  return baseType(contentType) in ALIASES;
}

/** The type the first bytes prove (PDF, PNG, JPEG, GIF, WebP signatures), or null. */
export function sniffInline(head: Buffer): InlineType | null {
  const ascii = head.toString('latin1');
  // ISO 32000: "%PDF-" opens the file (readers tolerate up to 1 KB of junk before it; we do not).
  if (ascii.startsWith('%PDF-')) return 'application/pdf';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) return 'image/gif';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/**
 * The type to serve inline, or null when it must stay a download: the declared
 * type must be one of ours (or unknown) and the bytes must be that type.
 */
export function inlineType(declared: string, head: Buffer): InlineType | null {
  const claimed = ALIASES[baseType(declared)];
  const proven = sniffInline(head);
  if (!claimed || !proven) return null;
  return claimed === 'unknown' || claimed === proven ? proven : null;
}

/**
 * The first bytes of a stream, and the whole stream again (those bytes included) to send on:
 * the file is opened once, whether it is then served or refused.
 */
export async function peekHead(stream: Readable, n = 16): Promise<{ head: Buffer; stream: Readable }> {
  const chunks: Buffer[] = [];
  let length = 0;
  const rest = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let done = false;
  while (length < n) {
    const next = await rest.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const read = Buffer.concat(chunks);
  async function* replay() {
    if (read.length) yield read;
    if (done) return;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  }
  const again = Readable.from(replay(), { objectMode: false });
  // A refused or abandoned answer must still close the file.
  again.once('close', () => void rest.return?.());
  return { head: read.subarray(0, n), stream: again };
}

/**
 * Headers of an inline answer. No script may run: `default-src 'none'` and no
 * script source. Images keep the `sandbox` directive as downloads do. Chromium's
 * PDF viewer refuses to load in a sandboxed document and under `object-src 'none'`,
 * so a PDF gets `object-src 'self'` (the viewer embeds the PDF itself) and no sandbox;
 * the viewer's own code lives in the browser, not in this document.
 * Framing is allowed from our own origin only (the console's preview), where
 * every other API answer forbids it.
 */
export function inlineHeaders(type: InlineType): Record<string, string> {
  const csp = type === 'application/pdf'
    ? "default-src 'none'; object-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
    : "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox";
  return { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'SAMEORIGIN', 'Cache-Control': 'private, no-cache' };
}
