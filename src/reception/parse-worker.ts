import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { createStorage, type Storage } from '../storage';
import { RawStoreError, readMail } from './read-mail';

/*
 * The parsing thread's entry (started by parse-thread.ts): reads each mail it
 * is given with the same `readMail` the main thread would run, into the same
 * storage folder, and answers with the result or the error. Mails are read side
 * by side as they come, as a group was on the main thread.
 */
export interface ReadRequest {
  id: number;
  root: string;
  maxBytes: number;
  body: Uint8Array;
}

// Named for `top -H`, /proc and the benchmarks' CPU split (Linux; elsewhere it keeps Node's name).
// Only once its first mail is done: a thread takes the name of the one that starts it, and libuv
// starts its file threads on first use, which may be this thread's.
let named = false;
const name = () => {
  named = true;
  try {
    // Synchronous: written from this thread, /proc/thread-self is this thread.
    fs.writeFileSync('/proc/thread-self/comm', 'mail-parse');
  } catch {
    // not Linux, or no /proc
  }
};

const storages = new Map<string, Storage>();
const port = parentPort!;
// A mail in memory is never streamed: `readMail` only opens a stream when it has no body.
const noStream = () => Promise.reject(new Error('no stream in the parsing thread'));

port.on('message', ({ id, root, maxBytes, body }: ReadRequest) => {
  let storage = storages.get(root);
  if (!storage) storages.set(root, (storage = createStorage(root)));
  readMail(storage, maxBytes, Buffer.from(body.buffer, body.byteOffset, body.byteLength), noStream).then(
    (mail) => {
      port.postMessage({ id, mail });
      if (!named) name();
    },
    (err: unknown) => port.postMessage({ id, error: err instanceof Error ? err.message : String(err), rawStore: err instanceof RawStoreError }),
  );
});
