import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import type { MailboxAccount, PrismaClient } from '../generated/prisma/client';
import { pauseSignal, pollNowSignal, resumeSignal, settingsChangedSignal, statusQuery, type MailboxPollStatus } from '../shared/mailbox-poll';
import { workflowIds } from '../shared/names';
import { startAttributes } from '../temporal/search-attributes';
import type { MailboxPollInput } from '../workflows/mailbox-poll';

/** Starts `mailbox-poll:<id>` if it is not running; tells a running one about new settings when they changed. */
export async function ensureMailboxWorkflow(temporal: Client, config: Config, box: MailboxAccount, opts: { settingsChanged?: boolean } = {}): Promise<void> {
  const workflowId = workflowIds.mailboxPoll(box.id);
  try {
    await temporal.workflow.start('mailboxPollWorkflow', {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [{ mailboxId: box.id, organizationId: box.organizationId, pollIntervalSeconds: box.pollIntervalSeconds, paused: box.paused } satisfies MailboxPollInput],
      typedSearchAttributes: startAttributes(config, box.organizationId),
      staticSummary: `Polls ${box.username}@${box.host}/${box.folder}`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    if (opts.settingsChanged) await temporal.workflow.getHandle(workflowId).signal(settingsChangedSignal, { pollIntervalSeconds: box.pollIntervalSeconds });
  }
}

export async function stopMailboxWorkflow(temporal: Client, mailboxId: string): Promise<void> {
  try {
    await temporal.workflow.getHandle(workflowIds.mailboxPoll(mailboxId)).cancel();
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}

export async function signalMailbox(temporal: Client, config: Config, box: MailboxAccount, what: 'pollNow' | 'pause' | 'resume'): Promise<void> {
  await ensureMailboxWorkflow(temporal, config, box);
  const handle = temporal.workflow.getHandle(workflowIds.mailboxPoll(box.id));
  await handle.signal(what === 'pollNow' ? pollNowSignal : what === 'pause' ? pauseSignal : resumeSignal);
}

export async function mailboxWorkflowStatus(temporal: Client, mailboxId: string): Promise<MailboxPollStatus | null> {
  try {
    return await temporal.workflow.getHandle(workflowIds.mailboxPoll(mailboxId)).query(statusQuery);
  } catch {
    return null; // not running (or the worker is down): the database still answers
  }
}

/** At start: every configured mailbox has its polling workflow. */
export async function ensureAllMailboxWorkflows(prisma: PrismaClient, temporal: Client, config: Config): Promise<void> {
  // A suspended organisation's mailbox stays still until the operator lifts the suspension (src/operators).
  const boxes = await prisma.mailboxAccount.findMany({ where: { disconnectedAt: null, organization: { suspendedAt: null } } });
  for (const box of boxes) await ensureMailboxWorkflow(temporal, config, box);
}
