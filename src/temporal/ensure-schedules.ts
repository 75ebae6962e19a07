import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { scheduleIds } from '../shared/names';
import { ensureSchedule } from './schedules';

/**
 * The periodic work, as Temporal Schedules created or updated idempotently at
 * every start: retention purge (daily), the hourly alert digest, the daily
 * validity scan and the booking sweep. Per
 * organisation delivery-sync schedules are managed with their settings
 * (src/delivery/schedule.ts). Each feature adds its schedule here.
 */
export async function ensureSchedules(client: Client, config: Config): Promise<void> {
  await ensureSchedule(client, {
    scheduleId: scheduleIds.retentionPurge,
    spec: { calendars: [{ hour: 3, minute: 17 }] },
    action: { type: 'startWorkflow', workflowType: 'retentionPurgeWorkflow', taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: scheduleIds.retentionPurge },
    state: { note: 'Purges sent-log entries older than each organisation’s retention period' },
  });
  await ensureSchedule(client, {
    scheduleId: scheduleIds.alertDigest,
    spec: { intervals: [{ every: '1 hour' }] },
    action: { type: 'startWorkflow', workflowType: 'alertDigestWorkflow', taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: scheduleIds.alertDigest },
    state: { note: 'Hourly digest of undelivered messages for organisations that asked for one' },
  });
  await ensureSchedule(client, {
    scheduleId: scheduleIds.validityScan,
    spec: { calendars: [{ hour: 6, minute: 5 }] },
    action: { type: 'startWorkflow', workflowType: 'validityScanWorkflow', taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: scheduleIds.validityScan },
    state: { note: 'Daily validity-expiry alerts (medical visits, licences...)' },
  });
  await ensureSchedule(client, {
    scheduleId: scheduleIds.bookingSweep,
    spec: { intervals: [{ every: `${config.BOOKING_SWEEP_MINUTES} minutes` }] },
    action: { type: 'startWorkflow', workflowType: 'bookingSweepWorkflow', taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: scheduleIds.bookingSweep },
    state: { note: 'Confirms and starts bookings whose creation died before starting their workflow' },
  });
}
