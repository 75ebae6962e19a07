import type { PrismaClient } from '../generated/prisma/client';
import { MAX_THROTTLED_TRIES } from '../shared/invoice-batch';
import { detailText } from '../shared/problem-details';

export interface BatchTotals {
  sent: number;
  failed: number;
  cancelled: number;
}

/**
 * Closes a batch. Cancelled: what was still waiting is cancelled. Completed: every item has been
 * tried, so one still waiting is one the provider kept throttling until the chunk gave it up
 * (MAX_THROTTLED_TRIES): it is recorded as failed, with its message, so staff see it among the
 * failures and "resend the failed ones" takes it, instead of a message waiting forever.
 */
export async function finishInvoiceBatch(prisma: PrismaClient, batchId: string, state: 'completed' | 'cancelled'): Promise<BatchTotals> {
  const now = new Date();
  if (state === 'cancelled') {
    await prisma.invoiceBatchItem.updateMany({ where: { batchId, status: 'pending' }, data: { status: 'cancelled', updatedAt: now } });
  } else {
    const stuck = await prisma.invoiceBatchItem.findMany({ where: { batchId, status: 'pending' }, select: { id: true, sentEmailId: true } });
    const messageIds = stuck.flatMap((s) => (s.sentEmailId ? [s.sentEmailId] : []));
    const messages = new Map((await prisma.sentEmail.findMany({ where: { id: { in: messageIds } }, select: { id: true, lastError: true } })).map((m) => [m.id, m]));
    for (const item of stuck) {
      const message = item.sentEmailId ? messages.get(item.sentEmailId) : undefined;
      const params = { tries: MAX_THROTTLED_TRIES, detail: message?.lastError || 'the server asked to slow down' };
      const failure = { error: detailText('STILL_THROTTLED', params), code: 'STILL_THROTTLED', params };
      await prisma.invoiceBatchItem.update({ where: { id: item.id }, data: { status: 'failed', error: failure.error, errorCode: failure.code, errorParams: failure.params, updatedAt: now } });
      // Its message was never accepted: it stops waiting in the sent log too.
      if (message) {
        await prisma.sentEmail.updateMany({
          where: { id: message.id, status: { in: ['queued', 'sending'] } },
          data: { status: 'failed', failedAt: now, lastError: failure.error, lastErrorCode: failure.code, lastErrorParams: failure.params },
        });
      }
    }
  }
  await prisma.invoiceBatch.update({ where: { id: batchId }, data: { status: state, finishedAt: now } });
  const groups = await prisma.invoiceBatchItem.groupBy({ by: ['status'], where: { batchId }, _count: { _all: true } });
  const n = (s: string) => groups.find((g) => g.status === s)?._count._all ?? 0;
  return { sent: n('sent'), failed: n('failed'), cancelled: n('cancelled') };
}
