import { randomUUID } from 'node:crypto';
import type { SentEmail } from '../generated/prisma/client';
import { signMessage } from '../outgoing/dkim';
import type { SecretBox } from '../secrets';
import type { Storage } from '../storage';
import { acceptedMarkKey } from './accepted-marks';
import { composeMessage, composeOptions, type AttachmentRef } from './compose';
import { composeThread } from './compose-thread';

export const sentMessageKey = (sentEmailId: string) => `sent/${sentEmailId}.eml`;
/** The original of a message carrying a credential (SentEmail.secretEnc), encrypted; sentMessageKey then holds the masked copy staff download. */
export const sealedMessageKey = (sentEmailId: string) => `sent/${sentEmailId}.eml.sealed`;

/** Every file a sent message may leave in storage: removed with its row. */
export const storedMessageKeys = (sentEmailId: string) => [sentMessageKey(sentEmailId), sealedMessageKey(sentEmailId), acceptedMarkKey(sentEmailId)];

export type OrgKeys = { id: string; bounceDomain: string | null; dkimDomain: string | null; dkimSelector: string | null; dkimPrivateKeyEnc: string | null };

// Messages whose attachments add up to no more than this are built and sent from memory.
const IN_MEMORY_BYTES = 4 * 1024 * 1024;

// One for the process, started with the first message (see src/mail/compose-thread.ts).
const composer = composeThread();

/** The composing thread's id in /proc, once started (benchmarks name its CPU). */
export const composingThreadId = () => composer.threadId();

/**
 * The message as sent, signed once and stored before the first try: a re-send
 * is byte-identical (same Message-ID, same Date).
 */
export function createMessageStore(deps: { storage: Storage; secrets: SecretBox }) {
  const { storage } = deps;

  /** Composes (and signs) a message whole, in memory; `known` holds attachment bytes the caller has already. */
  async function compose(row: SentEmail, org: OrgKeys | undefined, known?: Map<string, Buffer>): Promise<Buffer> {
    const attachments = row.attachments as unknown as AttachmentRef[];
    const contents = new Map(await Promise.all(attachments.map(async (a) => [a.storageKey, known?.get(a.storageKey) ?? (await storage.read(a.storageKey))] as const)));
    const chunks: Buffer[] = [];
    for await (const chunk of signed(composeMessage(messageInput(row, contents)), org)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  const messageInput = (row: SentEmail, contents: Map<string, Buffer> | undefined) => ({
    messageId: row.messageId, date: new Date(), from: row.fromAddress, replyTo: row.replyTo, to: row.to, cc: row.cc, bcc: row.bcc, subject: row.subject,
    text: row.textBody, html: row.htmlBody, headers: { ...(row.headers as Record<string, string>), 'X-Mailroom-Id': row.id },
    attachments: row.attachments as unknown as AttachmentRef[], storagePath: storage.path, contents,
  });

  const dkimKey = (org: OrgKeys | undefined) =>
    org?.dkimDomain && org.dkimSelector && org.dkimPrivateKeyEnc ? { domainName: org.dkimDomain, keySelector: org.dkimSelector, privateKey: deps.secrets.decrypt(org.dkimPrivateKeyEnc) } : undefined;

  const signed = (composed: ReturnType<typeof composeMessage>, org: OrgKeys | undefined) => {
    const key = dkimKey(org);
    return key ? signMessage(composed, key) : composed;
  };

  /**
   * A message carrying a credential: the original is composed from the
   * encrypted bodies, stored encrypted and sent from memory (every retry sends
   * these exact bytes); a masked copy goes where staff download the .eml.
   */
  async function storeSealed(row: SentEmail, org: OrgKeys | undefined, triedBefore: boolean): Promise<Buffer> {
    const sealed = sealedMessageKey(row.id);
    if (triedBefore && (await storage.exists(sealed))) return Buffer.from(deps.secrets.decrypt((await storage.read(sealed)).toString('utf8')), 'base64');
    const original = JSON.parse(deps.secrets.decrypt(row.secretEnc!)) as { subject: string; text?: string; html?: string };
    const bytes = await compose({ ...row, subject: original.subject, textBody: original.text ?? null, htmlBody: original.html ?? null }, org);
    await storage.putNamed(sealed, deps.secrets.encrypt(bytes.toString('base64')));
    await storage.putNamed(sentMessageKey(row.id), await compose(row, undefined));
    return bytes;
  }

  /**
   * Stores the message before its first try. Returns the bytes when it was just
   * built and small enough to keep in memory (then it is sent from memory); else
   * it is streamed from storage. `known`: attachment bytes the caller holds
   * already (a calendar part it has just stored), not read back from disk.
   * `triedBefore`: an earlier attempt may have stored it (by default: attempts
   * were counted); a first attempt cannot have, so storage is not asked.
   */
  async function storeComposed(row: SentEmail, org: OrgKeys | undefined, opts: { known?: Map<string, Buffer>; triedBefore?: boolean } = {}): Promise<Buffer | null> {
    const triedBefore = opts.triedBefore ?? row.attempts > 0;
    if (row.secretEnc) return storeSealed(row, org, triedBefore);
    const key = sentMessageKey(row.id);
    if (triedBefore && (await storage.exists(key))) return null;
    const attachments = row.attachments as unknown as AttachmentRef[];
    const small = attachments.reduce((n, a) => n + (a.size ?? 0), 0) <= IN_MEMORY_BYTES;
    if (!small) {
      await storage.putNamed(key, signed(composeMessage(messageInput(row, undefined)), org));
      return null;
    }
    // Built beside the main thread (reading the attachments too), which meanwhile sends and records
    // others; bytes the caller already holds (a calendar part) are composed here instead of read back.
    if (opts.known?.size) {
      const bytes = await compose(row, org, opts.known);
      await storage.putNamed(key, bytes);
      return bytes;
    }
    // The thread stores it too (in storage's tmp folder, then renamed into place, as putNamed does).
    const keep = { tmp: storage.path(`tmp/${process.pid}-${randomUUID()}`), dest: storage.path(key) };
    return composer.compose(composeOptions(messageInput(row, undefined)), dkimKey(org), keep);
  }

  return { storeComposed };
}
