import { ScheduleNotFoundError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import type { PrismaClient } from '../generated/prisma/client';
import { ensureMailboxWorkflow } from '../reception/mailbox-workflow';
import { pauseSignal, resumeSignal } from '../shared/mailbox-poll';
import { scheduleIds, workflowIds } from '../shared/names';

/**
 * What stops while an organisation is suspended, besides its keys and
 * sessions (refused by the auth middleware): its delivery-sync Schedule and
 * its mailbox polling. The mailbox's own `paused` flag (staff's choice) is left
 * alone, so unsuspending resumes only what staff had not paused themselves.
 */
const SUSPENDED_NOTE = 'paused: organisation suspended by the platform operator';

async function ignoreMissing(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (err) {
    // No schedule / no running workflow: nothing to pause or resume.
    if (err instanceof WorkflowNotFoundError || err instanceof ScheduleNotFoundError) return;
    throw err;
  }
}

export async function pauseOrganizationWork(prisma: PrismaClient, temporal: Client, organizationId: string): Promise<void> {
  await ignoreMissing(temporal.schedule.getHandle(scheduleIds.deliverySync(organizationId)).pause(SUSPENDED_NOTE));
  for (const box of await prisma.mailboxAccount.findMany({ where: { organizationId, disconnectedAt: null } })) {
    await ignoreMissing(temporal.workflow.getHandle(workflowIds.mailboxPoll(box.id)).signal(pauseSignal));
  }
}

export async function resumeOrganizationWork(prisma: PrismaClient, temporal: Client, config: Config, organizationId: string): Promise<void> {
  await ignoreMissing(temporal.schedule.getHandle(scheduleIds.deliverySync(organizationId)).unpause('organisation unsuspended'));
  for (const box of await prisma.mailboxAccount.findMany({ where: { organizationId, disconnectedAt: null, paused: false } })) {
    try {
      await temporal.workflow.getHandle(workflowIds.mailboxPoll(box.id)).signal(resumeSignal);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      // Not running: a worker started while the organisation was suspended leaves its mailboxes unstarted.
      await ensureMailboxWorkflow(temporal, config, box);
    }
  }
}
