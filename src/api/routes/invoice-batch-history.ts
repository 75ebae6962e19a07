import { BATCH_ORDER, listBatches, previewInvoiceMessage } from '../../invoices/list-batches';
import { listQuery, listSchema } from '../list';
import { PERIOD } from '../../invoices/format';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { z, uuid } from '../zod';

const batchSummary = z.object({
  id: z.string(), structureId: z.string(), structureName: z.string(), period: z.string(), status: z.string(), total: z.number().int(),
  counts: z.object({ pending: z.number().int(), sent: z.number().int(), failed: z.number().int(), cancelled: z.number().int() }),
  parentBatchId: z.string().nullable(), createdAt: z.string(), finishedAt: z.string().nullable(),
}).openapi('InvoiceBatchSummary');

const messagePreview = z.object({
  invoiceId: z.string(), memberId: z.string(), name: z.string(), number: z.string(), period: z.string(),
  from: z.string().nullable(), fromName: z.string().nullable(), replyTo: z.string().nullable(),
  subject: z.string(), text: z.string(), html: z.string().nullable(), attachment: z.string(),
  messages: z.array(z.object({ to: z.string(), cc: z.string().nullable() })).openapi({ description: 'one per message the batch would send for this invoice' }),
}).openapi('InvoiceMessagePreview');

/** Registered before the invoice routes: these literal paths must win over /invoice-batches/:id. */
export function registerInvoiceBatchHistoryRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['invoices'];
  r.add({
    method: 'get', path: '/invoice-batches', summary: 'The history of invoice batches, newest first, with counts by status', tags,
    query: listQuery(BATCH_ORDER).extend({ structureId: uuid().optional(), period: z.string().regex(PERIOD, 'YYYY-MM').optional() }),
    response: listSchema(batchSummary),
    handler: async ({ auth, query }) => {
      const { items, total, totalIsLowerBound, next } = await listBatches(ctx, auth.organizationId, query);
      return { items, page: query.cursor ? null : query.page, pageSize: query.pageSize, total, totalIsLowerBound, next };
    },
  });
  r.add({
    method: 'get', path: '/invoice-batches/preview', summary: 'The message one resident will get for an invoice (addresses, subject, text, attachment)', tags,
    query: z.object({ invoiceId: uuid() }),
    response: messagePreview,
    handler: ({ auth, query }) => previewInvoiceMessage(ctx.prisma, auth.organizationId, query.invoiceId),
  });
}
