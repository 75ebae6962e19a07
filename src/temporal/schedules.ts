import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';

/**
 * Creates a Temporal Schedule, or brings an existing one up to date, so every
 * start of the service converges on the same schedules without duplicates.
 */
export async function ensureSchedule(client: Client, options: ScheduleOptions): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const handle = client.schedule.getHandle(options.scheduleId);
    await handle.update((previous) => ({
      ...previous,
      spec: options.spec,
      action: { ...options.action, workflowType: options.action.workflowType } as typeof previous.action,
      policies: { ...previous.policies, ...options.policies },
      state: { ...previous.state, note: options.state?.note ?? previous.state.note },
    }));
    return 'updated';
  }
}
