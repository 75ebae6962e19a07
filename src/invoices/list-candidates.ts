import type { PrismaClient } from '../generated/prisma/client';
import { renderTemplate } from '../templates/render';
import { resolveTemplate } from '../templates/resolve';
import { formatAmount, periodInWords, personName } from './format';

export interface Candidate {
  invoiceId: string;
  memberId: string;
  name: string;
  number: string;
  amountExclTax: number;
  amountInclTax: number;
  currency: string;
  /** When it was last sent, or when it was edited if never sent. */
  lastActivity: { at: string; kind: 'sent' | 'edited' };
  addresses: string[];
  invalidAddresses: { address: string; reason: string | null }[];
  preview?: { subject: string; text: string };
}

export function invoiceTemplateData(inv: { number: string; period: string; amountInclTaxCents: number; currency: string }, member: { firstName: string; lastName: string }, structureName: string, locale = 'fr') {
  return { personne: personName(member), periode: periodInWords(inv.period, locale), numero: inv.number, montant: formatAmount(inv.amountInclTaxCents, inv.currency, locale), structure: structureName };
}

/**
 * Who will get the period's invoices: residents with an invoice and at least
 * one working address (the first two, in order), and — separately — those who
 * will not (no address, or only addresses flagged invalid by bounces).
 */
export async function listCandidates(prisma: PrismaClient, organizationId: string, q: { period: string; structureId: string; preview?: boolean }) {
  const structure = await prisma.structure.findFirst({ where: { id: q.structureId, organizationId } });
  if (!structure) return null;
  const org = await prisma.organization.findUniqueOrThrow({ where: { id: organizationId } });
  const invoices = await prisma.invoice.findMany({
    where: { organizationId, period: q.period, structureId: structure.id },
    include: { member: { include: { emails: { orderBy: { position: 'asc' } } } } },
    orderBy: [{ member: { lastName: 'asc' } }, { member: { firstName: 'asc' } }, { number: 'asc' }],
  });
  const template = q.preview ? await resolveTemplate(prisma, organizationId, 'invoice', structure.id) : null;
  const withAddress: Candidate[] = [];
  const withoutAddress: Candidate[] = [];
  for (const inv of invoices) {
    const good = inv.member.emails.filter((e) => !e.invalidAt).slice(0, 2).map((e) => e.address);
    const bad = inv.member.emails.filter((e) => e.invalidAt).map((e) => ({ address: e.address, reason: e.invalidReason }));
    const c: Candidate = {
      invoiceId: inv.id, memberId: inv.memberId, name: personName(inv.member), number: inv.number,
      amountExclTax: inv.amountExclTaxCents / 100, amountInclTax: inv.amountInclTaxCents / 100, currency: inv.currency,
      lastActivity: inv.lastSentAt ? { at: inv.lastSentAt.toISOString(), kind: 'sent' } : { at: inv.editedAt.toISOString(), kind: 'edited' },
      addresses: good, invalidAddresses: bad,
    };
    if (template) {
      const r = renderTemplate(template.definition, template.content, invoiceTemplateData(inv, inv.member, structure.name, org.locale));
      c.preview = { subject: r.subject, text: r.text };
    }
    (good.length ? withAddress : withoutAddress).push(c);
  }
  return { period: q.period, structureId: structure.id, secondAddressInCc: structure.invoiceSecondAddressCc, withAddress, withoutAddress };
}
