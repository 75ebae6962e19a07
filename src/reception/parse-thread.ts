import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Storage } from '../storage';
import { RawStoreError, readMail, type ReadMail } from './read-mail';
import type { ReadRequest } from './parse-worker';

/*
 * Received mail parsed off the main thread. On the main thread, mailparser,
 * hashing and writing each mail's files were most of a mail's CPU, next to
 * the IMAP fetch, the database and Temporal, which then waited for it; in a
 * thread of their own they run beside them, on the other core. One thread for
 * the process, shared by every poll (the machine this runs on has few cores,
 * and the main thread keeps plenty to do).
 *
 * If the thread dies (a crash, or a mail that exhausts its memory), the mails
 * it was reading are read on the main thread, as they were before the thread
 * existed, and a new thread starts for the next ones; a thread that cannot
 * start at all (three times without answering) is given up for the process.
 */
const ENTRY = path.join(__dirname, `parse-worker${path.extname(__filename)}`);
const GIVE_UP_AFTER = 3;
const IDLE_MS = 30_000;
// One: on the 2-core machine two threads took more CPU a mail in all (two heaps to collect) and
// did no better; the main thread keeps less than half a mail's CPU, the thread the rest.
const THREADS = 1;

function startWorker(): Worker {
  // Compiled (dist/): plain JavaScript. From the sources (tsx, tests): the thread loads tsx's
  // CommonJS hook itself, as a thread does not inherit a loader registered with --import.
  if (ENTRY.endsWith('.js')) return new Worker(ENTRY);
  const tsx = require.resolve('tsx/cjs/api');
  return new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(ENTRY)});`, { eval: true });
}

type Answer = { id: number; mail: ReadMail } | { id: number; error: string; rawStore: boolean };
interface Job {
  resolve(mail: ReadMail): void;
  reject(err: Error): void;
  /** The same mail read on the main thread, if the thread dies first. */
  fallback(): void;
}
interface Slot {
  worker?: Worker;
  jobs: Map<number, Job>;
  idle?: NodeJS.Timeout;
}

const slots: Slot[] = Array.from({ length: THREADS }, () => ({ jobs: new Map() }));
let next = 0;
let failedStarts = 0;

function start(slot: Slot): Worker {
  const w = startWorker();
  let answered = false;
  w.unref();
  w.on('message', (m: Answer) => {
    answered = true;
    failedStarts = 0;
    const job = slot.jobs.get(m.id);
    slot.jobs.delete(m.id);
    // Held by the process only while it has work: an idle thread never keeps it alive, and one
    // idle for a while ends, giving its memory back (~20 MB) until the next poll brings mail.
    if (!slot.jobs.size) {
      w.unref();
      clearTimeout(slot.idle);
      slot.idle = setTimeout(() => void w.terminate(), IDLE_MS).unref();
    }
    if (!job) return;
    // The Date made again here: one cloned from the thread belongs to Node's own realm, which is not
    // this module's under a VM context (jest), and `instanceof Date` (dbDate) would turn it away.
    if ('mail' in m) job.resolve(m.mail.date ? { ...m.mail, date: new Date(m.mail.date.getTime()) } : m.mail);
    else job.reject(m.rawStore ? new RawStoreError(m.error) : new Error(m.error));
  });
  const died = () => {
    if (slot.worker !== w) return;
    slot.worker = undefined;
    if (!answered) failedStarts += 1;
    const orphans = [...slot.jobs.values()];
    slot.jobs.clear();
    for (const job of orphans) job.fallback();
  };
  w.on('error', died);
  w.on('exit', died);
  slot.worker = w;
  return w;
}

/** The thread with the fewest mails in hand (started if needed), or none once threads could not start. */
function pick(): { slot: Slot; worker: Worker } | undefined {
  if (failedStarts >= GIVE_UP_AFTER) return undefined;
  const slot = slots.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
  try {
    return { slot, worker: slot.worker ?? start(slot) };
  } catch {
    // No thread can be made here (no TypeScript loader installed, a path Node refuses): the main thread reads.
    failedStarts = GIVE_UP_AFTER;
    return undefined;
  }
}

/** `read` for prepareMessage: mails in memory are read by a parsing thread into `storage`. */
export function readInThread(storage: Storage): (body: Buffer, maxBytes: number) => Promise<ReadMail> {
  const here = (body: Buffer, maxBytes: number) => readMail(storage, maxBytes, body, () => Promise.reject(new Error('no stream for a mail in memory')));
  return (body, maxBytes) => {
    const picked = pick();
    if (!picked) return here(body, maxBytes);
    const { slot, worker } = picked;
    return new Promise<ReadMail>((resolve, reject) => {
      const id = next++;
      slot.jobs.set(id, { resolve, reject, fallback: () => void here(body, maxBytes).then(resolve, reject) });
      if (slot.jobs.size === 1) {
        worker.ref();
        clearTimeout(slot.idle);
      }
      // A copy of the mail's bytes alone, handed over without a second copy: the fetched body may
      // be a view into a larger buffer, which cloning would copy whole; the original stays here for a fallback.
      const bytes = new Uint8Array(body);
      const request: ReadRequest = { id, root: storage.root, maxBytes, body: bytes };
      worker.postMessage(request, [bytes.buffer]);
    });
  };
}

/** Stops the parsing threads (mails they were reading are read here instead); the next read starts them again. */
export async function stopParseThreads(): Promise<void> {
  await Promise.all(slots.map((s) => s.worker?.terminate()));
}
