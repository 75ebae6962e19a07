import type { Document } from '../generated/prisma/client';
import { keysetPage, utc, type KeysetPage, type PageRequest } from '../db/keyset';
import type { SqlRunner } from '../db/sql';

const COLUMNS = [...['id', 'organizationId', 'memberId', 'kind', 'filename', 'contentType', 'size', 'sha256', 'storageKey', 'source'].map((c) => `"${c}"`), utc('"createdAt"', 'createdAt')];

/** A member's documents' order: newest first, the id breaking ties (the cursor's keys). */
export const DOCUMENT_ORDER = [{ column: '"createdAt"', type: 'timestamp' }, { column: '"id"', type: 'text' }] as const;

/** A member's documents, newest first: one range of the (organisation, member, createdAt, id) index per page. */
export async function listMemberDocuments(db: { sql: SqlRunner }, organizationId: string, memberId: string, page: PageRequest): Promise<KeysetPage<Document>> {
  const found = await keysetPage(
    db.sql,
    {
      table: '"Document"', where: ['"organizationId" = $1', '"memberId" = $2'], params: [organizationId, memberId], descending: true,
      order: DOCUMENT_ORDER, columns: COLUMNS,
    },
    page,
  );
  return found as KeysetPage<unknown> as KeysetPage<Document>;
}
