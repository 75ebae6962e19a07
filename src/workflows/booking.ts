import { condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { bookingChangedSignal, bookingStateQuery, type BookingChange, type BookingWorkflowInput } from '../shared/booking';

export type { BookingWorkflowInput };

const { loadBookingForWorkflow, sendBookingNotice } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 10, initialInterval: '5 seconds' },
});

/**
 * `booking:<bookingId>`: the confirmation (or waiting-list notice), a durable
 * wait to the reminder (start minus the lead), then it ends when the booking
 * starts. Changes arrive as signals: a move sends old and new times and moves
 * the reminder; a promotion from the waiting list confirms; a cancellation
 * sends METHOD:CANCEL and ends the workflow.
 *
 * Since the delayed start (`firstNoticeSent`), creation sends the first notice
 * in a group with others and starts this workflow with `startDelay` to the
 * reminder: until then it is a row in Temporal, not a workflow in the
 * worker's memory. A change wakes it early (signal-with-start).
 */
export async function bookingWorkflow(input: BookingWorkflowInput): Promise<string> {
  const changes: BookingChange[] = [];
  let remindedFor: string | null = null;
  // Histories from before the delayed start replay without the marker, so they keep the old steps.
  const delayedStart = Boolean(input.firstNoticeSent) && patched('booking-delayed-start');
  let state = await loadBookingForWorkflow(input.bookingId);
  setHandler(bookingChangedSignal, (c) => void changes.push(c));
  setHandler(bookingStateQuery, () => ({ status: state.status, reminderAt: state.reminderAt, remindedForStart: remindedFor }));

  if (!delayedStart) {
    if (state.status === 'confirmed') await sendBookingNotice(input.bookingId, 'confirmation');
    else if (state.status === 'waitlisted') await sendBookingNotice(input.bookingId, 'waitlisted');
  }
  // Whether the reminder time had passed is judged when the booking was made (or last
  // changed), not when a delayed start wakes the workflow — which is at the reminder time.
  let decidedAt: number | null = delayedStart && input.madeAt ? Date.parse(input.madeAt) : null;

  for (;;) {
    const now = Date.now();
    const start = Date.parse(state.startAt);
    // Woken early by a change (delayed start): the member is told of it first, even when the
    // state it loaded says cancelled or past — the old shape had loaded before the change.
    const woken = delayedStart && changes.length > 0;
    if (!woken && state.status === 'cancelled') return 'cancelled';
    if (!woken && start <= now) return 'started';
    const reminderAt = state.reminderAt ? Date.parse(state.reminderAt) : null;
    // A booking made (or moved) inside the reminder lead gets no separate reminder.
    if (reminderAt !== null && reminderAt <= (decidedAt ?? now) && remindedFor !== state.startAt && state.status === 'confirmed') remindedFor = state.startAt;
    decidedAt = null;
    const needReminder = state.status === 'confirmed' && reminderAt !== null && remindedFor !== state.startAt;
    const wakeAt = needReminder ? reminderAt! : start;
    const changed = woken || (await condition(() => changes.length > 0, Math.max(1, wakeAt - now)));
    if (changed) {
      const change = changes.shift()!;
      state = await loadBookingForWorkflow(input.bookingId);
      if (change.kind === 'cancelled') {
        await sendBookingNotice(input.bookingId, 'cancellation');
        return 'cancelled';
      }
      if (change.kind === 'modified') remindedFor = null;
      await sendBookingNotice(input.bookingId, change.kind === 'promoted' ? 'promoted' : 'modification', change.previous);
      continue;
    }
    if (needReminder) {
      await sendBookingNotice(input.bookingId, 'reminder');
      remindedFor = state.startAt;
    }
  }
}
