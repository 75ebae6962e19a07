import { Context } from '@temporalio/activity';
import { finishInvoiceBatch, type BatchTotals } from '../invoices/finish-batch';
import { sendInvoiceItems, type ItemOutcome } from '../invoices/send-invoice-items';
import type { ActivityDeps } from './deps';
import { createDelivery } from './mail';

export function createInvoiceActivities(deps: ActivityDeps) {
  const { deliverMany } = createDelivery(deps);

  /** Item ids of one chunk still to send, in order (ids only: no bodies in workflow history). */
  async function loadBatchChunk(batchId: string, fromPosition: number, count: number): Promise<string[]> {
    const rows = await deps.prisma.invoiceBatchItem.findMany({
      where: { batchId, position: { gte: fromPosition, lt: fromPosition + count }, status: 'pending' },
      orderBy: { position: 'asc' },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /** Several messages in one activity (when the rate allows), `concurrency` sending at a time: fewer workflow tasks and queries per message. */
  async function sendBatchItems(itemIds: string[], concurrency = itemIds.length): Promise<ItemOutcome[]> {
    Context.current().heartbeat(itemIds.length);
    return sendInvoiceItems(deps, (ids, rows, started) => deliverMany(ids, concurrency, rows, started), itemIds);
  }

  async function finishBatch(batchId: string, state: 'completed' | 'cancelled'): Promise<BatchTotals> {
    return finishInvoiceBatch(deps.prisma, batchId, state);
  }

  async function setBatchStatus(batchId: string, status: 'running' | 'paused'): Promise<void> {
    await deps.prisma.invoiceBatch.updateMany({ where: { id: batchId, status: { in: ['running', 'paused'] } }, data: { status } });
  }

  return { loadBatchChunk, sendBatchItems, finishBatch, setBatchStatus };
}
