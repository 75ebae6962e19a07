import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { loadHistoryJson } from '../helpers/replay';

/**
 * Recorded histories of an invoice batch (`invoice-batch:<id>`) and its chunk
 * (`…:chunk-0`), 230 invoices at a high rate, replayed against today's
 * workflow code: v1 sent up to 50 messages per activity ('invoice-batch-wide-groups'),
 * v2 up to 100 ('invoice-batch-groups-100'). A change that would break a batch
 * running during a deploy fails here.
 */
const v1 = 'invoice-batch:01a25023-4abe-7238-9a23-5fba3c7190c6';
const v2 = 'invoice-batch:01a25024-18f5-7319-a9fd-ea61b154023c';
// The workflow ids they ran under: the parent names its children after its own id.
const histories = [
  ['invoice-batch-v1-wide-50.json', v1],
  ['invoice-batch-v1-wide-50-chunk.json', `${v1}:chunk-0`],
  ['invoice-batch-v2-wide-100.json', v2],
  ['invoice-batch-v2-wide-100-chunk.json', `${v2}:chunk-0`],
];

describe('invoice batch histories replay on the current code', () => {
  jest.setTimeout(60_000);
  const bundle = process.env.MAILROOM_WORKFLOW_BUNDLE;
  const options = bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('../../src/workflows') };

  it.each(histories)('%s', async (file, workflowId) => {
    const history = loadHistoryJson(path.join(__dirname, '../fixtures/histories', file!));
    await expect(Worker.runReplayHistory(options, history, workflowId)).resolves.toBeUndefined();
  });
});
