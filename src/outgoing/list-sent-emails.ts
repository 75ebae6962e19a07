import type { SentEmail, SentEmailStatus } from '../generated/prisma/client';
import { keysetPage, searchMatches, utc, type KeysetPage, type PageRequest } from '../db/keyset';
import type { SqlRunner } from '../db/sql';

export interface SentEmailFilter {
  status?: SentEmailStatus;
  template?: string;
  memberId?: string;
  /** Bounce reason (src/delivery/reasons.ts). */
  reason?: string;
  /** queuedAt in [from, to). */
  from?: Date;
  to?: Date;
  /** Any part of the subject, sender or recipients; case and accents ignored, `%` `_` `\` literal. */
  q?: string;
}

/** What the log shows of a message: no bodies, headers or attachments. */
export type SentEmailRow = Pick<
  SentEmail,
  | 'id' | 'status' | 'templateKey' | 'fromAddress' | 'to' | 'cc' | 'subject' | 'attempts' | 'lastError' | 'lastErrorCode' | 'lastErrorParams' | 'smtpResponse' | 'messageId' | 'memberId' | 'documentId'
  | 'relatedType' | 'relatedId' | 'workflowId' | 'bounceReason' | 'queuedAt' | 'sentAt' | 'failedAt'
>;

const COLUMNS = [
  ...['id', 'status', 'templateKey', 'fromAddress', 'to', 'cc', 'subject', 'attempts', 'lastError', 'lastErrorCode', 'lastErrorParams', 'smtpResponse', 'messageId', 'memberId', 'documentId', 'relatedType', 'relatedId', 'workflowId', 'bounceReason'].map((c) => `"${c}"`),
  utc('"queuedAt"', 'queuedAt'), utc('"sentAt"', 'sentAt'), utc('"failedAt"', 'failedAt'),
];

/** The sent log's order: newest first, the id breaking ties (the cursor's keys). */
export const SENT_EMAIL_ORDER = [{ column: '"queuedAt"', type: 'timestamp' }, { column: '"id"', type: 'text' }] as const;

/**
 * The sent log, newest first. Status, template and member are each the prefix
 * of an index (organisation, filter, queuedAt, id); a period is a range of the
 * same order. `searchText` is folded and spelled by the database itself (trigger
 * calling `mailroom_fold` and `mailroom_spell`, migrations 20261207150000 and
 * 20261209110000), so the words go through the same functions in the query and
 * both sides always agree.
 */
export async function listSentEmails(
  db: { sql: SqlRunner },
  organizationId: string,
  filter: SentEmailFilter,
  page: PageRequest,
): Promise<KeysetPage<SentEmailRow>> {
  const params: unknown[] = [organizationId];
  const where = ['"organizationId" = $1'];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.status) add((p) => `"status" = ${p}::"SentEmailStatus"`, filter.status);
  if (filter.template) add((p) => `"templateKey" = ${p}`, filter.template);
  if (filter.memberId) add((p) => `"memberId" = ${p}`, filter.memberId);
  if (filter.reason) add((p) => `"bounceReason" = ${p}`, filter.reason);
  if (filter.from) add((p) => `"queuedAt" >= ${p}::timestamptz AT TIME ZONE 'UTC'`, filter.from.toISOString());
  if (filter.to) add((p) => `"queuedAt" < ${p}::timestamptz AT TIME ZONE 'UTC'`, filter.to.toISOString());
  const words = filter.q?.trim();
  let search: string | undefined;
  if (words) {
    params.push(words);
    search = searchMatches(`$${params.length}`, true);
  }

  const found = await keysetPage(
    db.sql,
    {
      table: '"SentEmail"', where, params, order: SENT_EMAIL_ORDER, descending: true,
      columns: COLUMNS, search,
    },
    page,
  );
  return found as KeysetPage<unknown> as KeysetPage<SentEmailRow>;
}
