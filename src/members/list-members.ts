import type { PrismaClient } from '../generated/prisma/client';
import { inOrder, keysetPage, likeContains, type KeysetPage, type PageRequest } from '../db/keyset';
import type { SqlRunner } from '../db/sql';
import { memberInclude, type MemberWithEmails } from './members';

export interface MemberFilter {
  /** Any part of the names, licence number or an address; case and accents ignored. */
  q?: string;
  structureId?: string;
}

/**
 * Members by name (last, first, id): (organisation | structure, lastName,
 * firstName, id) indexes give pages in order; `searchText` (names, licence
 * number and addresses, folded by the database's `mailroom_fold`, kept by
 * triggers on Member and MemberEmail) is served by a trigram GIN index.
 */
export async function listMembers(
  db: { prisma: PrismaClient; sql: SqlRunner },
  organizationId: string,
  filter: MemberFilter,
  page: PageRequest,
): Promise<KeysetPage & { items: MemberWithEmails[] }> {
  const params: unknown[] = [organizationId];
  const where = ['"organizationId" = $1'];
  if (filter.structureId) {
    params.push(filter.structureId);
    where.push(`"structureId" = $${params.length}`);
  }
  const words = filter.q?.trim();
  if (words) {
    params.push(likeContains(words));
    where.push(`"searchText" LIKE mailroom_fold($${params.length})`);
  }
  const found = await keysetPage(
    db.sql,
    {
      table: '"Member"', where, params, descending: false,
      order: [{ column: '"lastName"', type: 'text' }, { column: '"firstName"', type: 'text' }, { column: '"id"', type: 'text' }],
    },
    page,
  );
  const rows = found.ids.length ? await db.prisma.member.findMany({ where: { id: { in: found.ids } }, include: memberInclude }) : [];
  return { ...found, items: inOrder(found.ids, rows) };
}
