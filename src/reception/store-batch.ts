import type { Readable } from 'node:stream';
import type { ImapFlow } from 'imapflow';
import type { MailboxAccount, PrismaClient } from '../generated/prisma/client';
import type { Storage } from '../storage';
import { commitGroup } from './commit-group';
import { tagged } from './failure';
import { batchMatcher } from './match-sender';
import { prepareMessage, type PreparedMail, type StoreOutcome } from './store-message';

// Messages up to 1 MB are fetched together, at most 16 MB at a time; larger ones are streamed.
const INLINE_MESSAGE_BYTES = 1024 * 1024;
const INLINE_FETCH_BYTES = 16 * 1024 * 1024;
// Mails parsed side by side, then inserted with one commit.
const GROUP_SIZE = 64;
// A batch of huge mails ends early (the rest is the next batch), keeping each activity short.
const TIME_BUDGET_MS = 60_000;

export interface StoreBatchDeps {
  prisma: PrismaClient;
  storage: Storage;
  maxBytes: number;
  heartbeat?: (detail: unknown) => void;
}

/**
 * Stores a batch of UIDs (ascending, above the cursor) from the open folder and
 * moves the cursor past each stored group. Bodies come in windows of at most
 * 16 MB, so memory stays bounded whatever the batch size; while one group is
 * being committed the next one is already parsing. Returns how many of the
 * UIDs were done (all of them unless the time budget ran out first).
 */
export async function storeBatch(
  deps: StoreBatchDeps,
  client: ImapFlow,
  box: Pick<MailboxAccount, 'id' | 'organizationId' | 'afterFiling' | 'moveToFolder'>,
  uidValidity: bigint,
  batch: number[],
  outcomes: Partial<Record<StoreOutcome, number>>,
): Promise<number> {
  const started = Date.now();
  const { prisma } = deps;
  const known = new Set(
    (await tagged('database', {}, () => prisma.receivedMail.findMany({ where: { mailboxId: box.id, uidValidity, uid: { in: batch.map(BigInt) } }, select: { uid: true } }))).map((r) => Number(r.uid)),
  );
  const sizes = new Map<number, number>();
  for await (const msg of client.fetch(batch.join(','), { uid: true, size: true }, { uid: true })) sizes.set(msg.uid, msg.size ?? 0);
  const inline = (uid: number) => !known.has(uid) && (sizes.get(uid) ?? 0) <= INLINE_MESSAGE_BYTES;
  const match = await tagged('database', {}, () => batchMatcher(prisma, box.organizationId));
  const leave = box.afterFiling === 'leave';

  const commit = async (group: number[], prepared: PreparedMail[]) => {
    const last = group[group.length - 1]!;
    const results = await commitGroup(prisma, box, prepared, leave ? last : undefined);
    // UIDs stored by an earlier poll were not fetched again.
    outcomes.reread = (outcomes.reread ?? 0) + group.length - prepared.length;
    for (const outcome of results) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (!leave) {
      // Stored first, then marked or moved, then the cursor: a crash in between
      // re-reads the group (nothing stored twice) and marks or moves it again.
      await afterFiling(client, box, group);
      await tagged('database', {}, () => prisma.mailboxAccount.update({ where: { id: box.id }, data: { lastUid: last } }));
    }
    deps.heartbeat?.({ uid: last });
  };

  let committing: Promise<void> = Promise.resolve();
  let i = 0;
  while (i < batch.length && (i === 0 || Date.now() - started < TIME_BUDGET_MS)) {
    // The next window: consecutive UIDs whose small bodies fit in the byte budget.
    const window: number[] = [];
    let bytes = 0;
    for (; i < batch.length; i++) {
      const uid = batch[i]!;
      const size = inline(uid) ? (sizes.get(uid) ?? 0) : 0;
      if (window.length && bytes + size > INLINE_FETCH_BYTES) break;
      window.push(uid);
      bytes += size;
    }
    const wanted = window.filter(inline);
    const bodies = new Map<number, Buffer>();
    if (wanted.length) for await (const msg of client.fetch(wanted.join(','), { uid: true, source: true }, { uid: true })) if (msg.source) bodies.set(msg.uid, msg.source);

    for (let g = 0; g < window.length; g += GROUP_SIZE) {
      const group = window.slice(g, g + GROUP_SIZE);
      const fresh = group.filter((u) => !known.has(u));
      const prepare = (uid: number) =>
        prepareMessage({ ...deps, match }, { mailbox: box, uidValidity, uid, body: bodies.get(uid), open: () => download(client, uid) });
      const prepared = await Promise.all(fresh.filter((u) => bodies.has(u)).map(prepare));
      // Large messages share the one IMAP connection: one download at a time.
      for (const u of fresh.filter((u) => !bodies.has(u))) prepared.push(await prepare(u));
      for (const u of group) bodies.delete(u);
      await committing;
      committing = commit(group, prepared);
      // Leave mode commits to the database only, so the next group's fetch and parsing overlap it;
      // marking or moving uses the IMAP connection, so it finishes first.
      if (!leave) await committing;
      // Awaited before the next commit or at the end; marked handled so a failure is not reported twice.
      committing.catch(() => undefined);
    }
  }
  await committing;
  return i;
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
