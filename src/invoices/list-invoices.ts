import type { Invoice } from '../generated/prisma/client';
import { keysetPage, utc, type KeysetPage, type PageRequest } from '../db/keyset';
import type { SqlRunner } from '../db/sql';

/** Invoices' order: newest period first, numbers ascending within it, the id breaking ties (the cursor's keys). */
export const INVOICE_ORDER = [
  { column: '"period"', type: 'text', descending: true },
  { column: '"number"', type: 'text' },
  { column: '"id"', type: 'text' },
] as const;

const COLUMNS = [
  ...['id', 'organizationId', 'structureId', 'memberId', 'number', 'period', 'amountExclTaxCents', 'amountInclTaxCents', 'currency', 'lines', 'documentId'].map((c) => `"${c}"`),
  utc('"editedAt"', 'editedAt'), utc('"lastSentAt"', 'lastSentAt'), utc('"createdAt"', 'createdAt'), utc('"updatedAt"', 'updatedAt'),
];

export interface InvoiceFilter {
  period?: string;
  structureId?: string;
  memberId?: string;
}

/**
 * Invoices, a page at a time at any depth: (organisation[, structure | member],
 * period DESC, number, id) indexes hold the list's order, so a page is an index
 * range, and the page after a cursor two (the rest of its period, then the
 * earlier periods: see cursorBranches).
 */
export async function listInvoices(db: { sql: SqlRunner }, organizationId: string, filter: InvoiceFilter, page: PageRequest): Promise<KeysetPage<Invoice>> {
  const params: unknown[] = [organizationId];
  const where = ['"organizationId" = $1'];
  for (const key of ['period', 'structureId', 'memberId'] as const) {
    if (!filter[key]) continue;
    params.push(filter[key]);
    where.push(`"${key}" = $${params.length}`);
  }
  const found = await keysetPage(db.sql, { table: '"Invoice"', where, params, descending: false, order: INVOICE_ORDER, columns: COLUMNS }, page);
  return found as KeysetPage<unknown> as KeysetPage<Invoice>;
}
