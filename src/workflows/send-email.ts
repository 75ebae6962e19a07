import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export interface SendEmailInput {
  sentEmailId: string;
  organizationId: string;
  policy?: SendPolicy;
}

export interface SendPolicy {
  maximumAttempts: number;
  initialIntervalSeconds: number;
  maximumIntervalSeconds: number;
  timeoutSeconds: number;
  heartbeatSeconds: number;
}

export const DEFAULT_SEND_POLICY: SendPolicy = { maximumAttempts: 8, initialIntervalSeconds: 5, maximumIntervalSeconds: 600, timeoutSeconds: 300, heartbeatSeconds: 30 };

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
  const policy = input.policy ?? DEFAULT_SEND_POLICY;
  const { deliverEmail, markEmailFailed } = proxyActivities<Activities>({
    startToCloseTimeout: `${policy.timeoutSeconds} seconds`,
    // A worker that dies mid-send is noticed after one missed heartbeat, not after the whole timeout.
    heartbeatTimeout: `${policy.heartbeatSeconds} seconds`,
    retry: {
      maximumAttempts: policy.maximumAttempts,
      initialInterval: `${policy.initialIntervalSeconds} seconds`,
      maximumInterval: `${policy.maximumIntervalSeconds} seconds`,
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
