import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Signals and query of `mailbox-poll:<mailboxId>` (workflow-safe: used by the workflow and the API). */
export const pollNowSignal = defineSignal('pollNow');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const settingsChangedSignal = defineSignal<[{ pollIntervalSeconds: number }]>('settingsChanged');

export interface MailboxPollStatus {
  running: boolean;
  paused: boolean;
  polls: number;
  lastPollAt: string | null;
  lastError: string | null;
  filed: number;
  unassigned: number;
  reports: number;
  quarantined: number;
  /** True duplicates skipped (same Message-ID and content as a stored mail). */
  duplicates?: number;
  /** Holding an IMAP IDLE: new mail is filed as it arrives. */
  idling?: boolean;
  nextPollInSeconds: number;
}

export const statusQuery = defineQuery<MailboxPollStatus>('status');
