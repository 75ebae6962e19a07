import { Worker } from 'node:worker_threads';
import type Mail from 'nodemailer/lib/mailer';
import { dkimOptions, type DkimKey } from '../outgoing/dkim';

/*
 * MIME composition off the main thread: reading the attachments, base64 and
 * headers, DKIM signing. On a batch's main thread this was a quarter of the
 * CPU of each message, next to the SMTP dialogue, the database and Temporal;
 * here it runs beside them. CommonJS run with `eval`, so the thread needs no
 * TypeScript loader (tests, tsx and the compiled build alike), and nodemailer
 * builds the message exactly as on the main thread.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const MailComposer = require(workerData.composer);
const DKIM = require(workerData.dkim);
const path = require('node:path');
const { promisify } = require('node:util');
const writeFile = promisify(fs.writeFile);
const rename = promisify(fs.rename);
// Writes the message where it is kept, atomically (a temporary file renamed into place). On libuv's
// file threads, not this one: creating a file costs 0.5-1.5 ms on this machine's disk, and done here
// it held up every message behind it (the thread composes the next ones meanwhile).
async function store({ tmp, dest }, bytes) {
  try {
    await writeFile(tmp, bytes);
    try {
      await rename(tmp, dest);
    } catch (err) {
      // The folder does not exist yet (or was removed by a cleanup): make it once.
      if (err.code !== 'ENOENT' || !fs.existsSync(tmp)) throw err;
      await fs.promises.mkdir(path.dirname(dest), { recursive: true });
      await rename(tmp, dest);
    }
  } catch (err) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}
// Its thread id, so a benchmark can tell its CPU from the process's other threads (Linux only).
try { parentPort.postMessage({ tid: Number(fs.readlinkSync('/proc/thread-self').split('/').pop()) }); } catch {}
parentPort.on('message', async ({ id, options, dkim, keep }) => {
  try {
    // Small attachments are read whole: cheaper than a stream each, and the message is held whole anyway.
    for (const a of options.attachments || []) if (a.path) { a.content = fs.readFileSync(a.path); delete a.path; }
    let stream = new MailComposer(options).compile().createReadStream();
    if (dkim) stream = new DKIM(dkim).sign(stream);
    const chunks = [];
    let size = 0;
    for await (const c of stream) { chunks.push(c); size += c.length; }
    // Its own memory, handed over without a copy.
    const out = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) { out.set(c, at); at += c.length; }
    if (keep) await store(keep, out);
    parentPort.postMessage({ id, bytes: out }, [out.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.stack) || err) });
  }
});
`;

/** Where the thread stores the message before handing it back: `tmp` is renamed to `dest`. */
export interface KeepAt {
  tmp: string;
  dest: string;
}

export interface ComposeThread {
  /**
   * Builds (and signs) a message whose attachments are given as file paths;
   * with `keep`, stores it there first (the message is stored before it is
   * sent: the file's syscalls, ~0.3 ms a message, stay off the main thread).
   */
  compose(options: Mail.Options, dkim?: DkimKey, keep?: KeepAt): Promise<Buffer>;
  close(): Promise<void>;
  /** The thread's id in /proc once it has started (Linux), for CPU accounting. */
  threadId(): number | undefined;
}

/** One thread, started on first use and restarted if it dies; it never keeps the process alive. */
export function composeThread(): ComposeThread {
  let worker: Worker | undefined;
  let next = 0;
  let tid: number | undefined;
  const pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  const start = () => {
    const w = new Worker(WORKER, { eval: true, workerData: { composer: require.resolve('nodemailer/lib/mail-composer'), dkim: require.resolve('nodemailer/lib/dkim') } });
    w.unref();
    w.on('message', (m: { id: number; bytes?: Uint8Array; error?: string; tid?: number }) => {
      if (m.tid !== undefined) return void (tid = m.tid);
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.bytes) p?.resolve(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
      else p?.reject(new Error(`composing the message failed: ${m.error}`));
    });
    const fail = (err: Error) => {
      if (worker === w) worker = undefined;
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the composing thread stopped (exit code ${code})`)));
    return w;
  };
  return {
    compose(options, dkim, keep) {
      worker ??= start();
      const id = next++;
      return new Promise<Buffer>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker!.postMessage({ id, options, dkim: dkim ? dkimOptions(dkim) : undefined, keep });
      });
    },
    threadId: () => (worker ? tid : undefined),
    async close() {
      const w = worker;
      worker = undefined;
      await w?.terminate();
    },
  };
}
