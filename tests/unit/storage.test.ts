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
});
