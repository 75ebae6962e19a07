import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';

/**
 * Replays a finished workflow's real history against the current workflow code:
 * fails with a non-determinism error if a change broke running workflows
 * (which should have used `patched()`).
 */
export async function replayWorkflow(client: Client, workflowId: string): Promise<void> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const bundle = process.env.MAILROOM_WORKFLOW_BUNDLE;
  await Worker.runReplayHistory(bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('../../src/workflows') }, history, workflowId);
}
