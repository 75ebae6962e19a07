import { Readable } from 'node:stream';
import { Prisma, type MailboxAccount, type PrismaClient } from '../generated/prisma/client';
import type { Storage } from '../storage';
import { automatedReason, searchable } from './classify';
import { matchSender, type SenderMatch } from './match-sender';
import { parseStored, type ParsedStored } from './parse-stored';

export type StoreOutcome = 'filed' | 'unassigned' | 'report' | 'quarantined' | 'duplicate';

export interface StoreInput {
  mailbox: Pick<MailboxAccount, 'id' | 'organizationId'>;
  uidValidity: bigint;
  uid: number;
  /** Size announced by the server (RFC822.SIZE), to quarantine huge mail before parsing it. */
  size: number;
  /** The whole message when it was small enough to fetch in bulk; else `open` streams it. */
  body?: Buffer;
  open(): Readable | Promise<Readable>;
}

/**
 * Stores one mail exactly once: raw bytes first (for audit and re-parse), then
 * the parsed fields, attachments as Documents, and where it belongs. A mail too
 * large or impossible to parse is kept raw in quarantine with the reason;
 * nothing is ever dropped.
 */
export async function storeMessage(
  deps: { prisma: PrismaClient; storage: Storage; maxBytes: number; match?: (from: string | null) => Promise<SenderMatch> },
  input: StoreInput,
): Promise<{ outcome: StoreOutcome; id?: string }> {
  const { prisma, storage } = deps;
  const { mailbox, uidValidity, uid } = input;
  const raw = await storage.put(input.body ?? (await input.open()));
  const base = { organizationId: mailbox.organizationId, mailboxId: mailbox.id, uidValidity, uid: BigInt(uid), size: raw.size, rawStorageKey: raw.key };
  const hashKey = `sha256:${raw.sha256}`;

  if (raw.size > deps.maxBytes) {
    return insert(prisma, { ...base, messageKey: hashKey, category: 'quarantined', reason: `larger than the ${Math.round(deps.maxBytes / 1024 / 1024)} MB limit (${raw.size} bytes)` }, []);
  }
  let parsed: ParsedStored;
  try {
    parsed = await parseStored(input.body ? Readable.from([input.body]) : storage.get(raw.key), storage);
  } catch (err) {
    return insert(prisma, { ...base, messageKey: hashKey, category: 'quarantined', reason: `could not be parsed: ${(err as Error).message}` }, []);
  }

  // A Message-ID already stored for this mailbox is caught by the unique index at insert.
  const messageKey = parsed.messageId ?? hashKey;
  const automated = automatedReason(parsed.headers, parsed.from?.address ?? null);
  const from = parsed.from?.address ?? null;
  const match = automated
    ? { category: 'report' as const, memberId: null, candidates: [], reason: automated }
    : await (deps.match ? deps.match(from) : matchSender(prisma, mailbox.organizationId, from));
  return insert(
    prisma,
    {
      ...base,
      messageKey,
      messageId: parsed.messageId,
      fromAddress: parsed.from?.address ?? null,
      fromName: parsed.from?.name || null,
      to: parsed.to,
      cc: parsed.cc,
      replyTo: parsed.replyTo,
      subject: parsed.subject,
      date: parsed.date,
      textBody: parsed.text,
      htmlBody: parsed.html,
      category: match.category,
      reason: match.reason,
      memberId: match.memberId,
      candidates: match.candidates,
      searchText: searchable(parsed.subject, parsed.from?.name, parsed.from?.address, ...parsed.to, ...parsed.cc),
    },
    parsed.attachments,
  );
}

async function insert(prisma: PrismaClient, data: Prisma.ReceivedMailUncheckedCreateInput, parts: ParsedStored['attachments']): Promise<{ outcome: StoreOutcome; id?: string }> {
  try {
    // One nested create: the mail, its documents and their links land together or not at all.
    const mail = await prisma.receivedMail.create({
      data: {
        ...data,
        attachments: {
          create: parts.map((p) => ({
            contentId: p.contentId,
            inline: p.inline,
            document: { create: { organizationId: data.organizationId, memberId: data.memberId ?? null, filename: p.filename, contentType: p.contentType, size: p.size, sha256: p.sha256, storageKey: p.key, source: 'received', kind: 'other' } },
          })),
        },
      },
    });
    return { outcome: data.category as StoreOutcome, id: mail.id };
  } catch (err) {
    // Another poll stored it first (same UID or same Message-ID): exactly once.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return { outcome: 'duplicate' };
    throw err;
  }
}
