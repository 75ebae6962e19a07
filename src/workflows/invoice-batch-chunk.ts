import { condition, getExternalWorkflowHandle, patched, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { cancelBatchSignal, chunkProgressSignal, MAX_THROTTLED_TRIES, pauseBatchSignal, resumeBatchSignal } from '../shared/invoice-batch';

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
  /** History events after which the chunk sends nothing new and hands the rest back (default 8,000). */
  historyLimit?: number;
}

export interface ChunkResult {
  sent: number;
  failed: number;
  cancelled: boolean;
  spacingMs: number;
  /** Stopped at the history limit: the range's still pending messages go to a fresh child. */
  stoppedEarly?: boolean;
}


const REPORT_EVERY = 10;
// Most messages one activity takes at high rates: its bookkeeping is shared by all of them
// (50 from 'invoice-batch-wide-groups', 100 since 'invoice-batch-groups-100').
const WIDE_GROUP = 50;
const WIDER_GROUP = 100;
// Well under the 10,000 events a run should stay below, whatever the rate or throttling did.
const HISTORY_LIMIT = 8_000;

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
  // At high rates several messages share one activity. Originally half the concurrency, so two
  // overlap; now each activity holds half the concurrency in send slots and sends up to
  // WIDE_GROUP messages through them, so the same limit on simultaneous sends carries
  // fewer activities and database round trips per message.
  const wide = patched('invoice-batch-wide-groups');
  // Twice as many messages per activity: half the activities, workflow tasks, progress signals
  // and per-group reads for the same batch (measured: Temporal's CPU per message about halved).
  const wider = wide && patched('invoice-batch-groups-100');
  // A group's outcomes counted in one go rather than awaited one by one: in a workflow's sandbox
  // every promise records its creation's stack trace, mapped through the bundle's source map
  // (Temporal's stack-trace query): an Error's stack, frame by frame, for two promises a message.
  const counted = wider && patched('invoice-batch-outcomes-counted');
  const slots = Math.max(1, Math.ceil(input.concurrency / 2));
  const group = wide ? Math.max(slots, wider ? WIDER_GROUP : WIDE_GROUP) : slots;
  // Token bucket for the rate limit: strict spacing when sends are slow and far apart,
  // bursts up to a group when the rate is high (no timer per message then).
  let tokens = 1;
  let refilledAt = Date.now();
  const refill = () => {
    const capacity = spacing >= 100 ? 1 : wide ? Math.max(input.concurrency, group) : input.concurrency;
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

  const count = (item: { id: string; tries: number }, outcome: Awaited<ReturnType<typeof sendBatchItems>>[number]) => {
    if (!wide) inFlight -= 1;
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
  const handle = async (item: { id: string; tries: number }, outcome: Awaited<ReturnType<typeof sendBatchItems>>[number]) => count(item, outcome);
  const run = async (items: { id: string; tries: number }[], held: number) => {
    const outcomes = wide ? await sendBatchItems(items.map((i) => i.id), held) : await sendBatchItems(items.map((i) => i.id));
    if (wide) inFlight -= held;
    if (counted) for (let k = 0; k < items.length; k++) count(items[k]!, outcomes[k]!);
    // Batches started before: each outcome awaited, as they were (the same microtasks on replay).
    else for (let k = 0; k < items.length; k++) await handle(items[k]!, outcomes[k]!);
    await report();
  };

  let stoppedEarly = false;
  while (!cancelled) {
    await condition(() => cancelled || (queue.length === 0 && inFlight === 0) || (!paused && queue.length > 0 && inFlight < input.concurrency));
    if (cancelled || (queue.length === 0 && inFlight === 0)) break;
    // Slow sending (a low rate, or throttling) costs ~10 events a message: past the limit,
    // what is still queued stays pending in the database for the parent's next child.
    if (workflowInfo().historyLength > (input.historyLimit ?? HISTORY_LIMIT)) {
      stoppedEarly = true;
      break;
    }
    refill();
    // At high rates up to 100 ms of sending may be taken in advance: a timer shorter than
    // that costs more than it saves (it waits at least a workflow task, often far longer).
    // With groups of 100, 200 ms: two groups can start together, as two groups of 50 did.
    const ahead = wide && spacing < 100 ? (wider ? 200 : 100) / Math.max(spacing, 1) : 0;
    const wait = Math.max(notBefore - Date.now(), tokens + ahead >= 1 ? 0 : (1 - tokens - ahead) * spacing);
    if (wait > 0) {
      await sleep(Math.ceil(wait));
      continue;
    }
    // inFlight counts send slots: one per message in a single send, or the slots an activity holds.
    const free = input.concurrency - inFlight;
    const n = spacing >= 100 ? 1 : Math.max(1, Math.min(group, Math.floor(tokens + ahead), queue.length, wide ? group : free));
    const held = wide ? Math.min(n, slots, free) : n;
    tokens -= n;
    const items = queue.splice(0, n);
    inFlight += held;
    const p = run(items, held).finally(() => running.delete(p));
    running.add(p);
  }
  await Promise.all([...running]);
  await report(true);
  return { sent, failed, cancelled, spacingMs: spacing, ...(stoppedEarly ? { stoppedEarly } : {}) };
}
