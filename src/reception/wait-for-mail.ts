import type { PrismaClient } from '../generated/prisma/client';
import { imapFailure, imapOptions, newImapFlow } from '../mail/imap';
import type { SecretBox } from '../secrets';
import { AppError } from '../shared/errors';
import { mailboxSecret, type MailboxAuthDeps } from './mailbox-auth';

export interface WaitResult {
  /** false: the server has no IDLE (RFC 2177): the workflow keeps polling on its timer. */
  idle: boolean;
  /** Why the wait ended: new mail, the time bound, the server closing the connection, or cancelled (a signal). */
  ended: 'mail' | 'timeout' | 'dropped' | 'cancelled' | 'unsupported';
}

export interface WaitDeps extends MailboxAuthDeps {
  prisma: PrismaClient;
  secrets: SecretBox;
  rejectUnauthorized: boolean;
  heartbeat?: (detail: unknown) => void;
  /** Resolves when the activity is cancelled (a signal reached the workflow). */
  cancelled?: Promise<unknown>;
}

const HEARTBEAT_MS = 10_000;
// RFC 2177 §3: servers may drop an IDLE after 30 minutes; re-issue it well before.
const REISSUE_IDLE_MS = 4 * 60_000;

/**
 * Holds an IMAP IDLE on the mailbox's folder until a new message arrives (an
 * EXISTS above what is stored), the time bound passes, the server drops the
 * connection, or the activity is cancelled; heartbeats meanwhile, so a dead
 * worker is noticed. Mail that arrived between the last poll and this wait
 * ends it at once (UIDNEXT says so).
 */
export async function waitForMail(deps: WaitDeps, mailboxId: string, maxSeconds: number): Promise<WaitResult> {
  const box = await deps.prisma.mailboxAccount.findUnique({ where: { id: mailboxId } });
  if (!box || box.disconnectedAt) throw new AppError('NOT_FOUND', `mailbox ${mailboxId} is no longer connected`);
  const client = newImapFlow({
    ...imapOptions(box, await mailboxSecret(deps, box), deps.rejectUnauthorized),
    // IDLE at once (not after ImapFlow's quiet delay), re-issued every few minutes.
    disableAutoIdle: true,
    maxIdleTime: REISSUE_IDLE_MS,
  });
  client.on('error', () => undefined); // a drop shows as 'close' below
  try {
    await client.connect();
  } catch (err) {
    throw imapFailure(err);
  }
  let timer: NodeJS.Timeout | undefined;
  let beat: NodeJS.Timeout | undefined;
  try {
    if (!client.capabilities.has('IDLE')) return { idle: false, ended: 'unsupported' };
    const opened = await client.mailboxOpen(box.folder, { readOnly: true });
    const stored = box.uidValidity === BigInt(opened.uidValidity) ? Number(box.lastUid ?? 0) : -1;
    if (stored < 0 || Number(opened.uidNext) - 1 > stored) return { idle: true, ended: 'mail' };
    beat = setInterval(() => deps.heartbeat?.({ idle: true }), HEARTBEAT_MS);
    const ended = await new Promise<WaitResult['ended']>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), maxSeconds * 1000);
      client.on('exists', () => resolve('mail'));
      client.on('close', () => resolve('dropped'));
      void deps.cancelled?.then(() => resolve('cancelled'));
      void (async () => {
        // idle() returns when maxIdleTime passes (then IDLE is issued again) or the connection ends.
        while (client.usable) await client.idle();
        resolve('dropped');
      })().catch(() => resolve('dropped'));
    });
    return { idle: true, ended };
  } catch (err) {
    throw imapFailure(err);
  } finally {
    clearTimeout(timer);
    clearInterval(beat);
    await client.logout().catch(() => client.close());
  }
}
