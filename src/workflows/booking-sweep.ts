import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { startLostBookingNotices } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 3, initialInterval: '30 seconds' },
});

/**
 * Schedule `booking-notices-sweep` (every BOOKING_SWEEP_MINUTES): bookings
 * saved by a creation that died before it started their `booking-notices`
 * workflow get it now (src/notifications/booking-sweep.ts).
 */
export async function bookingSweepWorkflow(): Promise<{ groups: number; bookings: number }> {
  return startLostBookingNotices();
}
