import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Logger } from '../logger';
import type { Activities } from '../activities';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A pre-built workflow bundle (tests build it once); otherwise src/workflows is bundled at start. */
  workflowBundlePath?: string;
  maxConcurrentActivities?: number;
  logger?: Logger;
}

export async function createWorker(opts: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    ...(opts.workflowBundlePath ? { workflowBundle: { codePath: opts.workflowBundlePath } } : { workflowsPath: require.resolve('../workflows') }),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivities ?? 50,
    // Waiting bookings are no longer in the cache (their start is delayed to the reminder), so it
    // holds only what runs: 500 bounds its memory; an evicted workflow is replayed from its
    // (short) history when its next task comes. Sticky queues stay on (the SDK's default).
    maxCachedWorkflows: 500,
  });
}
