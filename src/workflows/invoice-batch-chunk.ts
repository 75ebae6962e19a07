import { condition, getExternalWorkflowHandle, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { cancelBatchSignal, chunkProgressSignal, pauseBatchSignal, resumeBatchSignal } from '../shared/invoice-batch';

export interface ChunkInput {
  batchId: string;
  parentWorkflowId: string;
  fromPosition: number;
  count: number;
  concurrency: number;
  /** Minimum time between two sends (the organisation's rate limit). */
  spacingMs: number;
  throttleBackoffMs: number;
  /** A worker that dies mid-send is noticed after this long (SEND_HEARTBEAT_SECONDS). */
  heartbeatSeconds?: number;
  paused?: boolean;
}

export interface ChunkResult {
  sent: number;
  failed: number;
  cancelled: boolean;
  spacingMs: number;
}


const MAX_THROTTLED_TRIES = 20;
const REPORT_EVERY = 10;

/**
 * `invoice-batch:<batchId>:chunk-<n>`: sends one slice of a batch with a
 * concurrency limit and the rate limit's spacing; a throttled message (421/450)
 * goes back in the queue and the whole chunk slows down. Signals from the
 * parent pause, resume or cancel (in-flight sends finish).
 */
export async function invoiceBatchChunkWorkflow(input: ChunkInput): Promise<ChunkResult> {
  const { loadBatchChunk, sendBatchItems } = proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: `${input.heartbeatSeconds ?? 30} seconds`,
    retry: { maximumAttempts: 10, initialInterval: '2 seconds', maximumInterval: '1 minute' },
  });
  let paused = input.paused ?? false;
  let cancelled = false;
  setHandler(pauseBatchSignal, () => void (paused = true));
  setHandler(resumeBatchSignal, () => void (paused = false));
  setHandler(cancelBatchSignal, () => void (cancelled = true));

  const parent = getExternalWorkflowHandle(input.parentWorkflowId);
  const queue = (await loadBatchChunk(input.batchId, input.fromPosition, input.count)).map((id) => ({ id, tries: 0 }));
  let spacing = input.spacingMs;
  let notBefore = 0;
  // Token bucket for the rate limit: strict spacing when sends are slow and far apart,
  // bursts up to the concurrency when the rate is high (no timer per message then).
  let tokens = 1;
  let refilledAt = Date.now();
  const refill = () => {
    const capacity = spacing >= 100 ? 1 : input.concurrency;
    tokens = Math.min(capacity, tokens + (Date.now() - refilledAt) / Math.max(spacing, 1));
    refilledAt = Date.now();
  };
  let inFlight = 0;
  let sent = 0;
  let failed = 0;
  let delta = { sent: 0, failed: 0, failures: [] as { itemId: string; reason: string }[] };
  const running = new Set<Promise<void>>();
  const report = async (force = false) => {
    if (!force && delta.sent + delta.failed < REPORT_EVERY) return;
    if (delta.sent + delta.failed === 0) return;
    const d = delta;
    delta = { sent: 0, failed: 0, failures: [] };
    await parent.signal(chunkProgressSignal, d);
  };

  const handle = async (item: { id: string; tries: number }, outcome: Awaited<ReturnType<typeof sendBatchItems>>[number]) => {
    inFlight -= 1;
    if (outcome.status === 'sent') {
      sent += 1;
      delta.sent += 1;
    } else if (outcome.status === 'failed') {
      failed += 1;
      delta.failed += 1;
      delta.failures.push({ itemId: item.id, reason: outcome.reason });
    } else if (outcome.status === 'throttled') {
      // The provider asks us to slow down: double the spacing, pause a while, try the message again later.
      spacing = Math.min(60_000, Math.max(1_000, spacing * 2));
      notBefore = Date.now() + input.throttleBackoffMs;
      tokens = 0;
      item.tries += 1;
      if (item.tries < MAX_THROTTLED_TRIES) queue.push(item);
      else {
        failed += 1;
        delta.failed += 1;
        delta.failures.push({ itemId: item.id, reason: `still throttled after ${item.tries} tries: ${outcome.reason}` });
      }
    }
  };
  const run = async (items: { id: string; tries: number }[]) => {
    const outcomes = await sendBatchItems(items.map((i) => i.id));
    for (let k = 0; k < items.length; k++) await handle(items[k]!, outcomes[k]!);
    await report();
  };
  // At high rates several messages share one activity (half the concurrency, so two overlap).
  const group = Math.max(1, Math.ceil(input.concurrency / 2));

  while (!cancelled) {
    await condition(() => cancelled || (queue.length === 0 && inFlight === 0) || (!paused && queue.length > 0 && inFlight < input.concurrency));
    if (cancelled || (queue.length === 0 && inFlight === 0)) break;
    refill();
    const wait = Math.max(notBefore - Date.now(), tokens >= 1 ? 0 : (1 - tokens) * spacing);
    if (wait > 0) {
      await sleep(Math.ceil(wait));
      continue;
    }
    const n = spacing >= 100 ? 1 : Math.max(1, Math.min(group, Math.floor(tokens), queue.length, input.concurrency - inFlight));
    tokens -= n;
    const items = queue.splice(0, n);
    inFlight += n;
    const p = run(items).finally(() => running.delete(p));
    running.add(p);
  }
  await Promise.all([...running]);
  await report(true);
  return { sent, failed, cancelled, spacingMs: spacing };
}
