import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { BookingNoticesInput, BookingNoticesResult } from '../shared/booking';

// Bookings per activity: the bookkeeping (reads, one insert, one update) is shared by all of them.
const GROUP = 100;
const PARALLEL = 2;

/**
 * `booking-notices:<group id>`: the confirmations (or waiting-list
 * notices) of bookings created together — one workflow and a few activities
 * for a whole import instead of a workflow, two activities and a send
 * workflow per booking. Each booking's own workflow then waits, not yet
 * started, for its reminder.
 */
export async function bookingNoticesWorkflow(input: BookingNoticesInput): Promise<BookingNoticesResult> {
  const { sendFirstBookingNotices } = proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    // A worker that dies mid-group is noticed after one missed heartbeat; the retry skips what was sent.
    heartbeatTimeout: `${input.heartbeatSeconds ?? 30} seconds`,
    retry: { maximumAttempts: 20, initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const groups: string[][] = [];
  for (let i = 0; i < input.bookingIds.length; i += GROUP) groups.push(input.bookingIds.slice(i, i + GROUP));
  const total: BookingNoticesResult = { sent: 0, deferred: 0, failed: 0 };
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, groups.length) }, async () => {
      for (let g = groups.shift(); g; g = groups.shift()) {
        const r = await sendFirstBookingNotices(g);
        total.sent += r.sent;
        total.deferred += r.deferred;
        total.failed += r.failed;
      }
    }),
  );
  return total;
}
