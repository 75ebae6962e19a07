import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { bookingChangedSignal, bookingStateQuery, type BookingChange } from '../shared/booking';

export interface BookingWorkflowInput {
  bookingId: string;
  organizationId: string;
}

const { loadBookingForWorkflow, sendBookingNotice } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 10, initialInterval: '5 seconds' },
});

/**
 * `booking:<bookingId>`: the confirmation (or waiting-list notice) at once, a
 * durable timer to the reminder (start minus the lead), then it ends when the
 * booking starts. Changes arrive as signals: a move sends old and new times
 * and moves the timer; a promotion from the waiting list confirms; a
 * cancellation sends METHOD:CANCEL and ends the workflow.
 */
export async function bookingWorkflow(input: BookingWorkflowInput): Promise<string> {
  const changes: BookingChange[] = [];
  let remindedFor: string | null = null;
  let state = await loadBookingForWorkflow(input.bookingId);
  setHandler(bookingChangedSignal, (c) => void changes.push(c));
  setHandler(bookingStateQuery, () => ({ status: state.status, reminderAt: state.reminderAt, remindedForStart: remindedFor }));

  if (state.status === 'confirmed') await sendBookingNotice(input.bookingId, 'confirmation');
  else if (state.status === 'waitlisted') await sendBookingNotice(input.bookingId, 'waitlisted');

  for (;;) {
    if (state.status === 'cancelled') return 'cancelled';
    const now = Date.now();
    const start = Date.parse(state.startAt);
    if (start <= now) return 'started';
    const reminderAt = state.reminderAt ? Date.parse(state.reminderAt) : null;
    // A booking made (or moved) inside the reminder lead gets no separate reminder.
    if (reminderAt !== null && reminderAt <= now && remindedFor !== state.startAt && state.status === 'confirmed') remindedFor = state.startAt;
    const needReminder = state.status === 'confirmed' && reminderAt !== null && remindedFor !== state.startAt;
    const wakeAt = needReminder ? reminderAt! : start;
    const changed = await condition(() => changes.length > 0, Math.max(1, wakeAt - now));
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
