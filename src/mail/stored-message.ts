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

/** Where a message as sent is kept: its pack key when it has one (SentEmail.messageKey), else the fixed name. */
export const messageKeyOf = (row: { id: string; messageKey: string | null }) => row.messageKey ?? sentMessageKey(row.id);

/** Every file (or packed object, erased in place) a sent message may leave in storage: removed with its row. */
export const storedMessageKeys = (row: { id: string; messageKey: string | null }) => [
  ...(row.messageKey ? [row.messageKey] : []), sentMessageKey(row.id), sealedMessageKey(row.id), acceptedMarkKey(row.id),
];

/** A message as stored before its first try: its key, and its bytes when held in memory (else streamed from the key). */
export interface StoredMessage {
  key: string;
  bytes: Buffer | null;
}

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
  async function storeSealed(row: SentEmail, org: OrgKeys | undefined, triedBefore: boolean): Promise<StoredMessage> {
    const sealed = sealedMessageKey(row.id);
    const key = sentMessageKey(row.id);
    if (triedBefore && (await storage.exists(sealed))) return { key, bytes: Buffer.from(deps.secrets.decrypt((await storage.read(sealed)).toString('utf8')), 'base64') };
    const original = JSON.parse(deps.secrets.decrypt(row.secretEnc!)) as { subject: string; text?: string; html?: string };
    const bytes = await compose({ ...row, subject: original.subject, textBody: original.text ?? null, htmlBody: original.html ?? null }, org);
    await storage.putNamed(sealed, deps.secrets.encrypt(bytes.toString('base64')));
    await storage.putNamed(key, await compose(row, undefined));
    return { key, bytes };
  }

  /**
   * Stores the message before its first try and gives its key; its bytes too
   * when it was just built and small enough to keep in memory (then it is sent
   * from memory), else it is streamed from storage. A message built in memory
   * is appended to a pack file (no file of its own); the caller must keep its
   * key durably before sending it (a retry re-sends those bytes: same
   * Message-ID, same Date, same signature). `known`: attachment bytes the
   * caller holds already (a calendar part it has just stored), not read back
   * from disk. `triedBefore`: an earlier attempt may have stored it (by
   * default: attempts were counted), under `prior` (its recorded key) or the
   * fixed name; a first attempt cannot have, so storage is not asked.
   */
  async function storeComposed(row: SentEmail, org: OrgKeys | undefined, opts: { known?: Map<string, Buffer>; triedBefore?: boolean; prior?: string | null } = {}): Promise<StoredMessage> {
    const triedBefore = opts.triedBefore ?? row.attempts > 0;
    if (row.secretEnc) return storeSealed(row, org, triedBefore);
    const named = sentMessageKey(row.id);
    if (triedBefore) {
      for (const key of new Set([opts.prior ?? row.messageKey, named])) if (key && (await storage.exists(key))) return { key, bytes: null };
    }
    const attachments = row.attachments as unknown as AttachmentRef[];
    const small = attachments.reduce((n, a) => n + (a.size ?? 0), 0) <= IN_MEMORY_BYTES;
    if (!small) {
      await storage.putNamed(named, signed(composeMessage(messageInput(row, undefined)), org));
      return { key: named, bytes: null };
    }
    // Built beside the main thread (reading the attachments too), which meanwhile sends and records
    // others; bytes the caller already holds (a calendar part) are composed here instead of read back.
    if (opts.known?.size) {
      const bytes = await compose(row, org, opts.known);
      await storage.putNamed(named, bytes);
      return { key: named, bytes };
    }
    // The thread stores it too, appended to its own pack file (src/storage-packs.ts's format).
    const { bytes, key } = await composer.compose(composeOptions(messageInput(row, undefined)), dkimKey(org), { root: storage.root });
    return { key: key!, bytes };
  }

  return { storeComposed };
}
