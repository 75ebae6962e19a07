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
    // Through storage (the object may be a range of a pack file), only the first 64 KB.
    const chunks: Buffer[] = [];
    let read = 0;
    for await (const chunk of storage.get(key)) {
      chunks.push(chunk as Buffer);
      read += (chunk as Buffer).length;
      if (read >= HEAD_BYTES) break;
    }
    head = Buffer.concat(chunks).subarray(0, HEAD_BYTES);
  }
  const text = head.toString('latin1');
  const end = text.search(/\r?\n\r?\n|\r\r/);
  const header = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const m = /^message-id:[ \t]*(.*)$/im.exec(header);
  return m?.[1]?.trim().slice(0, 998) || null;
}
