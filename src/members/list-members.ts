import { keysetPage, MEMBER_SEARCH_WALK, searchMatches, utc, type KeysetPage, type PageRequest } from '../db/keyset';
import type { SqlRunner } from '../db/sql';
import type { MemberView } from './members';

const COLUMNS = ['"id"', '"firstName"', '"lastName"', '"licenceNumber"', '"structureId"', '"roles"', utc('"createdAt"', 'createdAt'), utc('"updatedAt"', 'updatedAt')];
// The page's addresses in one sub-query per row (ten rows), in their order.
const RELATED = [
  `(SELECT coalesce(json_agg(json_build_object('address', e."address", 'label', e."label", 'position', e."position", 'invalidAt', e."invalidAt", 'invalidReason', e."invalidReason") ORDER BY e."position"), '[]')
      FROM "MemberEmail" e WHERE e."memberId" = p."id") AS "emails"`,
];

export interface MemberFilter {
  /** Any part of the names, licence number or an address; case and accents ignored. */
  q?: string;
  structureId?: string;
}

/** Members' order: by name, the id breaking ties (the cursor's keys). */
export const MEMBER_ORDER = [{ column: '"lastName"', type: 'text' }, { column: '"firstName"', type: 'text' }, { column: '"id"', type: 'text' }] as const;

/**
 * Members by name (last, first, id): (organisation | structure, lastName,
 * firstName, id) indexes give pages in order; `searchText` (names, licence
 * number and addresses, folded and spelled by the database, kept by
 * triggers on Member and MemberEmail) is served by a trigram GIN index.
 */
export async function listMembers(
  db: { sql: SqlRunner },
  organizationId: string,
  filter: MemberFilter,
  page: PageRequest,
): Promise<KeysetPage<MemberView>> {
  const params: unknown[] = [organizationId];
  const where = ['"organizationId" = $1'];
  if (filter.structureId) {
    params.push(filter.structureId);
    where.push(`"structureId" = $${params.length}`);
  }
  const words = filter.q?.trim();
  let search: string | undefined;
  if (words) {
    params.push(words);
    search = searchMatches(`$${params.length}`, true);
  }
  const found = await keysetPage(
    db.sql,
    {
      table: '"Member"', where, params, descending: false,
      order: MEMBER_ORDER,
      columns: COLUMNS, related: RELATED, search, searchWalk: MEMBER_SEARCH_WALK,
    },
    page,
  );
  return found as KeysetPage<unknown> as KeysetPage<MemberView>;
}
