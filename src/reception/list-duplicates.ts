import type { ReceivedDuplicate } from '../generated/prisma/client';
import { keysetPage, utc, type KeysetPage, type PageRequest } from '../db/keyset';
import type { SqlRunner } from '../db/sql';

/** Duplicates' order: last seen first, the id breaking ties (the cursor's keys). */
export const DUPLICATE_ORDER = [{ column: '"seenAt"', type: 'timestamp' }, { column: '"id"', type: 'text' }] as const;

/**
 * The messages a mailbox skipped as duplicates, newest first: one range of the
 * (mailbox, seenAt, id) index per page. The mailbox is the organisation's own
 * (looked up by the caller), so it scopes the list as the organisation would.
 */
export async function listDuplicates(db: { sql: SqlRunner }, mailboxId: string, page: PageRequest): Promise<KeysetPage<ReceivedDuplicate>> {
  const found = await keysetPage(db.sql, {
    table: '"ReceivedDuplicate"', where: ['"mailboxId" = $1'], params: [mailboxId], descending: true, order: DUPLICATE_ORDER,
    columns: ['"id"', '"mailboxId"', '"uidValidity"', '"uid"', '"messageId"', '"subject"', '"twinId"', utc('"seenAt"', 'seenAt')],
  }, page);
  return found as KeysetPage<unknown> as KeysetPage<ReceivedDuplicate>;
}
