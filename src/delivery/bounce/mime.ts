import iconv from 'iconv-lite';
import type Libmime from 'libmime';

// libmime (~2 MB of heap with its charset tables) is loaded with the first bounce read, not at
// start (memory at rest, issue #16). require, not import(): Jest's CommonJS runtime has no import().
let libmimeModule: typeof Libmime | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const libmime = (): typeof Libmime => (libmimeModule ??= require('libmime') as typeof Libmime);

/**
 * A small, forgiving MIME tree reader for returned mail. Bounces are often
 * broken (bare CR or LF line ends, missing closing boundaries, wrong
 * charsets), so every step falls back to something readable rather than
 * failing. `message/rfc822` children are parsed as nested messages (RFC 2046
 * §5.2.1), so a report wrapped in multipart/mixed is still found.
 */
export interface MimeNode {
  headers: Map<string, string[]>;
  type: string;
  params: Record<string, string>;
  /** Decoded text of a leaf (charset applied); '' for multiparts. */
  text: string;
  children: MimeNode[];
}

/** CRLF, bare CR (old Mac) and bare LF all become LF. */
export const normalizeEol = (s: string): string => s.replace(/\r\n?/g, '\n');

export function header(node: MimeNode, name: string): string {
  return node.headers.get(name.toLowerCase())?.[0] ?? '';
}

/** Header block → map of lower-case names to unfolded, encoded-word-decoded values. */
export function parseHeaders(block: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  // A line with no field name continues the previous field even unindented (Apache James
  // writes `Content-Type: multipart/alternative;` then `boundary=…` at the start of a line).
  for (const line of block.replace(/\n[ \t]+/g, ' ').replace(/\n(?![!-9;-~]+:)/g, ' ').split('\n')) {
    const m = /^([!-9;-~]+):[ \t]*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!.toLowerCase();
    let value = m[2]!.trim();
    try {
      value = libmime().decodeWords(value);
    } catch {
      /* keep the raw value */
    }
    // Appended in place: copying the list per line was quadratic in a header repeated 100,000 times.
    const values = out.get(name);
    if (values) values.push(value);
    else out.set(name, [value]);
  }
  return out;
}

function parseContentType(value: string): { type: string; params: Record<string, string> } {
  if (!value) return { type: 'text/plain', params: {} };
  const parsed = libmime().parseHeaderValue(value);
  return { type: String(parsed.value || 'text/plain').toLowerCase().trim(), params: parsed.params as Record<string, string> };
}

function splitHead(raw: string): [string, string] {
  const i = raw.indexOf('\n\n');
  // A part that begins with a blank line has no headers (RFC 2046 §5.1.1 defaults).
  if (raw.startsWith('\n')) return ['', raw.slice(1)];
  return i < 0 ? [raw, ''] : [raw.slice(0, i), raw.slice(i + 2)];
}

function decodeBody(body: string, encoding: string, charset: string | undefined): string {
  let bytes: Buffer;
  if (encoding === 'base64') bytes = Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  else if (encoding === 'quoted-printable') bytes = Buffer.from(body.replace(/=\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  else bytes = Buffer.from(body, 'latin1');
  const cs = (charset ?? '').toLowerCase();
  if (cs && cs !== 'us-ascii' && iconv.encodingExists(cs)) {
    const text = iconv.decode(bytes, cs);
    // Servers often label Latin-1 text as UTF-8.
    if (/^utf-?8$/.test(cs) && text.includes('\uFFFD')) return normalizeEol(bytes.toString('latin1'));
    return normalizeEol(text);
  }
  // No or unknown charset: UTF-8 when it is valid, Latin-1 otherwise.
  const utf8 = bytes.toString('utf8');
  return normalizeEol(utf8.includes('\uFFFD') ? bytes.toString('latin1') : utf8);
}

/** `raw` must already be end-of-line normalised and Latin-1 decoded (one char per byte). */
export function parseNode(raw: string, depth = 0, defaultType = 'text/plain'): MimeNode {
  const [head, body] = splitHead(raw);
  const headers = parseHeaders(head);
  const ct = headers.get('content-type')?.[0];
  const { type, params } = ct ? parseContentType(ct) : { type: defaultType, params: {} };
  const encoding = (headers.get('content-transfer-encoding')?.[0] ?? '').toLowerCase().trim();
  const node: MimeNode = { headers, type, params, text: '', children: [] };
  if (depth > 8) return node;
  if (type.startsWith('multipart/') && params.boundary) {
    const childDefault = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    // A report has a handful of parts; past 500 (hostile input) the rest are not read.
    node.children = splitMultipart(body, params.boundary).slice(0, 500).map((p) => parseNode(p, depth + 1, childDefault));
    // Preamble text (some MTAs write the human-readable part there).
    node.text = body.slice(0, Math.max(0, body.indexOf(`--${params.boundary}`))).trim();
    return node;
  }
  if (type === 'message/rfc822' || type === 'message/global' || type === 'message/rfc822-headers') {
    const inner = encoding === 'base64' || encoding === 'quoted-printable' ? Buffer.from(decodeBody(body, encoding, 'latin1'), 'latin1').toString('latin1') : body;
    node.children = [parseNode(inner.replace(/^\n+/, ''), depth + 1)];
    node.text = inner;
    return node;
  }
  node.text = decodeBody(body, encoding, params.charset);
  return node;
}

function splitMultipart(body: string, boundary: string): string[] {
  const delim = `--${boundary}`;
  const lines = body.split('\n');
  const parts: string[] = [];
  let current: string[] | null = null;
  for (const line of lines) {
    const t = line.trimEnd();
    if (t === delim || t === `${delim}--`) {
      if (current) parts.push(current.join('\n'));
      current = t === delim ? [] : null;
      if (t !== delim) break;
      continue;
    }
    current?.push(line);
  }
  if (current && current.length) parts.push(current.join('\n'));
  return parts;
}

export function parseMessage(raw: Buffer | string): MimeNode {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  // mbox files start with an envelope "From " line that is no header.
  return parseNode(normalizeEol(text).replace(/^From .*\n/, ''));
}

/** Depth-first list of every node. */
export function walk(node: MimeNode): MimeNode[] {
  return [node, ...node.children.flatMap(walk)];
}
