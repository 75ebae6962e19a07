import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Signals and query of `booking:<bookingId>` (workflow-safe). */
export interface BookingChange {
  kind: 'modified' | 'promoted' | 'cancelled';
  previous?: { startAt: string; endAt: string; resourceName: string };
}
export const bookingChangedSignal = defineSignal<[BookingChange]>('bookingChanged');
export const bookingStateQuery = defineQuery<{ status: string; reminderAt: string | null; remindedForStart: string | null }>('state');

/** Input of `booking:<bookingId>`. */
export interface BookingWorkflowInput {
  bookingId: string;
  organizationId: string;
  /**
   * Set by creations since the delayed start: the first notice (confirmation or
   * waiting list) went out with its creation's group (`booking-notices:<id>`),
   * and the workflow was started with a delay to its reminder, so it only runs
   * then or when a change wakes it (signal-with-start).
   */
  firstNoticeSent?: boolean;
  /** When the booking was made (ISO): a reminder time already past then gets no reminder. */
  madeAt?: string;
}

/** Input of `booking-notices:<group id>`: the first notices of bookings created together. */
export interface BookingNoticesInput {
  organizationId: string;
  bookingIds: string[];
  /** A worker that dies mid-group is noticed after this long (SEND_HEARTBEAT_SECONDS). */
  heartbeatSeconds?: number;
}

export interface BookingNoticesResult {
  sent: number;
  /** Refused for now: handed to their own send workflow, which retries. */
  deferred: number;
  failed: number;
}
