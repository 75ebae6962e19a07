import type { Config } from '../config';
import type { SentEmail } from '../generated/prisma/client';
import type { ActivityDeps } from '../activities/deps';
import type { Delivery } from '../activities/mail';
import { bulkWrite } from '../db/bulk';
import type { Params } from '../shared/coded-text';
import { storedFailure } from '../shared/errors';
import { detailText, readFailure } from '../shared/problem-details';
import { queueEmails } from '../mail/queue-email';
import { invoiceTemplateData } from './list-candidates';
import { loadBatchItems } from './load-batch-items';

export type ItemOutcome = { status: 'sent' } | { status: 'failed'; reason: string } | { status: 'throttled'; reason: string } | { status: 'skipped' };

const THROTTLED = ['SMTP_TRANSIENT', 'SMTP_CONNECTION'];

/**
 * A group of a batch's messages, each exactly once: recorded under the key
 * `invoice:<invoiceId>:<batchId>:<address>` and delivered through the
 * structure's account by the same code as every other message (never re-sent
 * once recorded as sent). Throttling (421/450 and other 4xx, dropped
 * connections) is reported back so the batch slows down and tries again later
 * instead of failing the invoice. The group's bookkeeping is written in a few
 * statements, not a few per message.
 */
export async function sendInvoiceItems(
  deps: ActivityDeps & { config: Config },
  deliverMany: (sentEmailIds: string[], rows: SentEmail[]) => Promise<Delivery[]>,
  itemIds: string[],
): Promise<ItemOutcome[]> {
  const { prisma } = deps;
  const direct = deps.sql ?? prisma;
  const found = await loadBatchItems(direct, itemIds);
  const items = found.filter((i) => i.status !== 'sent' && i.status !== 'cancelled');
  const outcomes = new Map<string, ItemOutcome>();
  const queued = await queueEmails(
    { ...deps, messageIdDomain: deps.config.MESSAGE_ID_DOMAIN, direct },
    items.map((i) => ({
      organizationId: i.organizationId,
      structureId: i.structureId,
      memberId: i.memberId,
      documentId: i.documentId,
      to: [i.address],
      cc: i.cc ? [i.cc] : [],
      template: { key: 'invoice', data: invoiceTemplateData(i, i, i.structureName, i.locale) },
      documentIds: i.documentId ? [i.documentId] : [],
      idempotencyKey: `invoice:${i.invoiceId}:${i.batchId}:${i.address}`,
      relatedType: 'invoice',
      relatedId: i.invoiceId,
    })),
  );
  const now = new Date();
  // Each failure keeps its words and, beside them, its code and values (the console words those).
  const failures: { id: string; status: 'failed'; error: string; errorCode: string; errorParams: Params; updatedAt: Date }[] = [];
  const fail = (id: string, error: string, coded: { code: string; params: Params }) => failures.push({ id, status: 'failed', error, errorCode: coded.code, errorParams: coded.params, updatedAt: now });
  const toSend: { item: (typeof items)[number]; sentEmailId: string; row: SentEmail }[] = [];
  items.forEach((item, k) => {
    const q = queued[k]!;
    if ('error' in q) fail(item.id, q.error.message, storedFailure(q.error));
    else toSend.push({ item, sentEmailId: q.sentEmail.id, row: q.sentEmail });
  });
  await bulkWrite(direct, [{ update: 'InvoiceBatchItem', key: ['id'], rows: toSend.filter((t) => t.item.sentEmailId !== t.sentEmailId).map((t) => ({ id: t.item.id, sentEmailId: t.sentEmailId, updatedAt: now })) }]);

  const deliveries = await deliverMany(toSend.map((t) => t.sentEmailId), toSend.map((t) => t.row));
  const sent: typeof items = [];
  const permanent: string[] = [];
  toSend.forEach(({ item }, k) => {
    const d = deliveries[k]!;
    if (d.ok && d.row.status === 'sent') {
      sent.push(item);
      outcomes.set(item.id, { status: 'sent' });
    } else if (d.ok) {
      // Already settled before (failed, bounced or cancelled): say why.
      if (!d.row.lastError) fail(item.id, detailText('MESSAGE_SETTLED', { status: d.row.status }), { code: 'MESSAGE_SETTLED', params: { status: d.row.status } });
      else fail(item.id, d.row.lastError, d.row.lastErrorCode ? { code: d.row.lastErrorCode, params: (d.row.lastErrorParams ?? {}) as Params } : readFailure(d.row.lastError));
    } else if (THROTTLED.includes(d.failure.code)) {
      outcomes.set(item.id, { status: 'throttled', reason: d.failure.message });
    } else {
      fail(item.id, d.failure.message, storedFailure(d.failure));
      permanent.push(d.id);
    }
  });
  for (const f of failures) outcomes.set(f.id, { status: 'failed', reason: f.error });

  await bulkWrite(direct, [
    { update: 'InvoiceBatchItem', key: ['id'], rows: sent.map((i) => ({ id: i.id, status: 'sent', error: null, errorCode: null, errorParams: null, updatedAt: now })) },
    { update: 'Invoice', key: ['id'], rows: [...new Set(sent.map((i) => i.invoiceId))].map((id) => ({ id, lastSentAt: now, updatedAt: now })) },
    { update: 'InvoiceBatchItem', key: ['id'], rows: failures },
  ]);
  if (permanent.length) await prisma.sentEmail.updateMany({ where: { id: { in: permanent }, status: { in: ['queued', 'sending'] } }, data: { status: 'failed', failedAt: now } });
  return itemIds.map((id) => outcomes.get(id) ?? { status: 'skipped' });
}
