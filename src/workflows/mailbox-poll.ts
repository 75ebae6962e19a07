import { ActivityFailure, ApplicationFailure, CancellationScope, condition, continueAsNew, isCancellation, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { pauseSignal, pollNowSignal, resumeSignal, settingsChangedSignal, statusQuery, type MailboxPollStatus } from '../shared/mailbox-poll';

export interface MailboxPollInput {
  mailboxId: string;
  organizationId: string;
  pollIntervalSeconds: number;
  paused?: boolean;
  /** Counters carried across continue-as-new. */
  carried?: Pick<MailboxPollStatus, 'filed' | 'unassigned' | 'reports' | 'quarantined' | 'duplicates' | 'lastPollAt' | 'lastError'>;
}

const { pollMailboxBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  // A short retry here; the workflow's own backoff handles a server that stays down.
  retry: { maximumAttempts: 2, initialInterval: '5 seconds', nonRetryableErrorTypes: ['IMAP_AUTH_FAILED', 'NOT_FOUND'] },
});

// One IDLE wait lasts at most this long (then a poll, then a new wait): each activity stays short and heartbeats.
const IDLE_SECONDS = 9 * 60;
const { waitForMailboxMail } = proxyActivities<Activities>({
  startToCloseTimeout: `${IDLE_SECONDS + 120} seconds`,
  heartbeatTimeout: '45 seconds',
  // The workflow decides: a failed wait is followed by a poll, which backs off if the server is down.
  retry: { maximumAttempts: 1 },
});
/** Patch id of the IMAP IDLE wait (histories recorded before it slept on a timer there). */
const IDLE_PATCH = 'mailbox-idle';
// Consecutive failed waits after which this run goes back to its polling timer.
const MAX_IDLE_FAILURES = 3;

const MAX_BACKOFF_SECONDS = 15 * 60;
// A poll is ~10 events; continue-as-new long before the history grows large.
const HISTORY_LIMIT = 2_000;

/**
 * `mailbox-poll:<mailboxId>`: polls the organisation's mailbox for as long as
 * it is configured. Batches follow each other while mail is waiting; errors back
 * off (the cursor lives in the database, so nothing is lost); signals poll now,
 * pause, resume and take new settings; the status query feeds GET /mailbox/status.
 */
export async function mailboxPollWorkflow(input: MailboxPollInput): Promise<void> {
  let interval = input.pollIntervalSeconds;
  let paused = input.paused ?? false;
  let pollRequested = false;
  let backoff = 0;
  let polls = 0;
  let idleSupported = true;
  let idling = false;
  let idleFailures = 0;
  const c = input.carried ?? { filed: 0, unassigned: 0, reports: 0, quarantined: 0, lastPollAt: null, lastError: null };
  const status = (): MailboxPollStatus => ({ running: true, paused, polls, ...c, idling, nextPollInSeconds: backoff || interval });

  setHandler(statusQuery, status);
  setHandler(pollNowSignal, () => void (pollRequested = true));
  setHandler(pauseSignal, () => void (paused = true));
  setHandler(resumeSignal, () => {
    paused = false;
    pollRequested = true;
  });
  setHandler(settingsChangedSignal, (s) => {
    interval = s.pollIntervalSeconds;
    pollRequested = true;
  });

  try {
    for (;;) {
      if (paused) await condition(() => !paused);
      pollRequested = false;
      let more = false;
      try {
        const r = await pollMailboxBatch(input.mailboxId);
        polls += 1;
        more = r.more;
        c.filed += r.outcomes.filed ?? 0;
        c.unassigned += r.outcomes.unassigned ?? 0;
        c.reports += r.outcomes.report ?? 0;
        c.quarantined += r.outcomes.quarantined ?? 0;
        c.duplicates = (c.duplicates ?? 0) + (r.outcomes.duplicate ?? 0);
        c.lastPollAt = new Date().toISOString();
        c.lastError = null;
        backoff = 0;
      } catch (err) {
        const cause = err instanceof ActivityFailure ? err.cause : err;
        if (cause instanceof ApplicationFailure && cause.type === 'NOT_FOUND') return; // mailbox deleted
        c.lastError = cause instanceof Error ? cause.message : String(cause);
        backoff = Math.min(MAX_BACKOFF_SECONDS, backoff ? backoff * 2 : 30);
      }
      if (workflowInfo().historyLength > HISTORY_LIMIT) {
        await continueAsNew<typeof mailboxPollWorkflow>({ ...input, pollIntervalSeconds: interval, paused, carried: c });
      }
      if (more && !backoff) continue;
      // New mail within seconds: hold an IDLE (RFC 2177) where the server offers it, poll on a timer otherwise.
      if (!backoff && !paused && !pollRequested && idleSupported && patched(IDLE_PATCH)) {
        idling = true;
        const ended = await idleUntilMailOrSignal(input.mailboxId, () => pollRequested || paused);
        idling = false;
        idleFailures = ended === 'failed' ? idleFailures + 1 : 0;
        if (ended === 'unsupported' || idleFailures >= MAX_IDLE_FAILURES) idleSupported = false;
        else continue;
      }
      await condition(() => pollRequested || paused, `${backoff || interval} seconds`);
    }
  } catch (err) {
    // Deleting the mailbox cancels the workflow: end quietly.
    if (isCancellation(err)) return;
    throw err;
  }
}


/**
 * Waits in the IDLE activity until it reports (new mail, time bound, dropped
 * connection: the next poll follows at once) or a signal asks for attention,
 * which cancels the wait.
 */
async function idleUntilMailOrSignal(mailboxId: string, signalled: () => boolean): Promise<string> {
  let ended = 'signal';
  await CancellationScope.cancellable(async () => {
    const wait = waitForMailboxMail(mailboxId, IDLE_SECONDS).then(
      (r) => void (ended = r.ended),
      (err) => void (ended = isCancellation(err) ? 'signal' : 'failed'),
    );
    const signal = condition(signalled).catch(() => undefined);
    await Promise.race([wait, signal]);
    CancellationScope.current().cancel();
  });
  return ended;
}
