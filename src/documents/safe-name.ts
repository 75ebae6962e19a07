/**
 * The one place where a file name or a content type coming from outside
 * (a received attachment, an upload, a stored value on its way out) is made
 * safe. Used at reception, upload and download, so a name decoded one step
 * further later (RFC 2047 words, RFC 2231 percent-encoding, NFC) is checked
 * again at the door.
 */

/** Lone UTF-16 surrogates (invalid text) become U+FFFD. */
export function wellFormed(s: string): string {
  // String.prototype.toWellFormed (ES2024) is in Node 20; the project's lib stops at ES2023.
  return (s as unknown as { toWellFormed(): string }).toWellFormed();
}

// Cc control, Cf format (bidi overrides U+202A–U+202E, isolates U+2066–U+2069, zero widths, BOM), Zl/Zp separators (U+2028/U+2029), Cs surrogates.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\uFFFD]/gu;
// Path separators and what Windows refuses in a name.
const SEPARATORS = /[\\/:*?"<>|]/g;
const MAX_NAME = 200;

/**
 * Keeps the name people gave (accents included) but never a path separator,
 * `..`, a control, bidi-override or other invisible format character, and at
 * most 200 characters (the extension kept). Runs until nothing changes, so no
 * removal can bring a forbidden sequence back together.
 */
export function safeFilename(name: unknown, fallback = 'document'): string {
  let s = typeof name === 'string' ? wellFormed(name).normalize('NFC') : '';
  for (let i = 0; i < 5; i++) {
    const before = s;
    s = s
      .replace(INVISIBLE, '')
      .replace(SEPARATORS, '_')
      .replace(/\.{2,}/g, '.')
      .replace(/\s+/g, ' ')
      // A leading dot hides the file; trailing dots and spaces are dropped by Windows.
      .replace(/^[\s.]+|[\s.]+$/g, '');
    if (s === before) break;
  }
  if ([...s].length > MAX_NAME) {
    const chars = [...s];
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 16 ? [...s.slice(dot)] : [];
    s = chars.slice(0, MAX_NAME - ext.length).join('').replace(/[\s.]+$/, '') + ext.join('');
  }
  return s || fallback;
}

/**
 * RFC 2045 §5.1 (RFC 9110 §8.3.1): type "/" subtype *(";" parameter), each a
 * token of visible ASCII or an RFC 822 quoted-string (ASCII, quoted-pairs, no
 * CR, LF or NUL). The one grammar for content types: what the API accepts is
 * exactly what can later go into an HTTP header as it is.
 */
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const QUOTED = '"(?:[\\t\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t\\x20-\\x7e])*"';
export const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*[ \\t]*$`);

/** A content type that can go into an HTTP header as it is; anything else is `application/octet-stream`. */
export function safeContentType(type: unknown): string {
  const t = typeof type === 'string' ? type.trim() : '';
  return t.length <= 255 && MEDIA_TYPE.test(t) ? t.toLowerCase() : 'application/octet-stream';
}

/** RFC 6266 Content-Disposition: an ASCII fallback `filename` and the UTF-8 name as `filename*` (RFC 8187 / 5987). */
export function contentDisposition(filename: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const name = safeFilename(filename);
  const ascii = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
