import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import { threadId } from 'node:worker_threads';
import { createPackWriter, erasePacked, packedExists, packStream, parsePackKey, readPacked, unpackedFile, unpackedPath } from './storage-packs';

/**
 * Content-addressed file storage under <data>/storage: bytes are written once
 * per sha256, streamed (never held whole in memory), and renamed into place so
 * a crash never leaves a half-written object under its final name. Small
 * objects already in memory may be packed instead (`{ pack: true }`): appended
 * to a pack file beside other objects (storage-packs.ts), no file of their own.
 */
export interface StoredObject {
  key: string;
  sha256: string;
  size: number;
}

export interface Storage {
  /** The folder it keeps its files in (a thread opens the same storage from it). */
  readonly root: string;
  /** `pack`: a buffer up to 4 MB goes into a pack file instead of a file of its own (its key then names its place there). */
  put(input: Buffer | Readable | NodeJS.ReadableStream, opts?: { maxBytes?: number; pack?: boolean }): Promise<StoredObject>;
  get(key: string): Readable;
  read(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  /** The object as a file (a packed one is copied out once, for callers that need a path). */
  path(key: string): string;
  /** Writes bytes under a fixed name (e.g. `sent/<id>.eml`), atomically; a stream is written as it comes. */
  putNamed(key: string, data: Buffer | string | Readable): Promise<void>;
  remove(key: string): Promise<void>;
}

// The callback forms, promisified: for whole small files they cost the event loop
// far less than fs.promises (no FileHandle per call), which shows on hot paths.
const readFile = promisify(fs.readFile);
const writeFile = promisify(fs.writeFile);
const rename = promisify(fs.rename);
// Larger buffers get a file of their own even when packing is asked for.
const PACK_OBJECT_BYTES = 4 * 1024 * 1024;

export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`content exceeds ${limit} bytes`);
  }
}

export function createStorage(root: string): Storage {
  fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
  const resolve = (key: string) => {
    const full = path.resolve(root, key);
    if (!full.startsWith(path.resolve(root) + path.sep)) throw new Error(`invalid storage key ${key}`);
    return full;
  };

  const packs = createPackWriter(root, threadId);
  const tmpPath = () => path.join(root, 'tmp', `${process.pid}-${crypto.randomUUID()}`);
  // At most 256 fan-out folders (plus `sent/`): each is created once per process, not once per object.
  const madeDirs = new Set<string>();
  /** Renames a finished temporary file to its final name: a crash never leaves half a file there. */
  const place = async (tmp: string, dest: string) => {
    const dir = path.dirname(dest);
    if (!madeDirs.has(dir)) {
      await fs.promises.mkdir(dir, { recursive: true });
      madeDirs.add(dir);
    }
    await rename(tmp, dest).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT' || !fs.existsSync(tmp)) throw err;
      // The folder was removed behind our back (a cleanup): make it again.
      await fs.promises.mkdir(dir, { recursive: true });
      await rename(tmp, dest);
    });
  };
  const writeStream = async (source: Readable, tmp: string, ...through: Transform[]) => {
    try {
      await pipeline([source, ...through, fs.createWriteStream(tmp)]);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
  };

  return {
    root,
    async put(input, opts = {}) {
      const tmp = tmpPath();
      let sha256: string;
      let size: number;
      if (Buffer.isBuffer(input)) {
        // Already in memory (most mail): one hash and one write, no stream machinery.
        if (opts.maxBytes !== undefined && input.length > opts.maxBytes) throw new TooLargeError(opts.maxBytes);
        sha256 = crypto.createHash('sha256').update(input).digest('hex');
        size = input.length;
        if (opts.pack && size <= PACK_OBJECT_BYTES) return { key: await packs.append(input), sha256, size };
        await writeFile(tmp, input);
      } else {
        const hash = crypto.createHash('sha256');
        let seen = 0;
        const meter = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            seen += chunk.length;
            if (opts.maxBytes !== undefined && seen > opts.maxBytes) return cb(new TooLargeError(opts.maxBytes));
            hash.update(chunk);
            cb(null, chunk);
          },
        });
        await writeStream(input as Readable, tmp, meter);
        sha256 = hash.digest('hex');
        size = seen;
      }
      const key = path.join('objects', sha256.slice(0, 2), sha256);
      // Same name, same bytes: replacing an existing object is harmless and stays atomic.
      await place(tmp, resolve(key));
      return { key, sha256, size };
    },
    get(key) {
      const ref = parsePackKey(key);
      return ref ? packStream(root, ref) : fs.createReadStream(resolve(key));
    },
    read(key) {
      const ref = parsePackKey(key);
      return ref ? readPacked(root, ref) : readFile(resolve(key));
    },
    async exists(key) {
      const ref = parsePackKey(key);
      return ref ? packedExists(root, ref) : fs.promises.access(resolve(key)).then(() => true, () => false);
    },
    path(key) {
      const ref = parsePackKey(key);
      return ref ? unpackedPath(root, key, ref) : resolve(key);
    },
    async putNamed(key, data) {
      const dest = resolve(key);
      const tmp = tmpPath();
      if (typeof data === 'string' || Buffer.isBuffer(data)) await writeFile(tmp, data);
      else await writeStream(data, tmp);
      await place(tmp, dest);
    },
    async remove(key) {
      const ref = parsePackKey(key);
      if (!ref) return fs.promises.rm(resolve(key), { force: true });
      await erasePacked(root, ref);
      await fs.promises.rm(unpackedFile(root, key), { force: true });
    },
  };
}
