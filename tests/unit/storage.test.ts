import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createStorage, TooLargeError } from '../../src/storage';

describe('content-addressed storage', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-storage-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('stores the same bytes under the same key whether they come as a buffer or a stream', async () => {
    const storage = createStorage(root);
    const bytes = crypto.randomBytes(300_000);
    const a = await storage.put(bytes);
    const b = await storage.put(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
    expect(b).toEqual(a);
    expect(a.sha256).toBe(crypto.createHash('sha256').update(bytes).digest('hex'));
    expect(a.size).toBe(bytes.length);
    expect((await storage.read(a.key)).equals(bytes)).toBe(true);
    // Nothing half-written is left behind.
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });

  it('refuses content over the limit from a buffer and from a stream, keeping nothing', async () => {
    const storage = createStorage(root);
    await expect(storage.put(Buffer.alloc(11), { maxBytes: 10 })).rejects.toBeInstanceOf(TooLargeError);
    await expect(storage.put(Readable.from([Buffer.alloc(6), Buffer.alloc(6)]), { maxBytes: 10 })).rejects.toBeInstanceOf(TooLargeError);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    expect(fs.existsSync(path.join(root, 'objects'))).toBe(false);
  });

  it('still stores after its folders were removed behind its back', async () => {
    const storage = createStorage(root);
    const first = await storage.put(Buffer.from('first'));
    fs.rmSync(path.join(root, 'objects'), { recursive: true });
    const again = await storage.put(Buffer.from('first'));
    expect(again.key).toBe(first.key);
    expect((await storage.read(again.key)).toString()).toBe('first');
  });

  it('packs small buffers into one file, each read back whole, by range, as a path, and erased', async () => {
    const storage = createStorage(root);
    const objects = [crypto.randomBytes(10_000), Buffer.alloc(0), crypto.randomBytes(70_000), Buffer.from('third')];
    const stored = await Promise.all(objects.map((b) => storage.put(b, { pack: true })));
    expect(fs.readdirSync(path.join(root, 'packs'))).toHaveLength(1);
    expect(fs.existsSync(path.join(root, 'objects'))).toBe(false);
    for (const [i, s] of stored.entries()) {
      expect(s.key).toMatch(/^packs\//);
      expect(s.size).toBe(objects[i]!.length);
      expect(s.sha256).toBe(crypto.createHash('sha256').update(objects[i]!).digest('hex'));
      expect((await storage.read(s.key)).equals(objects[i]!)).toBe(true);
      const chunks: Buffer[] = [];
      for await (const c of storage.get(s.key)) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(objects[i]!)).toBe(true);
      expect(await storage.exists(s.key)).toBe(true);
    }
    // A caller that needs a file (nodemailer's path attachments) gets a copy of the range.
    expect(fs.readFileSync(storage.path(stored[2]!.key)).equals(objects[2]!)).toBe(true);
    await storage.remove(stored[2]!.key);
    expect(fs.existsSync(storage.path(stored[0]!.key))).toBe(true);
    expect((await storage.read(stored[2]!.key)).equals(Buffer.alloc(70_000))).toBe(true);
    expect((await storage.read(stored[3]!.key)).toString()).toBe('third');
    // A key past the pack's end is not there, and reading it fails rather than returning short bytes.
    const beyond = stored[3]!.key.replace(/\/\d+\/\d+$/, '/999999999/10');
    expect(await storage.exists(beyond)).toBe(false);
    await expect(storage.read(beyond)).rejects.toThrow();
  });

  it('keeps a file of its own for large buffers and streams even when packing is asked for', async () => {
    const storage = createStorage(root);
    const big = await storage.put(Buffer.alloc(5 * 1024 * 1024, 1), { pack: true });
    const streamed = await storage.put(Readable.from([Buffer.from('streamed')]), { pack: true });
    expect(big.key).toMatch(/^objects\//);
    expect(streamed.key).toMatch(/^objects\//);
  });

  it('packs again after its pack folder was removed behind its back', async () => {
    const storage = createStorage(root);
    await storage.put(Buffer.from('first'), { pack: true });
    fs.rmSync(path.join(root, 'packs'), { recursive: true });
    // Its open pack is now unlinked: bytes written there could never be read, so a new pack is made.
    const again = await storage.put(Buffer.from('again'), { pack: true });
    expect((await storage.read(again.key)).toString()).toBe('again');
  });
});
