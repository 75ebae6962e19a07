import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Storage } from '../storage';

/** A mark file of the first version (one per message), still read and removed: workers of that version may have left some. */
export const acceptedMarkKey = (sentEmailId: string) => `sent/${sentEmailId}.accepted`;
/** The journals of accepted messages, one per sender and process. */
export const MARKS_FOLDER = 'marks';

/** What the server answered to a message's end of data, kept until the database has it. */
export interface AcceptedMark {
  response: string;
  accepted: string[];
  rejected: string[];
  /** The transport's label (SentEmail.transport). */
  transport: string;
  /** The attempt that sent it (SentEmail.attempts then): a mark left by an older one says nothing of the last. */
  attempt: number;
  at: string;
  /** Where the message as sent is kept, when not under its fixed name (a pack file's key). */
  key?: string;
}

// A line naming where an attempt stored its message, written before it is sent: a retry after a kill
// re-sends those bytes. The prefix makes it unreadable as a mark, to this version and the one before.
const STORED = 'K ';

// A journal is left for a new one after this many marks, so a retry reads little; and once all its
// marks are recorded after at least REUSE_UP_TO (below that it stays open: a worker sending one
// message at a time would otherwise create a file per message, the cost this journal removes).
const ROTATE_AFTER = 1000;
const REUSE_UP_TO = 100;
// A journal nobody has written to for this long is removed: the worker that wrote it is gone and
// every send it could answer for was retried long ago (a live owner opens a new one, see `mark`).
const KEEP_MS = 7 * 24 * 3600_000;

/**
 * Marks of messages the SMTP server has accepted and the database does not
 * record as sent yet. SMTP has no way to ask a server whether it took a
 * message: a client that dies between the server's 250 to the end of data and
 * its own record of it cannot tell, and must send it again (RFC 5321 §6.1: the
 * duplicate is the price of never losing one). The database record of an
 * acceptance costs ~1 ms of PGlite's single thread and waits its turn behind
 * other statements; every message accepted meanwhile was sent twice after a
 * kill. So each acceptance is written at once, synchronously, in the same turn
 * of the event loop that reads the 250, as a line appended to a journal of this
 * process (`marks/<pid>-<random>.log`): the data survives a killed process
 * (the kernel has it), and a retry of the send finds it and records the
 * message as sent instead of sending it again. The database then records
 * acceptances in groups.
 *
 * One line appended to an open file costs a few microseconds of the kernel; the
 * first version created a file per message (and removed it once recorded):
 * ~0.5 ms of kernel time each on this machine's disk, the largest per-message
 * cost of an invoice batch. A journal is removed once every message it marked
 * is recorded and a newer one has taken over; a killed worker's journal stays
 * for its retries to read, and is removed after KEEP_MS.
 *
 * What is left: a message whose 250 the server sent and the process had not
 * yet read when it died: at most one per SMTP connection in flight, on average
 * the messages per second times the delay before an answer is read; see
 * docs/notifications.md for the figures.
 */
/**
 * Every mark in the journals under `folder` (the last attempt's of each
 * message), removing journals nobody has written to for KEEP_MS. A line cut
 * short by a kill (the process died inside the write itself) cannot be read
 * and counts as none: the message is sent again.
 */
export async function readJournals(folder: string): Promise<Map<string, AcceptedMark>> {
  return (await readJournalLines(folder)).marks;
}

