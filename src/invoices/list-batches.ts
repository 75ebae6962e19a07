import type { PrismaClient } from '../generated/prisma/client';
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

/** The history of batches, newest first, one page at a time, with each batch's counts by status. */
export async function listBatches(prisma: PrismaClient, organizationId: string, q: { page: number; pageSize: number; structureId?: string; period?: string }) {
  const where = { organizationId, ...(q.structureId ? { structureId: q.structureId } : {}), ...(q.period ? { period: q.period } : {}) };
  const [rows, total] = await Promise.all([
    prisma.invoiceBatch.findMany({ where, include: { structure: { select: { name: true } } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: (q.page - 1) * q.pageSize, take: q.pageSize }),
    prisma.invoiceBatch.count({ where }),
  ]);
  // Counts for this page only: one grouped statement over at most pageSize batches.
  const groups = rows.length ? await prisma.invoiceBatchItem.groupBy({ by: ['batchId', 'status'], where: { batchId: { in: rows.map((r) => r.id) } }, _count: { _all: true } }) : [];
  const items: BatchSummary[] = rows.map((b) => {
    const counts = { pending: 0, sent: 0, failed: 0, cancelled: 0 };
    for (const g of groups) if (g.batchId === b.id && g.status in counts) counts[g.status as keyof typeof counts] = g._count._all;
    return {
      id: b.id, structureId: b.structureId, structureName: b.structure.name, period: b.period, status: b.status, total: b.total, counts,
      parentBatchId: b.parentBatchId, createdAt: b.createdAt.toISOString(), finishedAt: b.finishedAt?.toISOString() ?? null,
    };
  });
  return { items, page: q.page, pageSize: q.pageSize, total };
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
