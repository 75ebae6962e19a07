/*
 * A message compiled by nodemailer's MailComposer, written out in one
 * synchronous pass instead of through its streams. Streaming builds a
 * PassThrough, an encoder and a pipe per part and hops through setImmediate
 * between parts: for an invoice (a short text, its HTML, a 100 KB PDF) that
 * was ~1.3 ms of the composing thread's CPU a message, ~0.6 ms of it with no
 * attachment at all (the batch's largest cost after PostgreSQL, issue #16).
 *
 * The bytes are nodemailer's own: its headers (`buildHeaders`, the same
 * encoding and folding), its quoted-printable encoder fed the part's bytes in
 * one chunk as its stream would, base64 in lines of 76 (RFC 2045 §6.8) exactly
 * as its base64 encoder writes them, the same boundaries and the final CRLF
 * its last transform adds. Anything this pass does not reproduce (content from
 * a file, a URL or a stream, user transforms, DKIM-style post-processing on
 * the node, a newline conversion) makes it give up and the caller streams the
 * message as before. `tests/unit/mime-serialize.test.ts` compares both outputs
 * byte for byte on random messages.
 *
 * CommonJS source, evaluated inside the composing thread (src/mail/compose-thread.ts),
 * which runs without a TypeScript loader; `loadSerializeMime` gives it to this thread.
 */
export const SERIALIZE_MIME_SOURCE = String.raw`
const B64 = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');
// Base64 in lines of 76 characters (57 bytes) joined by CRLF, none after the last: what
// nodemailer's base64 Encoder writes for content given in one chunk. Written straight into
// one buffer: Buffer#toString('base64') and then cutting lines cost twice as much.
function base64Lines(src) {
  const n = src.length;
  if (n === 0) return Buffer.alloc(0);
  const full = Math.floor(n / 57);
  const tail = n - full * 57;
  const out = Buffer.allocUnsafe(full * 78 + (tail ? Math.ceil(tail / 3) * 4 : -2));
  let o = 0;
  let k = 0;
  for (let line = 0; line < full; line++) {
    if (line > 0) { out[o++] = 13; out[o++] = 10; }
    for (let j = 0; j < 19; j++) {
      const v = (src[k] << 16) | (src[k + 1] << 8) | src[k + 2];
      k += 3;
      out[o] = B64[v >>> 18];
      out[o + 1] = B64[(v >>> 12) & 63];
      out[o + 2] = B64[(v >>> 6) & 63];
      out[o + 3] = B64[v & 63];
      o += 4;
    }
  }
  if (tail) {
    if (full > 0) { out[o++] = 13; out[o++] = 10; }
    o += out.write(src.toString('base64', k), o, 'latin1');
  }
  return out.subarray(0, o);
}
// nodemailer's quoted-printable Encoder, driven by hand with the whole part as one chunk
// (what its stream gives it for a string or a buffer), collecting what it pushes.
function quotedPrintable(QpEncoder, bytes, binary) {
  const chunks = [];
  if (bytes.length === 0) return chunks;
  const encoder = new QpEncoder({ binary });
  encoder.push = (chunk, encoding) => {
    if (chunk != null && chunk.length) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding || 'utf8') : chunk);
    return true;
  };
  let failed = null;
  const done = (err) => { if (err) failed = err; };
  encoder._transform(bytes, 'buffer', done);
  encoder._flush(done);
  if (failed) throw failed;
  return chunks;
}
const plainContent = (c) => typeof c === 'string' || Buffer.isBuffer(c);
// True when every node of the tree can be written here (checked before anything is written).
function serializable(node) {
  if (node._raw) return plainContent(node._raw) && node.childNodes.every(serializable);
  if (node.content && !plainContent(node.content)) return false;
  return node.childNodes.every(serializable);
}
function writeNode(node, out, QpEncoder) {
  if (node._raw) {
    out.push(Buffer.isBuffer(node._raw) ? node._raw : Buffer.from(node._raw));
  } else {
    const transferEncoding = node.getTransferEncoding();
    out.push(Buffer.from(node.buildHeaders() + '\r\n\r\n'));
    if (node.content) {
      const bytes = Buffer.isBuffer(node.content) ? node.content : Buffer.from(node.content);
      if (transferEncoding === 'base64') out.push(base64Lines(bytes));
      else if (transferEncoding === 'quoted-printable') out.push(...quotedPrintable(QpEncoder, bytes, !/^text\//i.test(node.contentType || '')));
      else out.push(bytes);
    }
  }
  if (!node.multipart) return;
  node.childNodes.forEach((child, i) => {
    out.push(Buffer.from((i > 0 ? '\r\n' : '') + '--' + node.boundary + '\r\n'));
    writeNode(child, out, QpEncoder);
  });
  out.push(Buffer.from('\r\n--' + node.boundary + '--\r\n'));
}
// The message's bytes, or null when it has to be streamed (see above).
function serializeMime(root, QpEncoder) {
  if (root._transforms.length || root._processFuncs.length || root.newline || !serializable(root)) return null;
  const out = [];
  writeNode(root, out, QpEncoder);
  // nodemailer's last transform: the message ends with a line break.
  let last;
  for (let i = out.length - 1; i >= 0 && last === undefined; i--) if (out[i].length) last = out[i][out[i].length - 1];
  if (last === 13) out.push(Buffer.from('\n'));
  else if (last !== 10) out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}
`;

/** The serializer in this thread (tests, and a caller without the composing thread). */
export function loadSerializeMime(): (root: unknown) => Buffer | null {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Encoder } = require('nodemailer/lib/qp') as { Encoder: unknown };
  const serialize = new Function(`${SERIALIZE_MIME_SOURCE}\nreturn serializeMime;`)() as (root: unknown, qp: unknown) => Buffer | null;
  return (root) => serialize(root, Encoder);
}
