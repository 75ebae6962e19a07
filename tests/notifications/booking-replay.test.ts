import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { quietTemporalRuntime } from '../helpers/quiet-runtime';
import { loadHistoryJson } from '../helpers/replay';

/**
 * Recorded histories of `booking:<id>` (confirmation, a move, a cancellation),
 * replayed against today's workflow code: v1 is the shape from before the
 * delayed start (the workflow sent its own confirmation), v2 the delayed start
 * woken by signal-with-start. A change that would break either fails here.
 */
const histories = ['booking-v1.json', 'booking-v2-delayed.json'];

describe('booking workflow histories replay on the current code', () => {
  jest.setTimeout(60_000);
  const bundle = process.env.MAILROOM_WORKFLOW_BUNDLE;
  const options = bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('../../src/workflows') };
  beforeAll(() => quietTemporalRuntime());

  it.each(histories)('%s', async (file) => {
    const history = loadHistoryJson(path.join(__dirname, '../fixtures/histories', file));
    await expect(Worker.runReplayHistory(options, history, `booking:${file}`)).resolves.toBeUndefined();
  });
});
