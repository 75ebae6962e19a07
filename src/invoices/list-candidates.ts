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

/** Invoices whose member has a working address (not flagged invalid by bounces) — or none. */
export const withWorkingAddress = (has: boolean) => ({ member: { emails: has ? { some: { invalidAt: null } } : { none: { invalidAt: null } } } });

/**
 * Who will get the period's invoices, one page at a time: residents with an
 * invoice and at least one working address (the first two, in order) — or, with
 * `addresses: 'without'`, those who will not (no address, or only addresses
 * flagged invalid by bounces). Both totals come with every page, so a client can
 * offer "all N of the period" without loading them.
 */
export async function listCandidates(prisma: PrismaClient, organizationId: string, q: { period: string; structureId: string; preview?: boolean; addresses?: 'with' | 'without'; page?: number; pageSize?: number }) {
  const structure = await prisma.structure.findFirst({ where: { id: q.structureId, organizationId } });
  if (!structure) return null;
  const org = await prisma.organization.findUniqueOrThrow({ where: { id: organizationId } });
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 10;
  const base = { organizationId, period: q.period, structureId: structure.id };
  const [invoices, withTotal, withoutTotal] = await Promise.all([
    prisma.invoice.findMany({
      where: { ...base, ...withWorkingAddress((q.addresses ?? 'with') === 'with') },
      include: { member: { include: { emails: { orderBy: { position: 'asc' } } } } },
      orderBy: [{ member: { lastName: 'asc' } }, { member: { firstName: 'asc' } }, { number: 'asc' }, { id: 'asc' }],
      skip: (page - 1) * pageSize,
      take: pageSize,
    }),
    prisma.invoice.count({ where: { ...base, ...withWorkingAddress(true) } }),
    prisma.invoice.count({ where: { ...base, ...withWorkingAddress(false) } }),
  ]);
  const template = q.preview ? await resolveTemplate(prisma, organizationId, 'invoice', structure.id) : null;
  const items: Candidate[] = invoices.map((inv) => {
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
    return c;
  });
  const total = (q.addresses ?? 'with') === 'with' ? withTotal : withoutTotal;
  return { period: q.period, structureId: structure.id, secondAddressInCc: structure.invoiceSecondAddressCc, items, page, pageSize, total, withAddressTotal: withTotal, withoutAddressTotal: withoutTotal };
}
