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
  deliverMany: (sentEmailIds: string[], rows: SentEmail[], started: ReadonlySet<string>) => Promise<Delivery[]>,
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
    // Sent right below: recorded already `sending` (one statement and one row version less a message).
    { startSending: true },
  );
  const now = new Date();
  // Each item's message is linked with the item's outcome (one write a message instead of two); a
  // retry after a crash finds the same message by its idempotency key, so nothing hangs on the link.
  // Each failure keeps its words and, beside them, its code and values (the console words those).
  type Failure = { id: string; status: 'failed'; error: string; errorCode: string; errorParams: Params; sentEmailId: string | null; updatedAt: Date };
  const failures: Failure[] = [];
  const fail = (id: string, sentEmailId: string | null, error: string, coded: { code: string; params: Params }) =>
    failures.push({ id, status: 'failed', error, errorCode: coded.code, errorParams: coded.params, sentEmailId, updatedAt: now });
  const toSend: { item: (typeof items)[number]; sentEmailId: string; row: SentEmail }[] = [];
  const started = new Set<string>();
  items.forEach((item, k) => {
    const q = queued[k]!;
    if ('error' in q) fail(item.id, item.sentEmailId, q.error.message, storedFailure(q.error));
    else {
      toSend.push({ item, sentEmailId: q.sentEmail.id, row: q.sentEmail });
      if (q.created) started.add(q.sentEmail.id);
    }
  });

  const deliveries = await deliverMany(toSend.map((t) => t.sentEmailId), toSend.map((t) => t.row), started);
  const sent: { item: (typeof items)[number]; sentEmailId: string }[] = [];
  const linked: { id: string; sentEmailId: string; updatedAt: Date }[] = [];
  const permanent: string[] = [];
  toSend.forEach(({ item, sentEmailId }, k) => {
    const d = deliveries[k]!;
    if (d.ok && d.row.status === 'sent') {
      sent.push({ item, sentEmailId });
      outcomes.set(item.id, { status: 'sent' });
    } else if (d.ok) {
      // Already settled before (failed, bounced or cancelled): say why.
      if (!d.row.lastError) fail(item.id, sentEmailId, detailText('MESSAGE_SETTLED', { status: d.row.status }), { code: 'MESSAGE_SETTLED', params: { status: d.row.status } });
      else fail(item.id, sentEmailId, d.row.lastError, d.row.lastErrorCode ? { code: d.row.lastErrorCode, params: (d.row.lastErrorParams ?? {}) as Params } : readFailure(d.row.lastError));
    } else if (THROTTLED.includes(d.failure.code)) {
      outcomes.set(item.id, { status: 'throttled', reason: d.failure.message });
      if (item.sentEmailId !== sentEmailId) linked.push({ id: item.id, sentEmailId, updatedAt: now });
    } else {
      fail(item.id, sentEmailId, d.failure.message, storedFailure(d.failure));
      permanent.push(d.id);
    }
  });
  for (const f of failures) outcomes.set(f.id, { status: 'failed', reason: f.error });

  await bulkWrite(direct, [
    { update: 'InvoiceBatchItem', key: ['id'], rows: sent.map(({ item, sentEmailId }) => ({ id: item.id, status: 'sent', error: null, errorCode: null, errorParams: null, sentEmailId, updatedAt: now })) },
    { update: 'Invoice', key: ['id'], rows: [...new Set(sent.map(({ item }) => item.invoiceId))].map((id) => ({ id, lastSentAt: now, updatedAt: now })) },
    { update: 'InvoiceBatchItem', key: ['id'], rows: failures },
    { update: 'InvoiceBatchItem', key: ['id'], rows: linked },
  ]);
  if (permanent.length) await prisma.sentEmail.updateMany({ where: { id: { in: permanent }, status: { in: ['queued', 'sending'] } }, data: { status: 'failed', failedAt: now } });
  return itemIds.map((id) => outcomes.get(id) ?? { status: 'skipped' });
}
