import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export interface DeliverySyncInput {
  organizationId: string;
}

export interface DeliverySyncResult {
  processed: number;
  outcomes: Record<string, number>;
}

const { syncDeliveryReports } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 3, initialInterval: '5 seconds', backoffCoefficient: 2 },
});

// Each batch is a couple of events; 200 batches keep one run far below history limits.
const BATCHES_PER_RUN = 200;

/**
 * `delivery-sync:<orgId>`: reads the bounce mailbox batch by batch until it is
 * caught up. Started by the organisation's Schedule and by POST /sent-emails/sync.
 */
export async function deliverySyncWorkflow(input: DeliverySyncInput, carried: DeliverySyncResult = { processed: 0, outcomes: {} }): Promise<DeliverySyncResult> {
  const total = { processed: carried.processed, outcomes: { ...carried.outcomes } };
  for (let i = 0; i < BATCHES_PER_RUN; i++) {
    const batch = await syncDeliveryReports(input.organizationId);
    total.processed += batch.processed;
    for (const [k, v] of Object.entries(batch.outcomes)) total.outcomes[k] = (total.outcomes[k] ?? 0) + v;
    if (!batch.more) return total;
  }
  return continueAsNew<typeof deliverySyncWorkflow>(input, total);
}
