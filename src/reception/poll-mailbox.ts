import type { Readable } from 'node:stream';
import type { ImapFlow } from 'imapflow';
import type { PrismaClient } from '../generated/prisma/client';
import { imapFailure, imapOptions, withImap } from '../mail/imap';
import type { SecretBox } from '../secrets';
import { AppError } from '../shared/errors';
import type { Storage } from '../storage';
import { batchMatcher } from './match-sender';
import { insertMails } from './insert-mails';
import { prepareMessage, type StoreOutcome } from './store-message';

// Messages up to 1 MB are fetched together (at most 16 MB per batch); larger ones are streamed.
const INLINE_MESSAGE_BYTES = 1024 * 1024;
const INLINE_FETCH_BYTES = 16 * 1024 * 1024;
const GROUP_SIZE = 32;

export interface PollResult {
  fetched: number;
  outcomes: Partial<Record<StoreOutcome, number>>;
  more: boolean;
  lastUid: number;
  uidValidity: string;
}

export interface PollDeps {
  prisma: PrismaClient;
  storage: Storage;
  secrets: SecretBox;
  maxBytes: number;
  batchSize: number;
  rejectUnauthorized: boolean;
  heartbeat?: (detail: unknown) => void;
}

/**
 * One bounded batch: the messages with a UID above the stored cursor. The
 * cursor (and UIDVALIDITY, RFC 3501 §2.3.1.1) advance only after a message is
 * stored; a changed UIDVALIDITY restarts from the first message, and the
 * Message-ID / content-hash key keeps that from storing anything twice.
 * "Leave untouched" opens the folder read-only and fetches with BODY.PEEK,
 * so \Seen is never changed.
 */
export async function pollMailbox(deps: PollDeps, mailboxId: string): Promise<PollResult> {
  const { prisma } = deps;
  const box = await prisma.mailboxAccount.findUnique({ where: { id: mailboxId } });
  if (!box || box.disconnectedAt) throw new AppError('NOT_FOUND', `mailbox ${mailboxId} is no longer connected`);
  const outcomes: PollResult['outcomes'] = {};
  try {
    const result = await withImap(imapOptions(box, box.passwordEnc ? deps.secrets.decrypt(box.passwordEnc) : undefined, deps.rejectUnauthorized), async (client) => {
      const opened = await client.mailboxOpen(box.folder, { readOnly: box.afterFiling === 'leave' });
      const uidValidity = BigInt(opened.uidValidity);
      let cursor = box.uidValidity === uidValidity ? Number(box.lastUid ?? 0) : 0;
      if (box.uidValidity !== uidValidity) {
        // First poll, or the folder was recreated: "from now on" skips what is already there.
        if (box.uidValidity === null && box.startMode === 'new') cursor = Math.max(0, Number(opened.uidNext) - 1);
        await prisma.mailboxAccount.update({ where: { id: box.id }, data: { uidValidity, lastUid: cursor } });
      }
      const found = (await client.search({ uid: `${cursor + 1}:*` }, { uid: true })) || [];
      const uids = found.filter((u) => u > cursor).sort((a, b) => a - b);
      const batch = uids.slice(0, deps.batchSize);
      if (batch.length) {
        const known = new Set(
          (await prisma.receivedMail.findMany({ where: { mailboxId: box.id, uidValidity, uid: { in: batch.map(BigInt) } }, select: { uid: true } })).map((r) => Number(r.uid)),
        );
        // One FETCH for the sizes, one for the bodies of the small messages (bounded in
        // bytes); large ones are streamed one by one so they never sit whole in memory.
        const sizes = new Map<number, number>();
        for await (const msg of client.fetch(batch.join(','), { uid: true, size: true }, { uid: true })) sizes.set(msg.uid, msg.size ?? 0);
        const small: number[] = [];
        let budget = INLINE_FETCH_BYTES;
        for (const uid of batch) {
          const size = sizes.get(uid) ?? 0;
          if (known.has(uid) || size > INLINE_MESSAGE_BYTES || size > budget) continue;
          small.push(uid);
          budget -= size;
        }
        const bodies = new Map<number, Buffer>();
        if (small.length) for await (const msg of client.fetch(small.join(','), { uid: true, source: true }, { uid: true })) if (msg.source) bodies.set(msg.uid, msg.source);

        const match = await batchMatcher(prisma, box.organizationId);
        const prepare = (uid: number) =>
          prepareMessage({ ...deps, match }, { mailbox: box, uidValidity, uid, body: bodies.get(uid), open: () => download(client, uid) });
        // Parsed side by side, then inserted with the cursor in one transaction per group.
        for (let i = 0; i < batch.length; i += GROUP_SIZE) {
          const group = batch.slice(i, i + GROUP_SIZE);
          const fresh = group.filter((u) => !known.has(u));
          const prepared = await Promise.all(fresh.filter((u) => bodies.has(u)).map(prepare));
          // Downloads share the one IMAP connection: one at a time.
          for (const u of fresh.filter((u) => !bodies.has(u))) prepared.push(await prepare(u));
          const last = group[group.length - 1]!;
          const leave = box.afterFiling === 'leave';
          const results = await insertMails(prisma, box.id, prepared, leave ? last : undefined);
          outcomes.duplicate = (outcomes.duplicate ?? 0) + group.length - fresh.length;
          for (const outcome of results) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          if (!leave) {
            // Stored first, then marked or moved, then the cursor: a crash in between
            // re-reads the group (nothing stored twice) and marks or moves it again.
            await afterFiling(client, box, group);
            await prisma.mailboxAccount.update({ where: { id: box.id }, data: { lastUid: last } });
          }
          cursor = last;
          deps.heartbeat?.({ uid: cursor });
        }
      }
      return { fetched: batch.length, more: uids.length > batch.length, lastUid: cursor, uidValidity: uidValidity.toString() };
    });
    await prisma.mailboxAccount.update({ where: { id: box.id }, data: { lastPollAt: new Date(), lastError: null } });
    return { ...result, outcomes };
  } catch (err) {
    if (err instanceof AppError) throw err;
    const failure = imapFailure(err);
    await prisma.mailboxAccount.update({ where: { id: box.id }, data: { lastError: failure.message, lastPollAt: new Date() } });
    throw failure;
  }
}

async function download(client: ImapFlow, uid: number): Promise<Readable> {
  const { content } = await client.download(String(uid), undefined, { uid: true });
  return content as Readable;
}

async function afterFiling(client: ImapFlow, box: { afterFiling: string; moveToFolder: string | null }, uids: number[]): Promise<void> {
  const set = uids.join(',');
  if (box.afterFiling === 'seen') await client.messageFlagsAdd(set, ['\\Seen'], { uid: true });
  else if (box.afterFiling === 'move' && box.moveToFolder) await client.messageMove(set, box.moveToFolder, { uid: true });
}
