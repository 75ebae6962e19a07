import type { Readable } from 'node:stream';
import type { ImapFlow } from 'imapflow';
import type { SqlRunner } from '../db/sql';
import type { MailboxAccount, PrismaClient } from '../generated/prisma/client';
import type { Storage } from '../storage';
import { commitGroup } from './commit-group';
import { tagged } from './failure';
import { batchMatcher } from './match-sender';
import { readInThread } from './parse-thread';
import { prepareMessage, type PreparedMail, type StoreOutcome } from './store-message';

// Messages up to 1 MB are fetched together, at most 16 MB at a time; larger ones are streamed.
const INLINE_MESSAGE_BYTES = 1024 * 1024;
const INLINE_FETCH_BYTES = 16 * 1024 * 1024;
// Sizes are asked this many UIDs at a time, just before their bodies: the first body no longer
// waits for the sizes of the whole batch (~0.1-0.3 s for 1,000 here), so batches can be large.
const SIZE_SLICE = 256;
// Mails parsed side by side, then inserted with one commit.
const GROUP_SIZE = 64;
// Groups that may be parsing beyond the oldest one still to commit (leave mode): two keep the
// main thread busy while a group's last files are written (1 to 4 measured alike within noise).
const PARSE_AHEAD = 2;
// A batch of huge mails ends early (the rest is the next batch), keeping each activity short.
const TIME_BUDGET_MS = 60_000;

export interface StoreBatchDeps {
  prisma: PrismaClient;
  /** The same database through its driver: each group is then inserted by one statement. */
  sql?: SqlRunner;
  storage: Storage;
  maxBytes: number;
  heartbeat?: (detail: unknown) => void;
}

/**
 * Stores a batch of UIDs (ascending, above the cursor) from the open folder and
 * moves the cursor past each stored group. Sizes, then bodies, come slice by
 * slice in windows of at most 16 MB (two at most in memory: the next one
 * arrives while this one is parsed), so memory stays bounded whatever the
 * batch size; a group is parsed as soon as its bodies are in, the next group
 * starts parsing before the last mails of this one are stored, and while one
 * group is being committed the next ones are already parsing. Returns how many
 * of the UIDs were done (all of them unless the time budget ran out first).
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
  // The database's two reads run while the server answers the first sizes.
  const knownRows = tagged('database', {}, () =>
    prisma.receivedMail.findMany({ where: { mailboxId: box.id, uidValidity, uid: { gte: BigInt(batch[0]!), lte: BigInt(batch[batch.length - 1]!) } }, select: { uid: true } }),
  );
  const matcher = tagged('database', {}, () => batchMatcher(prisma, box.organizationId));
  knownRows.catch(() => undefined);
  matcher.catch(() => undefined);
  const sizes = new Map<number, number>();
  let sized = 0;
  const sizeNextSlice = async () => {
    const slice = batch.slice(sized, sized + SIZE_SLICE);
    for await (const msg of client.fetch(uidSet(slice), { uid: true, size: true }, { uid: true })) sizes.set(msg.uid, msg.size ?? 0);
    sized += slice.length;
  };
  await sizeNextSlice();
  const known = new Set((await knownRows).map((r) => Number(r.uid)));
  const match = await matcher;
  // Mails fetched whole are parsed on the parsing thread; streamed (large) ones here.
  const read = readInThread(deps.storage);
  const inline = (uid: number) => !known.has(uid) && (sizes.get(uid) ?? 0) <= INLINE_MESSAGE_BYTES;
  const leave = box.afterFiling === 'leave';

  const commit = async (group: number[], prepared: PreparedMail[]) => {
    const last = group[group.length - 1]!;
    const results = await commitGroup(prisma, box, prepared, leave ? last : undefined, deps.sql);
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

  // The next window: consecutive UIDs whose small bodies fit in the byte budget (none once the time budget is spent).
  let i = 0;
  const nextWindow = async (): Promise<Window | undefined> => {
    if (i >= batch.length || (i > 0 && Date.now() - started >= TIME_BUDGET_MS)) return undefined;
    if (i >= sized) await sizeNextSlice();
    const window: number[] = [];
    let bytes = 0;
    for (; i < sized; i++) {
      const uid = batch[i]!;
      const size = inline(uid) ? (sizes.get(uid) ?? 0) : 0;
      if (window.length && bytes + size > INLINE_FETCH_BYTES) break;
      window.push(uid);
      bytes += size;
    }
    return fetchWindow(client, window, inline);
  };

  // Large messages share the one IMAP connection: one download at a time, whichever group asks.
  let downloading: Promise<unknown> = Promise.resolve();
  const prepareGroup = async (window: Window, uids: number[]): Promise<PreparedMail[]> => {
    const fresh = uids.filter((u) => !known.has(u));
    const prepare = (uid: number) => prepareMessage({ ...deps, match, read }, { mailbox: box, uidValidity, uid, body: window.bodies.get(uid), open: () => download(client, uid) });
    const prepared = await Promise.all(fresh.filter((u) => window.bodies.has(u)).map(prepare));
    for (const u of fresh.filter((u) => !window.bodies.has(u))) {
      const one = downloading.then(() => prepare(u));
      downloading = one.catch(() => undefined);
      prepared.push(await one);
    }
    for (const u of uids) window.bodies.delete(u);
    return prepared;
  };

  let committing: Promise<void> = Promise.resolve();
  // Groups parsing, oldest first: each is committed once the groups after it have started, so
  // the main thread has work while a group's last files are being written.
  const parsing: { uids: number[]; preparing: Promise<PreparedMail[]> }[] = [];
  const commitOldest = async () => {
    const { uids, preparing } = parsing.shift()!;
    const prepared = await preparing;
    await committing;
    committing = commit(uids, prepared);
    // Leave mode commits to the database only, so the next groups' fetch and parsing overlap it;
    // marking or moving uses the IMAP connection, so it finishes first.
    if (!leave) await committing;
    // Awaited before the next commit or at the end; marked handled so a failure is not reported twice.
    committing.catch(() => undefined);
  };
  // Marking or moving needs the connection between groups: one group at a time there.
  const ahead = leave ? PARSE_AHEAD : 0;
  for (let current = await nextWindow(); current; ) {
    // The next window is fetched while this one is parsed, once this one's bodies are all in:
    // one IMAP command at a time, at most two windows in memory.
    const following = current.done.then(nextWindow, () => undefined);
    following.catch(() => undefined);
    for (const group of current.groups) {
      await group.ready;
      if (current.failed) throw current.failed;
      const preparing = prepareGroup(current, group.uids);
      preparing.catch(() => undefined);
      parsing.push({ uids: group.uids, preparing });
      while (parsing.length > ahead) await commitOldest();
    }
    await current.done;
    current = await following;
  }
  while (parsing.length) await commitOldest();
  await committing;
  return i;
}

/** A UID set in IMAP's compact form (RFC 3501 §9 sequence-set): runs of consecutive UIDs as ranges. */
function uidSet(uids: number[]): string {
  const parts: string[] = [];
  for (let k = 0; k < uids.length; ) {
    let end = k;
    while (end + 1 < uids.length && uids[end + 1] === uids[end]! + 1) end++;
    parts.push(end > k ? `${uids[k]}:${uids[end]}` : String(uids[k]));
    k = end + 1;
  }
  return parts.join(',');
}

