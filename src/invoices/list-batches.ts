import type { PrismaClient } from '../generated/prisma/client';
import { keysetPage, utc, type KeysetPage, type PageRequest } from '../db/keyset';
import type { SqlRunner } from '../db/sql';
import { notFound } from '../shared/errors';
import { invoiceTemplateData } from './list-candidates';
import { personName } from './format';
import { renderTemplate } from '../templates/render';
import { resolveTemplate } from '../templates/resolve';

export interface BatchSummary {
  id: string;
  structureId: string;
  structureName: string;
  period: string;
  status: string;
  total: number;
  counts: { pending: number; sent: number; failed: number; cancelled: number };
  parentBatchId: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** The history's order: newest first, the id (descending too) breaking ties (the cursor's keys). */
export const BATCH_ORDER = [{ column: '"createdAt"', type: 'timestamp' }, { column: '"id"', type: 'text' }] as const;

/**
 * The history of batches, newest first, a page at a time at any depth (keyset over the
 * (organisation[, structure | period], createdAt, id) indexes), with each batch's counts by status.
 */
export async function listBatches(db: { sql: SqlRunner; prisma: PrismaClient }, organizationId: string, q: PageRequest & { structureId?: string; period?: string }): Promise<KeysetPage<BatchSummary>> {
  const params: unknown[] = [organizationId];
  const where = ['"organizationId" = $1'];
  for (const key of ['structureId', 'period'] as const) {
    if (!q[key]) continue;
    params.push(q[key]);
    where.push(`"${key}" = $${params.length}`);
  }
  const found = await keysetPage(db.sql, {
    table: '"InvoiceBatch"', where, params, descending: true, order: BATCH_ORDER,
    columns: ['"id"', '"structureId"', '"period"', '"status"', '"total"', '"parentBatchId"', utc('"createdAt"', 'createdAt'), utc('"finishedAt"', 'finishedAt')],
    related: ['(SELECT s."name" FROM "Structure" s WHERE s."id" = p."structureId") AS "structureName"'],
  }, q);
  const rows = found.items;
  // Counts for this page only: one grouped statement over at most pageSize batches.
  const groups = rows.length ? await db.prisma.invoiceBatchItem.groupBy({ by: ['batchId', 'status'], where: { batchId: { in: rows.map((r) => r.id as string) } }, _count: { _all: true } }) : [];
  const items: BatchSummary[] = rows.map((b) => {
    const counts = { pending: 0, sent: 0, failed: 0, cancelled: 0 };
    for (const g of groups) if (g.batchId === b.id && g.status in counts) counts[g.status as keyof typeof counts] = g._count._all;
    return {
      id: b.id as string, structureId: b.structureId as string, structureName: b.structureName as string, period: b.period as string, status: b.status as string, total: b.total as number, counts,
      parentBatchId: b.parentBatchId as string | null, createdAt: (b.createdAt as Date).toISOString(), finishedAt: (b.finishedAt as Date | null)?.toISOString() ?? null,
    };
  });
  return { ...found, items };
}

/**
 * The message one resident will get for an invoice: the same addresses
 * (first two working ones; second in Cc or its own message, as the structure
 * says), subject and text the batch would send, and the attached file's name.
 */
export async function previewInvoiceMessage(prisma: PrismaClient, organizationId: string, invoiceId: string) {
  const inv = await prisma.invoice.findFirst({
    where: { id: invoiceId, organizationId },
    include: { member: { include: { emails: { orderBy: { position: 'asc' } } } }, structure: true, document: { select: { filename: true } } },
  });
  if (!inv) throw notFound(`Invoice ${invoiceId}`);
  const org = await prisma.organization.findUniqueOrThrow({ where: { id: organizationId } });
  const template = await resolveTemplate(prisma, organizationId, 'invoice', inv.structureId);
  const rendered = renderTemplate(template.definition, template.content, invoiceTemplateData(inv, inv.member, inv.structure.name, org.locale));
  const good = inv.member.emails.filter((e) => !e.invalidAt).slice(0, 2).map((e) => e.address);
  const messages = inv.structure.invoiceSecondAddressCc ? (good.length ? [{ to: good[0]!, cc: good[1] ?? null }] : []) : good.map((a) => ({ to: a, cc: null }));
  return {
    invoiceId: inv.id, memberId: inv.memberId, name: personName(inv.member), number: inv.number, period: inv.period,
    from: inv.structure.senderEmail ?? null, fromName: inv.structure.senderName ?? null, replyTo: inv.structure.replyTo ?? null,
    subject: rendered.subject, text: rendered.text, html: rendered.html ?? null,
    attachment: inv.document?.filename ?? `${inv.number}.pdf`, messages,
  };
}
