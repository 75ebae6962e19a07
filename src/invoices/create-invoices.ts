import { Prisma, type Invoice, type PrismaClient } from '../generated/prisma/client';
import { saveDocument } from '../documents/documents';
import { AppError, invalid } from '../shared/errors';
import { fieldError } from '../shared/field-reasons';
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
    ...(members.some((m) => m.id === inv.memberId) ? [] : [fieldError(`body.invoices.${i}.memberId`, 'NO_SUCH_MEMBER')]),
    ...(structures.some((s) => s.id === inv.structureId) ? [] : [fieldError(`body.invoices.${i}.structureId`, 'NO_SUCH_STRUCTURE')]),
  ]);
  const numbers = inputs.map((i) => i.number);
  const dupes = numbers.filter((n, i) => numbers.indexOf(n) !== i);
  if (dupes.length) errors.push(fieldError('body.invoices', 'INVOICE_NUMBERS_TWICE', { numbers: [...new Set(dupes)].join(', ') }));
  const existing = await prisma.invoice.findMany({ where: { organizationId, number: { in: numbers } }, select: { number: true } });
  if (existing.length) errors.push(fieldError('body.invoices', 'INVOICE_NUMBERS_EXIST', { numbers: existing.map((e) => e.number).join(', ') }));
  if (errors.length) throw invalid(errors);

  const created: Invoice[] = [];
  for (const inv of inputs) {
    const member = members.find((m) => m.id === inv.memberId)!;
    const structure = structures.find((s) => s.id === inv.structureId)!;
    const lines: InvoiceLine[] = inv.lines.map((l) => ({ label: l.label, quantity: l.quantity, unitPriceCents: cents(l.unitPrice), totalCents: cents(l.total ?? l.quantity * l.unitPrice) }));
    const pdf = inv.pdfBase64
      ? Buffer.from(inv.pdfBase64, 'base64')
      : await renderInvoicePdf({ number: inv.number, period: inv.period, structureName: structure.name, member, lines, amountExclTaxCents: cents(inv.amountExclTax), amountInclTaxCents: cents(inv.amountInclTax), currency: inv.currency, issuedAt: new Date() });
    if (!pdf.subarray(0, 5).toString('latin1').startsWith('%PDF')) throw new AppError('VALIDATION_FAILED', `invoice ${inv.number}: pdfBase64 is not a PDF`, { errors: [fieldError('body.invoices.pdfBase64', 'NOT_A_PDF')] });
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
