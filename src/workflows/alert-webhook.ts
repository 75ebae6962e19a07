import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export interface AlertWebhookInput {
  alertEventId: string;
  organizationId: string;
  retry?: { initialIntervalSeconds: number; maximumIntervalSeconds: number };
}

/**
 * `alert-webhook:<alertEventId>`: posts one alert to the organisation's webhook
 * and keeps retrying with backoff until the receiver answers 2xx (for a week at most).
 */
export async function alertWebhookWorkflow(input: AlertWebhookInput): Promise<{ status: number } | { skipped: string }> {
  const retry = input.retry ?? { initialIntervalSeconds: 10, maximumIntervalSeconds: 3600 };
  const { postAlertWebhook } = proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '7 days',
    retry: { initialInterval: `${retry.initialIntervalSeconds} seconds`, maximumInterval: `${retry.maximumIntervalSeconds} seconds`, backoffCoefficient: 2 },
  });
  return postAlertWebhook(input.alertEventId);
}
