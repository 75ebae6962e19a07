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
  at: string;
}

/**
 * Marks of messages the SMTP server has accepted and the database does not
 * record as sent yet. SMTP has no way to ask a server whether it took a
 * message: a client that dies between the server's 250 to the end of data and
 * its own record of it cannot tell, and must send it again (RFC 5321 §6.1: the
 * duplicate is the price of never losing one). A database commit per message
 * is ~1 ms of PGlite's single thread, and batching them lengthened the time
 * during which a killed worker left accepted messages unrecorded: every
 * message accepted in that time was sent twice. So each acceptance is written
 * at once, synchronously, in the same turn of the event loop that reads the
 * 250, as a small file beside the stored message (`sent/<id>.accepted`):
 * the data survives a killed process (the kernel has it), and a retry of the
 * send finds it and records the message as sent instead of sending it again.
 * The database then records acceptances in groups, and each mark is removed
 * once its row says `sent`.
 *
 * What is left: a message whose 250 the server sent and the process had not
 * yet read when it died. On average, the messages per second times the delay
 * before the event loop reads an answer (Little's law); see
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
    /** The mark an earlier attempt left, or null; a mark cut short by the kill still says the server accepted. */
    async find(sentEmailId: string): Promise<AcceptedMark | null> {
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
        return { response: '250 accepted (answer not kept: the worker stopped while keeping it)', accepted: [], rejected: [], transport: '', at: new Date().toISOString() };
      }
    },
    async clear(sentEmailIds: string[]): Promise<void> {
      await Promise.all(sentEmailIds.map((id) => storage.remove(acceptedMarkKey(id))));
    },
  };
}
