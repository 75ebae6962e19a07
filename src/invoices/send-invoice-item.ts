import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { ActivityDeps } from '../activities/deps';
import { queueEmail } from '../mail/queue-email';
import { AppError } from '../shared/errors';
import { invoiceTemplateData } from './list-candidates';

export type ItemOutcome = { status: 'sent' } | { status: 'failed'; reason: string } | { status: 'throttled'; reason: string } | { status: 'skipped' };

/**
 * One message of a batch, exactly once: recorded under the key
 * `invoice:<invoiceId>:<batchId>:<address>`, delivered through the structure's
 * account by the same code as every other message (never re-sent once
 * recorded as sent). Throttling (421/450 and other 4xx) is reported back so
 * the batch slows down and tries again later, instead of failing the invoice.
 */
export async function sendInvoiceItem(
  deps: ActivityDeps & { temporal?: Client; config: Config },
  deliver: (sentEmailId: string) => Promise<unknown>,
  itemId: string,
): Promise<ItemOutcome> {
  const { prisma } = deps;
  const item = await prisma.invoiceBatchItem.findUnique({ where: { id: itemId }, include: { batch: { include: { organization: true } }, invoice: { include: { member: true, structure: true } } } });
  if (!item || item.status === 'sent' || item.status === 'cancelled') return { status: 'skipped' };
  const { invoice, batch } = item;
  const { sentEmail } = await queueEmail(
    { ...deps, messageIdDomain: deps.config.MESSAGE_ID_DOMAIN },
    {
      organizationId: batch.organizationId,
      structureId: invoice.structureId,
      memberId: invoice.memberId,
      documentId: invoice.documentId,
      to: [item.address],
      cc: item.cc ? [item.cc] : [],
      template: { key: 'invoice', data: invoiceTemplateData(invoice, invoice.member, invoice.structure.name, batch.organization.locale) },
      documentIds: invoice.documentId ? [invoice.documentId] : [],
      idempotencyKey: `invoice:${invoice.id}:${batch.id}:${item.address}`,
      relatedType: 'invoice',
      relatedId: invoice.id,
    },
  );
  if (item.sentEmailId !== sentEmail.id) await prisma.invoiceBatchItem.update({ where: { id: item.id }, data: { sentEmailId: sentEmail.id } });
  try {
    await deliver(sentEmail.id);
  } catch (err) {
    // deliverEmail throws ApplicationFailures typed with our error codes.
    const code = err instanceof AppError ? err.code : (err as { type?: string }).type;
    const reason = (err as Error).message;
    if (code === 'SMTP_TRANSIENT' || code === 'SMTP_CONNECTION') return { status: 'throttled', reason };
    await prisma.invoiceBatchItem.update({ where: { id: item.id }, data: { status: 'failed', error: reason } });
    await prisma.sentEmail.updateMany({ where: { id: sentEmail.id, status: { in: ['queued', 'sending'] } }, data: { status: 'failed', failedAt: new Date(), lastError: reason } });
    return { status: 'failed', reason };
  }
  const after = await prisma.sentEmail.findUniqueOrThrow({ where: { id: sentEmail.id } });
  if (after.status !== 'sent') {
    const reason = after.lastError ?? `message ${after.status}`;
    await prisma.invoiceBatchItem.update({ where: { id: item.id }, data: { status: 'failed', error: reason } });
    return { status: 'failed', reason };
  }
  const now = after.sentAt ?? new Date();
  await prisma.$transaction([
    prisma.invoiceBatchItem.update({ where: { id: item.id }, data: { status: 'sent', error: null } }),
    prisma.invoice.update({ where: { id: invoice.id }, data: { lastSentAt: now } }),
  ]);
  return { status: 'sent' };
}
