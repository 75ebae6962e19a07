import { batchProgressQuery, cancelBatchSignal, pauseBatchSignal, resumeBatchSignal } from '../../shared/invoice-batch';
import { createInvoices, presentInvoice } from '../../invoices/create-invoices';
import { PERIOD } from '../../invoices/format';
import { listCandidates } from '../../invoices/list-candidates';
import { INVOICE_ORDER, listInvoices } from '../../invoices/list-invoices';
import { listQuery, listSchema } from '../list';
import { startInvoiceBatch } from '../../invoices/start-batch';
import { notFound, problem } from '../../shared/errors';
import { workflowIds } from '../../shared/names';
import { failureReason } from '../../delivery/bounce/classify';
import { addressReasonCode, REASON_KEYS } from '../../delivery/reasons';
import { failureCode, failureParams, presentFailure, serverReason } from '../failures';
import { addressReasonSchema } from './members';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { currency, idParam, money, pagedSchema, pageQuery, paging, z, uuid } from '../zod';

const period = z.string().regex(PERIOD, 'YYYY-MM');
const invoiceInput = z.object({
  number: z.string().min(1).max(50),
  period,
  memberId: uuid(),
  structureId: uuid(),
  amountExclTax: money(0),
  amountInclTax: money(0),
  currency: currency().default('EUR'),
  lines: z.array(z.object({ label: z.string().min(1).max(300), quantity: z.number().min(0).max(1_000_000), unitPrice: money(), total: money().optional() })).max(200).default([]),
  pdfBase64: z.string().optional().openapi({ description: 'the invoice PDF; generated from the data when absent' }),
});
const invoiceSchema = z.object({
  id: z.string(), number: z.string(), period: z.string(), memberId: z.string(), structureId: z.string(), amountExclTax: z.number(), amountInclTax: z.number(), currency: z.string(),
  lines: z.any(), documentId: z.string().nullable(), pdfUrl: z.string().nullable(), editedAt: z.string(), lastSentAt: z.string().nullable(),
}).openapi('Invoice');

const candidateSchema = z
  .object({
    invoiceId: z.string(),
    memberId: z.string(),
    name: z.string(),
    number: z.string(),
    amountExclTax: z.number(),
    amountInclTax: z.number(),
    currency: z.string(),
    lastActivity: z.object({ at: z.string(), kind: z.enum(['sent', 'edited']) }).openapi({ description: 'when it was last sent, or edited if never sent' }),
    addresses: z.array(z.string()),
    invalidAddresses: z.array(z.object({ address: z.string(), reason: z.string().nullable(), because: addressReasonSchema.nullable() })),
    preview: z.object({ subject: z.string(), text: z.string() }).optional().openapi({ description: 'with ?preview=true: the message this resident will get' }),
  })
  .openapi('InvoiceCandidate');

const batchProgressSchema = z
  .object({
    state: z.string(),
    total: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
    pending: z.number().int(),
    ratePerMinute: z.number().nullable(),
    etaSeconds: z.number().nullable(),
    recentFailures: z.array(z.object({ itemId: z.string(), reason: z.string(), reasonKey: z.enum(REASON_KEYS).openapi({ description: '`reason` read as a reason of the bounce reasons table (undetermined when it says nothing known)' }), code: failureCode(), params: failureParams() })),
  })
  .openapi('InvoiceBatchProgress');

/** What an invoice of a batch can be (InvoiceBatchItem.status). */
const ITEM_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;

const batchItemSchema = z
  .object({
    invoiceId: z.string(),
    number: z.string(),
    name: z.string(),
    address: z.string(),
    cc: z.string().nullable(),
    status: z.enum(ITEM_STATUSES),
    error: z.string().nullable(),
    errorReason: z.enum(REASON_KEYS).nullable().openapi({ description: 'when `error` is the mail server’s reply: read as a reason of the bounce reasons table, for the console to word it in the reader’s language' }),
    errorCode: failureCode(),
    errorParams: failureParams(),
    sentEmailId: z.string().nullable(),
    lastSentAt: z.string().nullable(),
  })
  .openapi('InvoiceBatchItem');

