import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Signals and query of `booking:<bookingId>` (workflow-safe). */
export interface BookingChange {
  kind: 'modified' | 'promoted' | 'cancelled';
  previous?: { startAt: string; endAt: string; resourceName: string };
}
export const bookingChangedSignal = defineSignal<[BookingChange]>('bookingChanged');
export const bookingStateQuery = defineQuery<{ status: string; reminderAt: string | null; remindedForStart: string | null }>('state');
