import { Worker } from 'node:worker_threads';
import type Mail from 'nodemailer/lib/mailer';
import { dkimOptions, type DkimKey } from '../outgoing/dkim';
import { SERIALIZE_MIME_SOURCE } from './mime-serialize';

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
const { Encoder: QpEncoder } = require(workerData.qp);
const path = require('node:path');
const { promisify } = require('node:util');
const { randomUUID } = require('node:crypto');
const { threadId } = require('node:worker_threads');
const open = promisify(fs.open);
const write = promisify(fs.write);
const fstat = promisify(fs.fstat);
// The message appended to this thread's own pack file (the format of src/storage-packs.ts, whose
// storage reads it: packs/<pid>-<thread>-<uuid>.pack/<offset>/<length>), not a file of its own:
// creating a file cost this machine's disk 0.15-1.0 ms of kernel CPU a message. The writes run on
// libuv's file threads, side by side at their reserved offsets; the key is handed back once the
// bytes are there. A pack is closed when full or after 5 s without a write.
const PACK_BYTES = 64 * 1024 * 1024;
let pack = null;
let idle;
const seal = () => {
  const p = pack;
  pack = null;
  if (p) p.sealed = true;
  if (p && p.writing === 0) p.fd.then((fd) => fs.close(fd, () => {})).catch(() => {});
};
async function appendOnce(root, bytes) {
  if (pack && pack.size > 0 && pack.size + bytes.length > PACK_BYTES) seal();
  if (!pack) {
    const name = process.pid + '-' + threadId + '-' + randomUUID() + '.pack';
    const file = path.join(root, 'packs', name);
    // 'wx': created here and nowhere else (positioned writes, so not O_APPEND).
    const fd = open(file, 'wx').catch(async (err) => {
      if (err.code !== 'ENOENT') throw err;
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      return open(file, 'wx');
    });
    // Not opened (disk full, permissions): the next message tries a new pack.
    fd.catch(() => {});
    pack = { name, fd, size: 0, writing: 0, sealed: false };
  }
  const p = pack;
  const offset = p.size;
  p.size += bytes.length;
  p.writing++;
  clearTimeout(idle);
  try {
    const fd = await p.fd;
    for (let done = 0; done < bytes.length;) done += (await write(fd, bytes, done, bytes.length - done, offset + done)).bytesWritten;
    // Deleted behind our back (a cleanup of the folder): those bytes went nowhere anyone can read.
    if ((await fstat(fd)).nlink === 0) { if (pack === p) seal(); return null; }
  } catch (err) {
    if (pack === p) seal();
    throw err;
  } finally {
    p.writing--;
    if (p.sealed && p.writing === 0) p.fd.then((fd) => fs.close(fd, () => {})).catch(() => {});
    if (pack === p && p.writing === 0) idle = setTimeout(seal, 5000).unref();
  }
  return 'packs/' + p.name + '/' + offset + '/' + bytes.length;
}
async function store(root, bytes) {
  return (await appendOnce(root, bytes)) || (await appendOnce(root, bytes)) || Promise.reject(new Error('pack files are being deleted as they are written'));
}
${SERIALIZE_MIME_SOURCE}
// Its thread id, so a benchmark can tell its CPU from the process's other threads (Linux only).
try { parentPort.postMessage({ tid: Number(fs.readlinkSync('/proc/thread-self').split('/').pop()) }); } catch {}
parentPort.on('message', async ({ id, options, dkim, keep }) => {
  try {
    // Small attachments are read whole: cheaper than a stream each, and the message is held whole anyway.
    for (const a of options.attachments || []) if (a.path) { a.content = fs.readFileSync(a.path); delete a.path; }
    const root = new MailComposer(options).compile();
    // Written in one pass when it can be (src/mail/mime-serialize.ts), streamed otherwise; DKIM signs either.
    let message = serializeMime(root, QpEncoder);
    if (!message || dkim) {
      const chunks = [];
      for await (const c of dkim ? new DKIM(dkim).sign(message || root.createReadStream()) : root.createReadStream()) chunks.push(c);
      message = Buffer.concat(chunks);
    }
    // Its own memory (never a slice of Buffer's shared pool), handed over without a copy.
    const out = new Uint8Array(message.length);
    out.set(message);
    const key = keep ? await store(keep.root, out) : undefined;
    parentPort.postMessage({ id, bytes: out, key }, [out.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.stack) || err) });
  }
});
`;

/** Where the thread stores the message before handing it back: appended to its pack under `root`. */
export interface KeepAt {
  root: string;
}

/** The message's bytes and, when kept, its storage key. */
export interface Composed {
  bytes: Buffer;
  key?: string;
}

export interface ComposeThread {
  /**
   * Builds (and signs) a message whose attachments are given as file paths;
   * with `keep`, stores it there first and gives its key (the message is
   * stored before it is sent: the file's syscalls stay off the main thread).
   */
  compose(options: Mail.Options, dkim?: DkimKey, keep?: KeepAt): Promise<Composed>;
  close(): Promise<void>;
  /** The thread's id in /proc once it has started (Linux), for CPU accounting. */
  threadId(): number | undefined;
}

/** One thread, started on first use and restarted if it dies; it never keeps the process alive. */
export function composeThread(): ComposeThread {
  let worker: Worker | undefined;
  let next = 0;
  let tid: number | undefined;
  const pending = new Map<number, { resolve: (c: Composed) => void; reject: (e: Error) => void }>();
  const start = () => {
    const w = new Worker(WORKER, { eval: true, workerData: { composer: require.resolve('nodemailer/lib/mail-composer'), dkim: require.resolve('nodemailer/lib/dkim'), qp: require.resolve('nodemailer/lib/qp') } });
    w.unref();
    w.on('message', (m: { id: number; bytes?: Uint8Array; key?: string; error?: string; tid?: number }) => {
      if (m.tid !== undefined) return void (tid = m.tid);
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.bytes) p?.resolve({ bytes: Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength), key: m.key });
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
      return new Promise<Composed>((resolve, reject) => {
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
