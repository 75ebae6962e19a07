import type { Client } from '@temporalio/client';
import type { Config } from '../config';

/**
 * The periodic work (delivery-status sync, validity-expiry scan, retention
 * purge) as Temporal Schedules, created or updated idempotently at start by
 * `ensureSchedule`. Each feature adds its schedule here.
 */
export async function ensureSchedules(_client: Client, _config: Config): Promise<void> {
  // No periodic work in the foundation yet.
}
