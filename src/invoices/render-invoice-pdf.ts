import type PDFKitDocument from 'pdfkit';
import { formatAmount, periodInWords, personName } from './format';

export interface InvoiceLine {
  label: string;
  quantity: number;
  unitPriceCents: number;
  totalCents: number;
}

export interface InvoicePdfInput {
  number: string;
  period: string;
  structureName: string;
  member: { firstName: string; lastName: string };
  lines: InvoiceLine[];
  amountExclTaxCents: number;
  amountInclTaxCents: number;
  currency: string;
  issuedAt: Date;
}

/** A clean one-page invoice: structure, resident, period, lines and totals. */
export function renderInvoicePdf(inv: InvoicePdfInput): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // pdfkit (and its fonts) loaded on first use: an idle process does not carry it (README, Memory at rest).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const PDFDocument = require('pdfkit') as typeof PDFKitDocument;
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Facture ${inv.number}`, Author: inv.structureName } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const money = (c: number) => formatAmount(c, inv.currency);

    doc.fontSize(18).text(inv.structureName, { align: 'left' });
    doc.moveDown(0.5).fontSize(14).text(`Facture n° ${inv.number}`);
    doc.fontSize(10).fillColor('#555').text(`Période : ${periodInWords(inv.period)} — émise le ${inv.issuedAt.toLocaleDateString('fr-FR', { timeZone: 'UTC' })}`);
    doc.moveDown().fillColor('#000').fontSize(12).text(`Résident : ${personName(inv.member)}`);
    doc.moveDown();

    const x = { label: 50, qty: 330, unit: 390, total: 470 };
    const header = doc.y;
    doc.fontSize(10).font('Helvetica-Bold');
    doc.text('Désignation', x.label, header).text('Qté', x.qty, header).text('P.U.', x.unit, header).text('Total', x.total, header);
    doc.font('Helvetica').moveTo(50, doc.y + 3).lineTo(545, doc.y + 3).stroke();
    let y = doc.y + 8;
    for (const line of inv.lines) {
      doc.text(line.label, x.label, y, { width: 270 });
      doc.text(String(line.quantity), x.qty, y).text(money(line.unitPriceCents), x.unit, y).text(money(line.totalCents), x.total, y);
      y = Math.max(doc.y, y + 14) + 4;
    }
    doc.moveTo(50, y).lineTo(545, y).stroke();
    doc.font('Helvetica-Bold').text(`Total HT : ${money(inv.amountExclTaxCents)}`, 330, y + 10);
    doc.text(`Total TTC : ${money(inv.amountInclTaxCents)}`, 330, doc.y + 4);
    doc.end();
  });
}
