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
  const { sendFirstBookingNotices, startBookingWorkflowsFor } = proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    // A worker that dies mid-group is noticed after one missed heartbeat; the retry skips what was sent.
    heartbeatTimeout: `${input.heartbeatSeconds ?? 30} seconds`,
    retry: { maximumAttempts: 20, initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const groupsOf = () => Array.from({ length: Math.ceil(input.bookingIds.length / GROUP) }, (_, i) => input.bookingIds.slice(i * GROUP, (i + 1) * GROUP));
  const inParallel = async (run: (ids: string[]) => Promise<void>) => {
    const groups = groupsOf();
    await Promise.all(Array.from({ length: Math.min(PARALLEL, groups.length) }, async () => {
      for (let g = groups.shift(); g; g = groups.shift()) await run(g);
    }));
  };
  const total: BookingNoticesResult = { sent: 0, deferred: 0, failed: 0 };
  // What members wait for first; then each booking's own workflow, delayed to its reminder.
  await inParallel(async (ids) => {
    const r = await sendFirstBookingNotices(ids);
    total.sent += r.sent;
    total.deferred += r.deferred;
    total.failed += r.failed;
  });
  await inParallel(async (ids) => void (await startBookingWorkflowsFor(ids)));
  return total;
}
