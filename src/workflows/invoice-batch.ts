import { condition, continueAsNew, getExternalWorkflowHandle, patched, proxyActivities, setHandler, startChild, workflowInfo, type ChildWorkflowHandle } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { batchProgressQuery, cancelBatchSignal, chunkProgressSignal, pauseBatchSignal, resumeBatchSignal, type BatchProgress } from '../shared/invoice-batch';
import { invoiceBatchChunkWorkflow } from './invoice-batch-chunk';

export interface InvoiceBatchInput {
  batchId: string;
  organizationId: string;
  total: number;
  chunkSize: number;
  concurrency: number;
  ratePerMinute: number;
  throttleBackoffSeconds: number;
  heartbeatSeconds?: number;
  /** History events after which a chunk hands its remaining messages to a fresh child. */
  chunkHistoryLimit?: number;
  /** Carried across continue-as-new. */
  resume?: { position: number; sent: number; failed: number; spacingMs: number; paused: boolean };
}

const { finishBatch, setBatchStatus } = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', retry: { maximumAttempts: 10 } });

/**
 * `invoice-batch:<batchId>`: sends a batch in chunks, one child workflow per
 * chunk, so no run's history grows with the batch (10,000 invoices = 10
 * children; a child that reaches its history limit, e.g. when throttling
 * slows it to one message at a time, hands the rest to a fresh child). Pause, resume and cancel are signals,
 * progress is a query fed by the children.
 */
export async function invoiceBatchWorkflow(input: InvoiceBatchInput): Promise<{ sent: number; failed: number; cancelled: number }> {
  const r = input.resume ?? { position: 0, sent: 0, failed: 0, spacingMs: Math.ceil(60_000 / input.ratePerMinute), paused: false };
  let paused = r.paused;
  let cancelled = false;
  let sent = r.sent;
  let failed = r.failed;
  let spacing = r.spacingMs;
  let child: ChildWorkflowHandle<typeof invoiceBatchChunkWorkflow> | undefined;
  const recentFailures: { itemId: string; reason: string }[] = [];
  const samples: { at: number; sent: number }[] = [];

  const forward = async (signal: typeof pauseBatchSignal | typeof resumeBatchSignal | typeof cancelBatchSignal) => {
    if (child) await getExternalWorkflowHandle(child.workflowId).signal(signal as typeof pauseBatchSignal).catch(() => undefined);
  };
  setHandler(pauseBatchSignal, async () => {
    paused = true;
    await forward(pauseBatchSignal);
  });
  setHandler(resumeBatchSignal, async () => {
    paused = false;
    await forward(resumeBatchSignal);
  });
  setHandler(cancelBatchSignal, async () => {
    cancelled = true;
    await forward(cancelBatchSignal);
  });
  setHandler(chunkProgressSignal, (d) => {
    sent += d.sent;
    failed += d.failed;
    recentFailures.push(...d.failures);
    recentFailures.splice(0, Math.max(0, recentFailures.length - 20));
    samples.push({ at: Date.now(), sent: sent + failed });
    while (samples.length > 1 && samples[0]!.at < Date.now() - 60_000) samples.shift();
  });
  setHandler(batchProgressQuery, (): BatchProgress => {
    const first = samples[0];
    const last = samples[samples.length - 1];
    const minutes = first && last && last.at > first.at ? (last.at - first.at) / 60_000 : 0;
    const rate = minutes > 0 ? (last!.sent - first!.sent) / minutes : 0;
    const pending = Math.max(0, input.total - sent - failed);
    return {
      state: cancelled ? 'cancelling' : paused ? 'paused' : 'running',
      total: input.total, sent, failed, pending,
      ratePerMinute: Math.round(rate * 10) / 10,
      etaSeconds: rate > 0 ? Math.round((pending / rate) * 60) : null,
      recentFailures: [...recentFailures],
    };
  });

  for (let position = r.position; position < input.total && !cancelled; position += input.chunkSize) {
    // A chunk that stopped at its history limit is continued by a fresh child over the same range.
    for (let part = 0; !cancelled; part++) {
      if (paused) {
        await setBatchStatus(input.batchId, 'paused');
        await condition(() => !paused || cancelled);
        if (cancelled) break;
        await setBatchStatus(input.batchId, 'running');
      }
      const pausedAtStart = paused;
      child = await startChild(invoiceBatchChunkWorkflow, {
        workflowId: `${workflowInfo().workflowId}:chunk-${position}${part ? `-${part}` : ''}`,
        args: [{
          batchId: input.batchId, parentWorkflowId: workflowInfo().workflowId, fromPosition: position, count: input.chunkSize, concurrency: input.concurrency, spacingMs: spacing,
          throttleBackoffMs: input.throttleBackoffSeconds * 1000, heartbeatSeconds: input.heartbeatSeconds, paused, ...(input.chunkHistoryLimit ? { historyLimit: input.chunkHistoryLimit } : {}),
        }],
        // The chunk carries whatever its parent carries (OrganizationId where the server has it).
        typedSearchAttributes: workflowInfo().typedSearchAttributes,
      });
      // A pause, resume or cancel that came while the child was starting found no child to forward to:
      // hand the child the state it missed (its input carried the state from before).
      if (patched('invoice-batch-signal-during-child-start')) {
        if (cancelled) await forward(cancelBatchSignal);
        else if (paused !== pausedAtStart) await forward(paused ? pauseBatchSignal : resumeBatchSignal);
      }
      const result = await child.result();
      child = undefined;
      spacing = result.spacingMs;
      if (!result.stoppedEarly) break;
    }
    if (workflowInfo().historyLength > 5_000 && position + input.chunkSize < input.total && !cancelled) {
      await continueAsNew<typeof invoiceBatchWorkflow>({ ...input, resume: { position: position + input.chunkSize, sent, failed, spacingMs: spacing, paused } });
    }
  }
  return finishBatch(input.batchId, cancelled ? 'cancelled' : 'completed');
}
