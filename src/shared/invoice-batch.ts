import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Signals and queries of `invoice-batch:<batchId>` and its chunk children (workflow-safe). */
export const pauseBatchSignal = defineSignal('pause');
export const resumeBatchSignal = defineSignal('resume');
export const cancelBatchSignal = defineSignal('cancel');
/** Children report what they did, so the parent's query is live. */
export const chunkProgressSignal = defineSignal<[{ sent: number; failed: number; failures: { itemId: string; reason: string }[] }]>('chunkProgress');

export interface BatchProgress {
  state: 'running' | 'paused' | 'cancelling' | 'cancelled' | 'completed';
  total: number;
  sent: number;
  failed: number;
  pending: number;
  /** Messages per minute over the last minute of sending. */
  ratePerMinute: number;
  etaSeconds: number | null;
  recentFailures: { itemId: string; reason: string }[];
}

export const batchProgressQuery = defineQuery<BatchProgress>('progress');

/** A message the provider keeps throttling is given up after this many tries (the batch goes on). */
export const MAX_THROTTLED_TRIES = 20;
