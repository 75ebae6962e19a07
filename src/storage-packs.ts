import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';

/*
 * Small objects appended to pack files, many to a file, instead of a file each.
 *
 * Creating a file (a new inode, a directory entry, a rename into place) cost
 * this kind of VM's ext4 0.15–1.0 ms of kernel CPU, more than parsing the mail
 * it held; received mail made 1.33 new files a mail. Appending to a file that
 * is already open costs only the bytes: 2,667 objects of the ingest bench as
 * files took 2.2–2.4 s (1.5–2.0 s of system CPU), as appends to one pack
 * 0.26–0.8 s.
 *
 * A packed object's key names its pack, offset and length
 * (`packs/<pack>/<offset>/<length>`); the bytes are never rewritten. Each
 * storage (one a thread) appends to a pack of its own, created exclusively,
 * so two threads or processes never share one; the space is reserved before
 * the write (writes run side by side at their own offsets), and the caller
 * gets the key once its bytes are written: a row naming the key is inserted
 * after that, as it was after a file's rename. A crash mid-write leaves bytes
 * no row names. A pack is closed when full (64 MB) or after 5 s without a
 * write (a thread that ends has no descriptor left open).
 */
const PACK_BYTES = 64 * 1024 * 1024;
const IDLE_MS = 5_000;
const KEY = /^packs\/([0-9]+-[0-9]+-[0-9a-f-]{36}\.pack)\/([0-9]{1,15})\/([0-9]{1,15})$/;

const open = promisify(fs.open);
const close = promisify(fs.close);
const write = promisify(fs.write);
const read = promisify(fs.read);
const fstat = promisify(fs.fstat);

export interface PackRef {
  /** The pack's file, relative to the storage root. */
  file: string;
  offset: number;
  length: number;
}

export function parsePackKey(key: string): PackRef | null {
  const m = KEY.exec(key);
  return m ? { file: path.join('packs', m[1]!), offset: Number(m[2]), length: Number(m[3]) } : null;
}

interface Pack {
  name: string;
  fd: Promise<number>;
  size: number;
  writing: number;
  sealed: boolean;
}

/** Appends objects to this storage's own pack files under `<root>/packs`. */
export function createPackWriter(root: string, threadId: number) {
  const dir = path.join(root, 'packs');
  let current: Pack | null = null;
  let idle: NodeJS.Timeout | undefined;

  const release = (p: Pack) => {
    if (p.sealed && p.writing === 0) p.fd.then((fd) => close(fd)).catch(() => undefined);
  };
  const seal = () => {
    if (!current) return;
    current.sealed = true;
    release(current);
    current = null;
  };
  const start = (): Pack => {
    const name = `${process.pid}-${threadId}-${crypto.randomUUID()}.pack`;
    const file = path.join(dir, name);
    // 'wx': created here and nowhere else (positioned writes, so not O_APPEND).
    const fd = open(file, 'wx').catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      await fs.promises.mkdir(dir, { recursive: true });
      return open(file, 'wx');
    });
    const pack: Pack = { name, fd, size: 0, writing: 0, sealed: false };
    fd.catch(() => {
      // Not opened (disk full, permissions): the next object tries a new pack.
      if (current === pack) current = null;
    });
    return pack;
  };

  return {
    /** Writes the bytes into a pack and returns their key once they are there. */
    async append(bytes: Buffer): Promise<string> {
      const key = await appendOnce(bytes);
      if (key) return key;
      // The pack was deleted behind our back (a cleanup of the folder): its bytes went nowhere
      // anyone can read, so they go into a new pack.
      return (await appendOnce(bytes)) ?? Promise.reject(new Error('pack files are being deleted as they are written'));
    },
  };

  /** The key, or null when the pack turned out to be unlinked (its bytes then unreadable). */
  async function appendOnce(bytes: Buffer): Promise<string | null> {
    if (current && current.size > 0 && current.size + bytes.length > PACK_BYTES) seal();
    const pack = (current ??= start());
    const offset = pack.size;
    pack.size += bytes.length;
    pack.writing += 1;
    clearTimeout(idle);
    try {
      const fd = await pack.fd;
      for (let done = 0; done < bytes.length;) {
        const { bytesWritten } = await write(fd, bytes, done, bytes.length - done, offset + done);
        done += bytesWritten;
      }
      if ((await fstat(fd)).nlink === 0) {
        if (current === pack) seal();
        return null;
      }
    } finally {
      pack.writing -= 1;
      release(pack);
      if (current === pack && pack.writing === 0) idle = setTimeout(seal, IDLE_MS).unref();
    }
    return `packs/${pack.name}/${offset}/${bytes.length}`;
  }
}

/** A packed object's bytes as a stream (the documents API, the raw .eml download). */
export function packStream(root: string, ref: PackRef): Readable {
  if (ref.length === 0) return Readable.from([]);
  return fs.createReadStream(path.join(root, ref.file), { start: ref.offset, end: ref.offset + ref.length - 1 });
}

/** A packed object's bytes; a pack shorter than the key says is an error, never short bytes. */
export async function readPacked(root: string, ref: PackRef): Promise<Buffer> {
  const buf = Buffer.alloc(ref.length);
  if (!ref.length) return buf;
  const fd = await open(path.join(root, ref.file), 'r');
  try {
    for (let done = 0; done < ref.length;) {
      const { bytesRead } = await read(fd, buf, done, ref.length - done, ref.offset + done);
      if (!bytesRead) throw Object.assign(new Error(`pack ${ref.file} ends before ${ref.offset + ref.length}`), { code: 'ENOENT' });
      done += bytesRead;
    }
  } finally {
    await close(fd);
  }
  return buf;
}

export async function packedExists(root: string, ref: PackRef): Promise<boolean> {
  const stat = await fs.promises.stat(path.join(root, ref.file)).catch(() => null);
  return stat !== null && stat.size >= ref.offset + ref.length;
}

/**
 * A packed object as a file of its own, for the few callers that need a path
 * (nodemailer's file attachments when a received document is sent on): copied
 * out once under `unpacked/`, synchronously (path() is), at most a few MB.
 */
export function unpackedPath(root: string, key: string, ref: PackRef): string {
  const dest = unpackedFile(root, key);
  if (fs.existsSync(dest)) return dest;
  const buf = Buffer.alloc(ref.length);
  const fd = fs.openSync(path.join(root, ref.file), 'r');
  try {
    for (let done = 0; done < ref.length;) {
      const n = fs.readSync(fd, buf, done, ref.length - done, ref.offset + done);
      if (!n) throw new Error(`pack ${ref.file} ends before ${ref.offset + ref.length}`);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = path.join(root, 'tmp', `${process.pid}-${crypto.randomUUID()}`);
  fs.writeFileSync(tmp, buf);
  fs.renameSync(tmp, dest);
  return dest;
}

/** Where `unpackedPath` copies a packed object out. */
export const unpackedFile = (root: string, key: string) => path.join(root, 'unpacked', key.slice('packs/'.length).replaceAll('/', '-'));

/** Removal of a packed object: its bytes overwritten with zeros (the pack itself stays). */
export async function erasePacked(root: string, ref: PackRef): Promise<void> {
  if (!ref.length) return;
  const fd = await open(path.join(root, ref.file), 'r+').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (fd === null) return;
  try {
    await write(fd, Buffer.alloc(ref.length), 0, ref.length, ref.offset);
  } finally {
    await close(fd);
  }
}
