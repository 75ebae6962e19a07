import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { scheduleIds, workflowIds } from '../shared/names';
import { startAttributes } from '../temporal/search-attributes';
import { ensureSchedule } from '../temporal/schedules';
import type { DeliverySyncInput } from '../workflows/delivery-sync';

/** The organisation's delivery-sync Schedule, every `minutes` (default 10). */
export async function ensureDeliverySyncSchedule(temporal: Client, config: Config, organizationId: string, minutes: number): Promise<void> {
  await ensureSchedule(temporal, {
    scheduleId: scheduleIds.deliverySync(organizationId),
    spec: { intervals: [{ every: minutes * 60_000 }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'deliverySyncWorkflow',
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: workflowIds.deliverySync(organizationId),
      args: [{ organizationId } satisfies DeliverySyncInput],
      typedSearchAttributes: startAttributes(config, organizationId),
    },
    state: { note: `Reads delivery reports of organisation ${organizationId}` },
  });
}

export async function removeDeliverySyncSchedule(temporal: Client, organizationId: string): Promise<void> {
  await temporal.schedule.getHandle(scheduleIds.deliverySync(organizationId)).delete().catch(() => undefined);
}

/** Starts a sync now; when one is already running, it will pick up the new reports. */
export async function startDeliverySync(temporal: Client, config: Config, organizationId: string): Promise<{ workflowId: string; alreadyRunning: boolean }> {
  const workflowId = workflowIds.deliverySync(organizationId);
  try {
    await temporal.workflow.start('deliverySyncWorkflow', {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [{ organizationId } satisfies DeliverySyncInput],
      typedSearchAttributes: startAttributes(config, organizationId),
    });
    return { workflowId, alreadyRunning: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, alreadyRunning: true };
    throw err;
  }
}