interface Window {
  /** Groups of GROUP_SIZE consecutive UIDs; `ready` once the group's small bodies have arrived (or the fetch ended). */
  groups: { uids: number[]; ready: Promise<void> }[];
  bodies: Map<number, Buffer>;
  /** Settles when the FETCH command has ended. */
  done: Promise<void>;
  failed?: unknown;
}

/**
 * Fetches a window's small bodies in one FETCH, in the background: each group
 * is ready as soon as its own bodies are in, so parsing starts while the rest
 * of the window is still arriving (as the plain fetch-and-parse loop does).
 */
function fetchWindow(client: ImapFlow, window: number[], inline: (uid: number) => boolean): Window {
  const bodies = new Map<number, Buffer>();
  const waiting = new Map<number, { left: number; resolve: () => void }>();
  const resolvers: (() => void)[] = [];
  const groups = [];
  for (let g = 0; g < window.length; g += GROUP_SIZE) {
    const uids = window.slice(g, g + GROUP_SIZE);
    let resolve!: () => void;
    const ready = new Promise<void>((r) => (resolve = r));
    const wanted = uids.filter(inline);
    const state = { left: wanted.length, resolve };
    for (const u of wanted) waiting.set(u, state);
    if (!wanted.length) resolve();
    resolvers.push(resolve);
    groups.push({ uids, ready });
  }
  const result: Window = { groups, bodies, done: Promise.resolve() };
  const wanted = window.filter(inline);
  result.done = (async () => {
    try {
      if (!wanted.length) return;
      for await (const msg of client.fetch(uidSet(wanted), { uid: true, source: true }, { uid: true })) {
        if (msg.source) bodies.set(msg.uid, msg.source);
        const state = waiting.get(msg.uid);
        if (state && --state.left === 0) state.resolve();
      }
    } catch (err) {
      result.failed = err;
      throw err;
    } finally {
      // A body the server did not send is downloaded on its own, as a large one is.
      for (const resolve of resolvers) resolve();
    }
  })();
  result.done.catch(() => undefined);
  return result;
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
