import { finishInvoiceBatch } from '../../src/invoices/finish-batch';
import type { Database } from '../../src/db/client';
import { createTestDatabase } from '../helpers/db';

/** The end of an invoice batch as staff read it: no message left waiting once every item was tried. */
describe('finishing an invoice batch', () => {
  let db: Database & { drop(): Promise<void> };
  let organizationId: string;
  let structureId: string;
  let memberId: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    organizationId = (await db.prisma.organization.create({ data: { name: 'Résidence' } })).id;
    structureId = (await db.prisma.structure.create({ data: { organizationId, name: 'EHPAD' } })).id;
    memberId = (await db.prisma.member.create({ data: { organizationId, firstName: 'Tom', lastName: 'Greylist' } })).id;
  });
  afterAll(async () => db?.drop());

  const batchWith = async (statuses: string[]) => {
    const batch = await db.prisma.invoiceBatch.create({ data: { organizationId, structureId, period: '2026-11', total: statuses.length } });
    const items = [];
    for (const [position, status] of statuses.entries()) {
      const invoice = await db.prisma.invoice.create({ data: { organizationId, structureId, memberId, number: `F-${batch.id}-${position}`, period: '2026-11', amountExclTaxCents: 100, amountInclTaxCents: 120 } });
      const message = await db.prisma.sentEmail.create({
        data: { organizationId, idempotencyKey: `k-${batch.id}-${position}`, fromAddress: 'facturation@ehpad.example', to: ['tom@example.org'], subject: 'Facture', messageId: `<${batch.id}.${position}@ehpad.example>`, status: status === 'sent' ? 'sent' : 'queued', lastError: status === 'pending' ? '451 4.7.1 Throttled, try later' : null },
      });
      items.push(await db.prisma.invoiceBatchItem.create({ data: { batchId: batch.id, invoiceId: invoice.id, position, address: 'tom@example.org', status, sentEmailId: message.id } }));
    }
    return { batch, items };
  };

  it('records an item the provider kept throttling as failed, with its message, when the batch completes', async () => {
    const { batch, items } = await batchWith(['sent', 'pending']);
    expect(await finishInvoiceBatch(db.prisma, batch.id, 'completed')).toEqual({ sent: 1, failed: 1, cancelled: 0 });
    const item = await db.prisma.invoiceBatchItem.findUniqueOrThrow({ where: { id: items[1]!.id } });
    expect(item).toMatchObject({ status: 'failed', errorCode: 'STILL_THROTTLED', errorParams: { tries: 20, detail: '451 4.7.1 Throttled, try later' } });
    expect(item.error).toBe('still throttled after 20 tries: 451 4.7.1 Throttled, try later');
    const message = await db.prisma.sentEmail.findUniqueOrThrow({ where: { id: item.sentEmailId! } });
    expect(message).toMatchObject({ status: 'failed', lastErrorCode: 'STILL_THROTTLED' });
    expect(message.failedAt).toBeInstanceOf(Date);
    // The message that went out is untouched.
    expect((await db.prisma.sentEmail.findUniqueOrThrow({ where: { id: items[0]!.sentEmailId! } })).status).toBe('sent');
    expect((await db.prisma.invoiceBatch.findUniqueOrThrow({ where: { id: batch.id } })).status).toBe('completed');
  });

  it('cancels what was still waiting when the batch is cancelled', async () => {
    const { batch, items } = await batchWith(['sent', 'pending', 'pending']);
    expect(await finishInvoiceBatch(db.prisma, batch.id, 'cancelled')).toEqual({ sent: 1, failed: 0, cancelled: 2 });
    expect((await db.prisma.invoiceBatchItem.findUniqueOrThrow({ where: { id: items[2]!.id } })).status).toBe('cancelled');
  });
});
