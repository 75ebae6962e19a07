import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type DataStream from 'nodemailer/lib/smtp-connection/data-stream';

/*
 * The end of data of our own connections, checked before it is rewritten.
 *
 * nodemailer passes every byte of a message through its DataStream (RFC 5321
 * §4.5.2 dot-stuffing, bare CR and LF made CRLF), a JavaScript loop over each
 * byte: ~0.45 ms of the main thread for a 140 KB invoice. The messages we send
 * are composed with CRLF line ends, base64 attachments and no line starting
 * with a dot in almost every chunk, so the stream would pass them unchanged.
 * Here the few places that can need a change (the chunk's start, the bytes
 * around each CR and LF) are found with Buffer#indexOf (memchr), about a
 * twentieth of the cost: a chunk with none is passed on as is, any other gets
 * exactly the bytes the loop would have put in, where it would have put them
 * (tests/unit/smtp-data.test.ts compares both on random input). Only connections opened with CHECKED_DATA in their options are
 * concerned: any other use of nodemailer in the process (the benchmark's plain
 * loop among them) runs nodemailer's code unchanged.
 */

/** Transport option that turns the check on for a transport's connections. */
export const CHECKED_DATA = 'mailroomCheckedData';

const CR = 13;
const LF = 10;
const DOT = 46;

const INSERT_LF = Buffer.from('\n');
const INSERT_LF_DOT = Buffer.from('\n.');
const INSERT_CR = Buffer.from('\r');
const INSERT_DOT = Buffer.from('.');

/** nodemailer's rule for one byte: what goes in before it, given the byte before (`false`: none). */
function insertBefore(byte: number, prev: number | false): Buffer | null {
  if (prev === CR && byte !== LF) return byte === DOT ? INSERT_LF_DOT : INSERT_LF;
  if (byte === LF && prev !== CR) return INSERT_CR;
  if (byte === DOT && (prev === LF || prev === false)) return INSERT_DOT;
  return null;
}

/**
 * Where nodemailer's loop would insert bytes into `chunk`, given the byte
 * before it (`false`: the message starts with this chunk), in order. Only
 * bytes at the chunk's start or next to a CR or LF can need one, and those
 * are found with Buffer#indexOf instead of a loop over each byte.
 */
export function changesIn(chunk: Buffer, before: number | false): number[] {
  const at: number[] = [];
  if (insertBefore(chunk[0]!, before)) at.push(0);
  // Searched in the bytes themselves: a string copy of each chunk cost more than the search.
  const last = chunk.length - 1;
  for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
    if (i > 0 && chunk[i - 1] !== CR) at.push(i); // a bare LF (the first byte's was seen above)
    if (i < last && chunk[i + 1] === DOT) at.push(i + 1); // a dot opening a line
  }
  // A bare CR (a last one: the next chunk says).
  for (let i = chunk.indexOf(CR); i !== -1 && i < last; i = chunk.indexOf(CR, i + 1)) if (chunk[i + 1] !== LF) at.push(i + 1);
  return at.length > 1 ? at.sort((a, b) => a - b) : at;
}

/** True when nodemailer's loop would pass `chunk` through unchanged. */
export const passesUnchanged = (chunk: Buffer, before: number | false): boolean => changesIn(chunk, before).length === 0;

type Transform = (this: DataStreamState, chunk: unknown, encoding: BufferEncoding, done: (err?: Error | null) => void) => void;
interface DataStreamState {
  inByteCount: number;
  outByteCount: number;
  lastByte: number | false;
  push(chunk: Buffer): boolean;
  _transform: Transform;
}

// nodemailer's SMTP code is loaded with the first SMTP transport (installCheckedData), not at
// start (memory at rest, issue #16).
let loopFn: Transform | undefined;
const loop = (): Transform =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (loopFn ??= ((require('nodemailer/lib/smtp-connection/data-stream') as typeof DataStream).prototype as unknown as DataStreamState)._transform);

/** Chunks that went through the check, since the process started (tests read it). */
export const checkedData = { chunks: 0 };

/** DataStream's transform without its loop over each byte: the same bytes out. */
export const checkedTransform: Transform = function (chunk, encoding, done) {
  if (!Buffer.isBuffer(chunk) || !chunk.length) return loop().call(this, chunk, encoding, done);
  checkedData.chunks++;
  const changes = changesIn(chunk, this.lastByte);
  let out = chunk;
  if (changes.length) {
    const pieces: Buffer[] = [];
    let from = 0;
    for (const i of changes) {
      if (i > from) pieces.push(chunk.subarray(from, i));
      pieces.push(insertBefore(chunk[i]!, i ? chunk[i - 1]! : this.lastByte)!);
      from = i;
    }
    pieces.push(chunk.subarray(from));
    out = Buffer.concat(pieces);
  }
  this.inByteCount += chunk.length;
  this.outByteCount += out.length;
  this.push(out);
  this.lastByte = chunk[chunk.length - 1]!;
  done();
};

let installed = false;

/** Puts the check on the connections that ask for it (once per process; idempotent). */
export function installCheckedData(): void {
  if (installed) return;
  installed = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const proto = (require('nodemailer/lib/smtp-connection') as typeof SMTPConnection).prototype as unknown as { _createSendStream?: (this: { options?: Record<string, unknown> }, callback: unknown) => DataStreamState };
  const create = proto._createSendStream;
  // Another nodemailer than the one this was written against: its own stream, untouched.
  const original = loop();
  if (typeof create !== 'function' || typeof original !== 'function') return;
  proto._createSendStream = function (callback) {
    const stream = create.call(this, callback);
    if (this.options?.[CHECKED_DATA] === true && stream?._transform === original) stream._transform = checkedTransform;
    return stream;
  };
}
