import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import type { PrismaClient, SentEmail } from '../generated/prisma/client';
import { TASK_QUEUE, workflowIds } from '../shared/names';
import { startAttributes } from '../temporal/search-attributes';
import type { SendEmailInput } from '../workflows/send-email';

export type SendPolicyConfig = Pick<Config, 'SEND_MAX_ATTEMPTS' | 'SEND_RETRY_INITIAL_SECONDS' | 'SEND_RETRY_MAX_SECONDS' | 'SEND_ACTIVITY_TIMEOUT_SECONDS' | 'SEND_HEARTBEAT_SECONDS'>;

/** Retry and timeout policy of a send, from configuration, passed into the workflow (which cannot read env). */
export function sendPolicy(config: SendPolicyConfig): NonNullable<SendEmailInput['policy']> {
  return {
    maximumAttempts: config.SEND_MAX_ATTEMPTS,
    initialIntervalSeconds: config.SEND_RETRY_INITIAL_SECONDS,
    maximumIntervalSeconds: config.SEND_RETRY_MAX_SECONDS,
    timeoutSeconds: config.SEND_ACTIVITY_TIMEOUT_SECONDS,
    heartbeatSeconds: config.SEND_HEARTBEAT_SECONDS,
  };
}

/**
 * Starts `send:<id>` for a queued message. Starting twice (a repeated API call,
 * or a retry after a crash between recording and starting) is harmless.
 */
export async function startSendWorkflow(deps: { temporal: Client; prisma: PrismaClient; config: Config; taskQueue?: string }, email: SentEmail): Promise<string> {
  const workflowId = workflowIds.send(email.id);
  try {
    await deps.temporal.workflow.start('sendEmailWorkflow', {
      taskQueue: deps.taskQueue ?? deps.config.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE,
      workflowId,
      args: [{ sentEmailId: email.id, organizationId: email.organizationId, policy: sendPolicy(deps.config) } satisfies SendEmailInput],
      typedSearchAttributes: startAttributes(deps.config, email.organizationId),
      staticSummary: `Send "${email.subject.slice(0, 80)}"`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  if (email.workflowId !== workflowId) await deps.prisma.sentEmail.update({ where: { id: email.id }, data: { workflowId } });
  return workflowId;
}
