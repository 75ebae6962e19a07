import { ScheduleNotFoundError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import type { PrismaClient } from '../generated/prisma/client';
import { ensureMailboxWorkflow } from '../reception/mailbox-workflow';
import { batchProgressQuery, pauseBatchSignal, resumeBatchSignal } from '../shared/invoice-batch';
import { pauseSignal, resumeSignal } from '../shared/mailbox-poll';
import { scheduleIds, workflowIds } from '../shared/names';

/**
 * What stops while an organisation is suspended, besides its keys and
 * sessions (refused by the auth middleware): its delivery-sync Schedule, its
 * mailbox polling and its running invoice batches (a suspension for abuse must
 * stop the sending). Staff's own pauses (the mailbox's `paused` flag, a batch
 * they paused) are left alone, so unsuspending resumes only what it stopped.
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
  for (const batch of await prisma.invoiceBatch.findMany({ where: { organizationId, status: { in: ['running', 'paused'] } }, select: { id: true, status: true } })) {
    const handle = temporal.workflow.getHandle(workflowIds.invoiceBatch(batch.id));
    // The live state, not the row: a batch staff paused mid-chunk still reads "running" in the table until its chunk ends.
    const state = await handle.query(batchProgressQuery).then((p) => p.state, () => batch.status);
    if (state !== 'running') continue;
    // Marked first: if the signal fails, a retried suspension finds it again and unsuspending still resumes it.
    await prisma.invoiceBatch.update({ where: { id: batch.id }, data: { pausedBySuspension: true } });
    await ignoreMissing(handle.signal(pauseBatchSignal));
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
  for (const batch of await prisma.invoiceBatch.findMany({ where: { organizationId, pausedBySuspension: true }, select: { id: true } })) {
    await ignoreMissing(temporal.workflow.getHandle(workflowIds.invoiceBatch(batch.id)).signal(resumeBatchSignal));
    await prisma.invoiceBatch.update({ where: { id: batch.id }, data: { pausedBySuspension: false } });
  }
}
