import fs from 'node:fs';
import type { Storage } from '../storage';

const HEAD_BYTES = 64 * 1024;

/**
 * The Message-ID of a stored raw message read from its first 64 KB only, for
 * mail that is not parsed (too large, or unreadable): the quarantine still
 * names it. RFC 5322 §2.2.3 folding is undone; nothing else is decoded.
 */
export async function peekMessageId(storage: Storage, key: string, body?: Buffer): Promise<string | null> {
  let head = body?.subarray(0, HEAD_BYTES);
  if (!head) {
    const file = await fs.promises.open(storage.path(key), 'r');
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await file.read(buf, 0, HEAD_BYTES, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }
  const text = head.toString('latin1');
  const end = text.search(/\r?\n\r?\n|\r\r/);
  const header = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const m = /^message-id:[ \t]*(.*)$/im.exec(header);
  return m?.[1]?.trim().slice(0, 998) || null;
}
