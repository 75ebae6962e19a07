import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export interface SendEmailInput {
  sentEmailId: string;
  organizationId: string;
  retry?: { maximumAttempts: number; initialIntervalSeconds: number; maximumIntervalSeconds: number };
}

export interface SendEmailResult {
  sentEmailId: string;
  status: 'sent' | 'failed' | 'skipped';
  reason?: string;
}

/**
 * One outgoing message, durably: deliver with retries and backoff for transient
 * SMTP errors (4xx, network); a permanent refusal (5xx) fails at once. The
 * message body never enters the workflow: only the SentEmail id does.
 */
export async function sendEmailWorkflow(input: SendEmailInput): Promise<SendEmailResult> {
  const retry = input.retry ?? { maximumAttempts: 8, initialIntervalSeconds: 5, maximumIntervalSeconds: 600 };
  const { deliverEmail, markEmailFailed } = proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '2 minutes',
    retry: {
      maximumAttempts: retry.maximumAttempts,
      initialInterval: `${retry.initialIntervalSeconds} seconds`,
      maximumInterval: `${retry.maximumIntervalSeconds} seconds`,
      backoffCoefficient: 2,
    },
  });

  try {
    const outcome = await deliverEmail(input.sentEmailId);
    return { sentEmailId: input.sentEmailId, status: outcome.status };
  } catch (err) {
    const reason = failureReason(err);
    await markEmailFailed(input.sentEmailId, reason);
    return { sentEmailId: input.sentEmailId, status: 'failed', reason };
  }
}

function failureReason(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause.message;
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
