import { Readable } from 'node:stream';
import fc from 'fast-check';
import { inlineType, peekHead } from '../../src/documents/inline';

const collect = async (s: Readable) => {
  const out: Buffer[] = [];
  for await (const c of s) out.push(c as Buffer);
  return Buffer.concat(out);
};
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('files shown inline in the browser', () => {
  it('reads the first bytes and still serves every byte of the file, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 64 }), async (bytes, sizes, n) => {
        const file = Buffer.from(bytes);
        const chunks: Buffer[] = [];
        for (let at = 0, i = 0; at < file.length; i += 1) {
          const size = sizes[i % sizes.length]!;
          chunks.push(file.subarray(at, at + size));
          at += size;
        }
        const { head, stream } = await peekHead(Readable.from(chunks), n);
        expect(head).toEqual(file.subarray(0, n));
        expect(await collect(stream)).toEqual(file);
      }),
    );
  });

  it('closes the file when the answer is refused after the peek', async () => {
    const file = new Readable({ read() {} });
    file.push(PNG);
    const { head, stream } = await peekHead(file, 8);
    expect(inlineType('image/png', head)).toBe('image/png');
    stream.destroy();
    await new Promise((r) => setImmediate(r));
    expect(file.destroyed).toBe(true);
  });

  it('serves a PNG only when its bytes are a PNG, never what merely claims to be one', () => {
    expect(inlineType('image/png', PNG)).toBe('image/png');
    expect(inlineType('application/octet-stream', PNG)).toBe('image/png');
    expect(inlineType('image/png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg">'))).toBeNull();
    expect(inlineType('image/svg+xml', PNG)).toBeNull();
    expect(inlineType('application/pdf', Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
  });
});