export function registerInvoiceRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['invoices'];
  r.add({
    method: 'post', path: '/invoices', summary: 'Record one invoice or a whole month (PDF given or generated)', tags, status: 201,
    body: z.union([invoiceInput, z.object({ invoices: z.array(invoiceInput).min(1).max(20_000) })]),
    response: z.object({ items: z.array(invoiceSchema) }),
    handler: async ({ auth, body }) => {
      const list = 'invoices' in body ? body.invoices : [body];
      return { items: (await createInvoices(ctx, auth.organizationId, list)).map(presentInvoice) };
    },
  });
  r.add({
    method: 'get', path: '/invoices', summary: 'Invoices, newest period first, by number within a period', tags,
    query: listQuery(INVOICE_ORDER).extend({ period: period.optional(), structureId: uuid().optional(), memberId: uuid().optional() }), response: listSchema(invoiceSchema),
    handler: async ({ auth, query }) => {
      const { items, total, totalIsLowerBound, next } = await listInvoices(ctx, auth.organizationId, query, query);
      return { items: items.map(presentInvoice), page: query.cursor ? null : query.page, pageSize: query.pageSize, total, totalIsLowerBound, next };
    },
  });

  r.add({
    method: 'get', path: '/invoice-batches/candidates', summary: 'Who will receive the period’s invoices, and who will not (dry run with ?preview=true), a page at a time', tags,
    description: 'Residents with a working address (`addresses=with`, the default) or without (`addresses=without`: no address, or every address flagged invalid), 10 a page. '
      + 'Both totals come with every page. To send to all of them but a few, POST /invoice-batches without `invoiceIds` and with `excludeInvoiceIds`.',
    query: pageQuery.extend({ period, structureId: uuid(), addresses: z.enum(['with', 'without']).default('with'), preview: z.enum(['true', 'false']).optional() }),
    response: z.object({
      period: z.string(), structureId: z.string(), secondAddressInCc: z.boolean(),
      items: z.array(candidateSchema), page: z.number().int(), pageSize: z.number().int(), total: z.number().int().openapi({ description: 'candidates in this list (with or without an address)' }),
      withAddressTotal: z.number().int().openapi({ description: 'residents who will receive it' }), withoutAddressTotal: z.number().int().openapi({ description: 'residents who will not' }),
    }),
    handler: async ({ auth, query }) => {
      const res = await listCandidates(ctx.prisma, auth.organizationId, { ...query, preview: query.preview === 'true' });
      if (!res) throw notFound(`Structure ${query.structureId}`);
      return { ...res, items: res.items.map((c) => ({ ...c, invalidAddresses: c.invalidAddresses.map((a) => ({ ...a, because: addressReasonCode(a.reason) })) })) };
    },
  });

  r.add({
    method: 'post', path: '/invoice-batches', summary: 'Send the selected invoices (202; follow with GET /invoice-batches/:id)', tags, status: 202,
    body: z
      .object({
        period, structureId: uuid(),
        invoiceIds: z.array(uuid()).max(20_000).optional().openapi({ description: 'the invoices to send; omit to send every invoice of the period with an address' }),
        excludeInvoiceIds: z.array(uuid()).max(20_000).optional().openapi({ description: 'without invoiceIds: every invoice of the period except these' }),
        expectedCount: z.number().int().min(0).optional().openapi({ description: 'how many invoices with a working address you expect to send; 409 if the period changed meanwhile' }),
      })
      .refine((b) => !(b.invoiceIds && b.excludeInvoiceIds), { message: 'give invoiceIds or excludeInvoiceIds, not both', path: ['excludeInvoiceIds'] })
      .openapi({ not: { required: ['invoiceIds', 'excludeInvoiceIds'] } }),
    response: z.object({ id: z.string(), workflowId: z.string(), total: z.number(), skipped: z.array(z.object({ invoiceId: z.string(), reason: z.string() })) }),
    handler: async ({ auth, body }) => {
      const { batch, workflowId, skipped } = await startInvoiceBatch(ctx, {
        organizationId: auth.organizationId, structureId: body.structureId, period: body.period, invoiceIds: body.invoiceIds, excludeInvoiceIds: body.excludeInvoiceIds, expectedCount: body.expectedCount,
        createdByKeyId: auth.keyId ?? undefined,
      });
      return { id: batch.id, workflowId, total: batch.total, skipped };
    },
  });

  const getBatch = async (organizationId: string, id: string) => {
    const b = await ctx.prisma.invoiceBatch.findFirst({ where: { id, organizationId } });
    if (!b) throw notFound(`Invoice batch ${id}`);
    return b;
  };
  /** The live failures (words only, from the workflow) with the code stored on their item, or their words read back. */
  const codedFailures = async (batchId: string, failures: { itemId: string; reason: string }[]) => {
    const rows = failures.length ? await ctx.prisma.invoiceBatchItem.findMany({ where: { batchId, id: { in: failures.map((f) => f.itemId) } }, select: { id: true, error: true, errorCode: true, errorParams: true } }) : [];
    const stored = new Map(rows.map((row) => [row.id, row]));
    return failures.map((f) => {
      const row = stored.get(f.itemId);
      const coded = row?.error === f.reason ? presentFailure(row.error, row.errorCode, row.errorParams)! : presentFailure(f.reason, null, null)!;
      return { ...f, reasonKey: failureReason(f.reason), code: coded.code, params: coded.params };
    });
  };
  r.add({
    method: 'get', path: '/invoice-batches/:id', summary: 'Progress (live from the workflow) and the state of each invoice', tags, params: idParam, query: pageQuery.extend({ status: z.enum(ITEM_STATUSES).optional() }),
    response: z.object({ id: z.string(), status: z.string(), period: z.string(), structureId: z.string(), progress: batchProgressSchema, items: pagedSchema(batchItemSchema) }),
    handler: async ({ auth, params, query }) => {
      const b = await getBatch(auth.organizationId, params.id);
      const counts = Object.fromEntries((await ctx.prisma.invoiceBatchItem.groupBy({ by: ['status'], where: { batchId: b.id }, _count: { _all: true } })).map((g) => [g.status, g._count._all]));
      let live = null;
      if (b.status === 'running' || b.status === 'paused') live = await ctx.temporal.workflow.getHandle(workflowIds.invoiceBatch(b.id)).query(batchProgressQuery).catch(() => null);
      const progress = {
        state: live?.state ?? b.status, total: b.total, sent: counts.sent ?? 0, failed: counts.failed ?? 0, cancelled: counts.cancelled ?? 0, pending: counts.pending ?? 0,
        ratePerMinute: live?.ratePerMinute ?? null, etaSeconds: live?.etaSeconds ?? null, recentFailures: await codedFailures(b.id, live?.recentFailures ?? []),
      };
      const where = { batchId: b.id, ...(query.status ? { status: query.status } : {}) };
      const [rows, total] = await Promise.all([
        ctx.prisma.invoiceBatchItem.findMany({ where, include: { invoice: { include: { member: true } } }, orderBy: { position: 'asc' }, ...paging(query) }),
        ctx.prisma.invoiceBatchItem.count({ where }),
      ]);
      const items = rows.map((i) => {
        const failure = presentFailure(i.error, i.errorCode, i.errorParams);
        return {
          invoiceId: i.invoiceId, number: i.invoice.number, name: `${i.invoice.member.lastName.toUpperCase()} ${i.invoice.member.firstName}`, address: i.address, cc: i.cc,
          status: i.status as (typeof ITEM_STATUSES)[number], error: i.error, errorReason: serverReason(failure), errorCode: failure?.code ?? null, errorParams: failure?.params ?? null,
          sentEmailId: i.sentEmailId, lastSentAt: i.invoice.lastSentAt?.toISOString() ?? null,
        };
      });
      return { id: b.id, status: b.status, period: b.period, structureId: b.structureId, progress, items: { items, page: query.page, pageSize: query.pageSize, total } };
    },
  });

  for (const [action, signal] of [['cancel', cancelBatchSignal], ['pause', pauseBatchSignal], ['resume', resumeBatchSignal]] as const) {
    r.add({
      method: 'post', path: `/invoice-batches/:id/${action}`, summary: action === 'cancel' ? 'Stop new sends (in-flight ones finish); the rest is marked cancelled' : `${action === 'pause' ? 'Pause' : 'Resume'} the batch`, tags, params: idParam, status: 202,
      response: z.object({ id: z.string(), requested: z.string() }),
      handler: async ({ auth, params }) => {
        const b = await getBatch(auth.organizationId, params.id);
        if (b.status !== 'running' && b.status !== 'paused') throw problem('CONFLICT', 'BATCH_ALREADY', { status: b.status });
        await ctx.temporal.workflow.getHandle(workflowIds.invoiceBatch(b.id)).signal(signal as typeof cancelBatchSignal);
        return { id: b.id, requested: action };
      },
    });
  }

  r.add({
    method: 'post', path: '/invoice-batches/:id/resend-failed', summary: 'Start a follow-up batch of only the failed messages', tags, params: idParam, status: 202,
    response: z.object({ id: z.string(), workflowId: z.string(), total: z.number() }),
    handler: async ({ auth, params }) => {
      const b = await getBatch(auth.organizationId, params.id);
      const failed = await ctx.prisma.invoiceBatchItem.findMany({ where: { batchId: b.id, status: 'failed' }, orderBy: { position: 'asc' } });
      if (!failed.length) throw problem('CONFLICT', 'NOTHING_TO_RESEND');
      const { batch, workflowId } = await startInvoiceBatch(ctx, { organizationId: auth.organizationId, structureId: b.structureId, period: b.period, pairs: failed.map((f) => ({ invoiceId: f.invoiceId, address: f.address, cc: f.cc })), parentBatchId: b.id, createdByKeyId: auth.keyId ?? undefined });
      return { id: batch.id, workflowId, total: batch.total };
    },
  });
}
