import type { ReceivedMail } from '../generated/prisma/client';
import { keysetPage, searchMatches, utc, type KeysetPage, type PageRequest } from '../db/keyset';
import type { SqlRunner } from '../db/sql';
import { searchable } from './classify';

export interface ReceivedMailFilter {
  /** Words of the subject, sender or recipients; case and accents ignored, `%` `_` `\` literal. */
  q?: string;
  /** filed or unassigned; both (the inbox) when neither this nor `category` is given. */
  assigned?: boolean;
  category?: string;
  memberId?: string;
  /** receivedAt in [from, to). */
  from?: Date;
  to?: Date;
}

/** What a list shows of a mail: no bodies, the number of attachments. */
export type ReceivedMailRow = Pick<ReceivedMail, 'id' | 'category' | 'reason' | 'fromAddress' | 'fromName' | 'to' | 'subject' | 'date' | 'receivedAt' | 'memberId' | 'candidates' | 'size'> & {
  attachmentCount: number;
};

const COLUMNS = ['"id"', '"category"', '"reason"', '"fromAddress"', '"fromName"', '"to"', '"subject"', utc('"date"', 'date'), utc('"receivedAt"', 'receivedAt'), '"memberId"', '"candidates"', '"size"'];
const RELATED = ['(SELECT count(*)::int FROM "ReceivedAttachment" a WHERE a."receivedMailId" = p."id") AS "attachmentCount"'];

/** Received mail's order: newest first, the id breaking ties (the cursor's keys). */
export const RECEIVED_MAIL_ORDER = [{ column: '"receivedAt"', type: 'timestamp' }, { column: '"id"', type: 'text' }] as const;

/**
 * Received mail, newest first. Each filter is a prefix of an index ordered like
 * the list ((organisation[, category | member], receivedAt, id)); a search goes
 * through the trigram GIN index over `searchText` (folded by `searchable()` at
 * filing, and the words here the same way; spelled by the database on both sides).
 */
export async function listReceivedMails(
  db: { sql: SqlRunner },
  organizationId: string,
  filter: ReceivedMailFilter,
  page: PageRequest,
): Promise<KeysetPage<ReceivedMailRow>> {
  const params: unknown[] = [organizationId];
  const where = ['"organizationId" = $1'];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.memberId) add((p) => `"memberId" = ${p}`, filter.memberId);
  const category = filter.category ?? (filter.assigned === undefined ? undefined : filter.assigned ? 'filed' : 'unassigned');
  if (category) add((p) => `"category" = ${p}`, category);
  else where.push(`"category" IN ('filed', 'unassigned')`);
  if (filter.from) add((p) => `"receivedAt" >= ${p}::timestamptz AT TIME ZONE 'UTC'`, filter.from.toISOString());
  if (filter.to) add((p) => `"receivedAt" < ${p}::timestamptz AT TIME ZONE 'UTC'`, filter.to.toISOString());
  const words = filter.q?.trim();
  let search: string | undefined;
  if (words) {
    params.push(searchable(words));
    search = searchMatches(`$${params.length}`, false);
  }

  const found = await keysetPage(
    db.sql,
    {
      table: '"ReceivedMail"', where, params, order: RECEIVED_MAIL_ORDER, descending: true,
      columns: COLUMNS, related: RELATED, search,
    },
    page,
  );
  return found as KeysetPage<unknown> as KeysetPage<ReceivedMailRow>;
}