/** The marks, and where each message's last attempt stored it (its `K` line). */
async function readJournalLines(folder: string): Promise<{ marks: Map<string, AcceptedMark>; keys: Map<string, { key: string; attempt: number }> }> {
  const found = new Map<string, AcceptedMark>();
  const keys = new Map<string, { key: string; attempt: number }>();
  let names: string[] = [];
  try {
    names = (await fs.promises.readdir(folder)).filter((n) => n.endsWith('.log'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const name of names) {
    const file = path.join(folder, name);
    let text: string;
    try {
      const stat = await fs.promises.stat(file);
      if (Date.now() - stat.mtimeMs > KEEP_MS) {
        await fs.promises.rm(file, { force: true });
        continue;
      }
      text = await fs.promises.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const line of text.split('\n')) {
      try {
        if (line.startsWith(STORED)) {
          const { id, key, attempt } = JSON.parse(line.slice(STORED.length)) as { id: string; key: string; attempt: number };
          if ((keys.get(id)?.attempt ?? -1) <= attempt) keys.set(id, { key, attempt });
          continue;
        }
        const { id, ...mark } = JSON.parse(line) as AcceptedMark & { id: string };
        const seen = found.get(id);
        if (!seen || seen.attempt <= mark.attempt) found.set(id, mark);
      } catch {
        // empty, or cut short by a kill
      }
    }
  }
  return { marks: found, keys };
}

export function createAcceptedMarks(storage: Storage) {
  const folder = storage.path(MARKS_FOLDER);
  type Journal = { file: string; fd: number; written: number; open: number; retired: boolean; removed: boolean };
  let current: Journal | null = null;
  // Own marks not yet recorded, by message: the journal that holds each.
  const holder = new Map<string, Journal>();

  const start = (): Journal => {
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, `${process.pid}-${crypto.randomUUID()}.log`);
    return { file, fd: fs.openSync(file, 'a'), written: 0, open: 0, retired: false, removed: false };
  };
  /** No more marks go to `j`; it is removed once all of its marks are recorded. */
  const retire = (j: Journal) => {
    if (!j.retired) {
      j.retired = true;
      if (current === j) current = null;
      fs.close(j.fd, () => undefined);
    }
    if (j.open === 0 && !j.removed) {
      j.removed = true;
      fs.rm(j.file, { force: true }, () => undefined);
    }
  };

  /** One line for a message: its journal holds it until `recorded` (a later line for it takes over). */
  const append = (sentEmailId: string, line: string) => {
    // Removed under a live owner (an old-journal cleanup): marks written there would be lost.
    if (current && (current.written >= ROTATE_AFTER || fs.fstatSync(current.fd).nlink === 0)) retire(current);
    current ??= start();
    fs.writeSync(current.fd, line);
    current.written++;
    current.open++;
    // Marked again (sent again by this process, or accepted after its stored line): the newer line stands for it.
    const before = holder.get(sentEmailId);
    holder.set(sentEmailId, current);
    if (before) {
      before.open--;
      if (before.open === 0 && before.retired) retire(before);
    }
  };

  /**
   * Reads every journal once: `find` gives the mark the attempt `attempt` left,
   * or null; `storedKey` where the latest attempt that stored the message put
   * it (any attempt's bytes are the message: same Message-ID, same Date).
   */
  async function journals() {
    const { marks: found, keys } = await readJournalLines(folder);
    return {
      find: async (sentEmailId: string, attempt: number): Promise<AcceptedMark | null> => {
        const mark = found.get(sentEmailId) ?? (await legacy(sentEmailId));
        return mark?.attempt === attempt ? mark : null;
      },
      storedKey: (sentEmailId: string): string | null => keys.get(sentEmailId)?.key ?? null,
    };
  }

  return {
    /** Synchronous on purpose: nothing may run between reading the 250 and keeping it. */
    mark(sentEmailId: string, mark: AcceptedMark): void {
      append(sentEmailId, `${JSON.stringify({ id: sentEmailId, ...mark })}\n`);
    },

    /**
     * Where attempt `attempt` stored the message (a pack key), kept before it is
     * sent and until the database records it (with the attempt's outcome: call
     * `recorded`): a retry after a kill re-sends those bytes.
     */
    stored(sentEmailId: string, attempt: number, key: string): void {
      append(sentEmailId, `${STORED}${JSON.stringify({ id: sentEmailId, attempt, key })}\n`);
    },

    /** Marks the database now records: a journal whose marks are all recorded goes (see REUSE_UP_TO). */
    recorded(sentEmailIds: string[]): void {
      for (const id of sentEmailIds) {
        const j = holder.get(id);
        if (!j) continue;
        holder.delete(id);
        j.open--;
        if (j.open === 0 && (j.retired || j.written >= REUSE_UP_TO)) retire(j);
      }
    },

    journals,

    /** Removes first-version mark files (messages the database records as sent). */
    async clear(sentEmailIds: string[]): Promise<void> {
      await Promise.all(sentEmailIds.map((id) => storage.remove(acceptedMarkKey(id))));
    },
  };

  async function legacy(sentEmailId: string): Promise<AcceptedMark | null> {
    let text: string;
    try {
      text = (await storage.read(acceptedMarkKey(sentEmailId))).toString('utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      return JSON.parse(text) as AcceptedMark;
    } catch {
      return null;
    }
  }
}
