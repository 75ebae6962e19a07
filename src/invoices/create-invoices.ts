import { Prisma, type Invoice, type PrismaClient } from '../generated/prisma/client';
import { saveDocument } from '../documents/documents';
import { AppError } from '../shared/errors';
import type { Storage } from '../storage';
import { renderInvoicePdf, type InvoiceLine } from './render-invoice-pdf';

export interface InvoiceInput {
  number: string;
  period: string;
  memberId: string;
  structureId: string;
  amountExclTax: number;
  amountInclTax: number;
  currency: string;
  lines: { label: string; quantity: number; unitPrice: number; total?: number }[];
  pdfBase64?: string;
}

const cents = (v: number) => Math.round(v * 100);

/**
 * Records one or many invoices (a month's import is one call) with their PDF:
 * the one given, or a generated one. All or nothing: a bad row names its index
 * and nothing is created.
 */
export async function createInvoices(deps: { prisma: PrismaClient; storage: Storage }, organizationId: string, inputs: InvoiceInput[]): Promise<Invoice[]> {
  const { prisma } = deps;
  const memberIds = [...new Set(inputs.map((i) => i.memberId))];
  const structureIds = [...new Set(inputs.map((i) => i.structureId))];
  const [members, structures] = await Promise.all([
    prisma.member.findMany({ where: { id: { in: memberIds }, organizationId } }),
    prisma.structure.findMany({ where: { id: { in: structureIds }, organizationId } }),
  ]);
  const errors = inputs.flatMap((inv, i) => [
    ...(members.some((m) => m.id === inv.memberId) ? [] : [{ field: `body.invoices.${i}.memberId`, reason: 'no such member in this organisation' }]),
    ...(structures.some((s) => s.id === inv.structureId) ? [] : [{ field: `body.invoices.${i}.structureId`, reason: 'no such structure in this organisation' }]),
  ]);
  const numbers = inputs.map((i) => i.number);
  const dupes = numbers.filter((n, i) => numbers.indexOf(n) !== i);
  if (dupes.length) errors.push({ field: 'body.invoices', reason: `invoice numbers given twice: ${[...new Set(dupes)].join(', ')}` });
  const existing = await prisma.invoice.findMany({ where: { organizationId, number: { in: numbers } }, select: { number: true } });
  if (existing.length) errors.push({ field: 'body.invoices', reason: `invoice numbers already exist: ${existing.map((e) => e.number).join(', ')}` });
  if (errors.length) throw new AppError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), { errors });

  const created: Invoice[] = [];
  for (const inv of inputs) {
    const member = members.find((m) => m.id === inv.memberId)!;
    const structure = structures.find((s) => s.id === inv.structureId)!;
    const lines: InvoiceLine[] = inv.lines.map((l) => ({ label: l.label, quantity: l.quantity, unitPriceCents: cents(l.unitPrice), totalCents: cents(l.total ?? l.quantity * l.unitPrice) }));
    const pdf = inv.pdfBase64
      ? Buffer.from(inv.pdfBase64, 'base64')
      : await renderInvoicePdf({ number: inv.number, period: inv.period, structureName: structure.name, member, lines, amountExclTaxCents: cents(inv.amountExclTax), amountInclTaxCents: cents(inv.amountInclTax), currency: inv.currency, issuedAt: new Date() });
    if (!pdf.subarray(0, 5).toString('latin1').startsWith('%PDF')) throw new AppError('VALIDATION_FAILED', `invoice ${inv.number}: pdfBase64 is not a PDF`, { errors: [{ field: 'body.invoices.pdfBase64', reason: 'not a PDF' }] });
    const doc = await saveDocument(prisma, deps.storage, { organizationId, memberId: member.id, filename: `Facture ${inv.number}.pdf`, contentType: 'application/pdf', kind: 'invoice', source: inv.pdfBase64 ? 'upload' : 'generated', content: pdf });
    created.push(
      await prisma.invoice.create({
        data: {
          organizationId, structureId: structure.id, memberId: member.id, number: inv.number, period: inv.period,
          amountExclTaxCents: cents(inv.amountExclTax), amountInclTaxCents: cents(inv.amountInclTax), currency: inv.currency,
          lines: lines as unknown as Prisma.InputJsonValue, documentId: doc.id,
        },
      }),
    );
  }
  return created;
}

export function presentInvoice(i: Invoice) {
  return {
    id: i.id, number: i.number, period: i.period, memberId: i.memberId, structureId: i.structureId,
    amountExclTax: i.amountExclTaxCents / 100, amountInclTax: i.amountInclTaxCents / 100, currency: i.currency, lines: i.lines,
    documentId: i.documentId, pdfUrl: i.documentId ? `/api/v1/documents/${i.documentId}/content` : null,
    editedAt: i.editedAt.toISOString(), lastSentAt: i.lastSentAt?.toISOString() ?? null,
  };
}
