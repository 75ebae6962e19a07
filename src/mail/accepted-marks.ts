import fs from 'node:fs';
import path from 'node:path';
import type { Storage } from '../storage';

export const acceptedMarkKey = (sentEmailId: string) => `sent/${sentEmailId}.accepted`;

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
}

/**
 * Marks of messages the SMTP server has accepted and the database does not
 * record as sent yet. SMTP has no way to ask a server whether it took a
 * message: a client that dies between the server's 250 to the end of data and
 * its own record of it cannot tell, and must send it again (RFC 5321 §6.1: the
 * duplicate is the price of never losing one). The database record of an
 * acceptance costs ~1 ms of PGlite's single thread and waits its turn behind
 * other statements; every message accepted meanwhile was sent twice after a
 * kill, and recording one at a time was a third of the confirmations' database
 * time. So each acceptance is written
 * at once, synchronously, in the same turn of the event loop that reads the
 * 250, as a small file beside the stored message (`sent/<id>.accepted`):
 * the data survives a killed process (the kernel has it), and a retry of the
 * send finds it and records the message as sent instead of sending it again.
 * The database then records acceptances in groups, and each mark is removed
 * once its row says `sent`.
 *
 * What is left: a message whose 250 the server sent and the process had not
 * yet read when it died: at most one per SMTP connection in flight, on average
 * the messages per second times the delay before an answer is read; see
 * docs/notifications.md for the figures.
 */
export function createAcceptedMarks(storage: Storage) {
  let folderMade = false;
  return {
    /** Synchronous on purpose: nothing may run between reading the 250 and keeping it. */
    mark(sentEmailId: string, mark: AcceptedMark): void {
      const file = storage.path(acceptedMarkKey(sentEmailId));
      const body = JSON.stringify(mark);
      try {
        fs.writeFileSync(file, body);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || folderMade) throw err;
        fs.mkdirSync(path.dirname(file), { recursive: true });
        folderMade = true;
        fs.writeFileSync(file, body);
      }
    },
    /**
     * The mark the attempt `attempt` left, or null. A mark cut short by the kill (the process died
     * inside the write itself) cannot be read and counts as none: the message is sent again.
     */
    async find(sentEmailId: string, attempt: number): Promise<AcceptedMark | null> {
      let text: string;
      try {
        text = (await storage.read(acceptedMarkKey(sentEmailId))).toString('utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
      try {
        const mark = JSON.parse(text) as AcceptedMark;
        return mark.attempt === attempt ? mark : null;
      } catch {
        return null;
      }
    },
    async clear(sentEmailIds: string[]): Promise<void> {
      await Promise.all(sentEmailIds.map((id) => storage.remove(acceptedMarkKey(id))));
    },
  };
}
