import fs from 'node:fs';
import path from 'node:path';
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

/**
 * A history saved as JSON (`temporal workflow show --output json`). Parsed with
 * the protobufjs copy that @temporalio/proto itself uses: the SDK's own
 * `historyFromJSON` fails when npm installs a second copy for @temporalio/common.
 */
export function loadHistoryJson(file: string): unknown {
  const proto = require('@temporalio/proto');
  const { patchProtobufRoot } = require('@temporalio/proto/lib/patch-protobuf-root');
  const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [path.dirname(require.resolve('@temporalio/proto'))] }));
  const type = patchProtobufRoot(proto).lookupType('temporal.api.history.v1.History');
  return protojson.fromJson(type, JSON.parse(fs.readFileSync(file, 'utf8')), { ignoreUnknownFields: true });
}
