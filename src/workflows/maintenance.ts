import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { sendHourlyAlertDigests, purgeSentEmails, scanValidityAlerts, sendDailyBookingDigests } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 5, initialInterval: '30 seconds' },
});

/** Hourly Schedule: one digest mail per organisation that asked for hourly alerts. */
export async function alertDigestWorkflow(): Promise<{ digests: number; events: number }> {
  return sendHourlyAlertDigests();
}

/** Daily Schedule: the sent log keeps each organisation's retention period, no more. */
export async function retentionPurgeWorkflow(): Promise<{ deleted: number; organizations: number }> {
  return purgeSentEmails();
}

/** Daily Schedule: validities reaching an alert stage (30, 7, 0 days before expiry by default), then the managers' booking digests. */
export async function validityScanWorkflow(): Promise<{ alerts: number; digests: number; bookingDigests: number }> {
  const validity = await scanValidityAlerts();
  const bookings = await sendDailyBookingDigests();
  return { ...validity, bookingDigests: bookings.digests };
}
