import type { Document, PrismaClient } from '../generated/prisma/client';
import { inOrder, keysetPage, type KeysetPage, type PageRequest } from '../db/keyset';
import type { SqlRunner } from '../db/sql';

/** A member's documents, newest first: one range of the (organisation, member, createdAt, id) index per page. */
export async function listMemberDocuments(
  db: { prisma: PrismaClient; sql: SqlRunner },
  organizationId: string,
  memberId: string,
  page: PageRequest,
): Promise<KeysetPage & { items: Document[] }> {
  const found = await keysetPage(
    db.sql,
    {
      table: '"Document"', where: ['"organizationId" = $1', '"memberId" = $2'], params: [organizationId, memberId], descending: true,
      order: [{ column: '"createdAt"', type: 'timestamp' }, { column: '"id"', type: 'text' }],
    },
    page,
  );
  const rows = found.ids.length ? await db.prisma.document.findMany({ where: { id: { in: found.ids } } }) : [];
  return { ...found, items: inOrder(found.ids, rows) };
}
