import { COUNT_LIMIT, CURSOR_MAX_LENGTH, MAX_OFFSET, SEARCH_COUNT_LIMIT, cursorPattern, type KeyType } from '../db/keyset';
import { fieldReasonText } from '../shared/field-reasons';
import { pageQuery, z } from './zod';

/**
 * Query and response of the big lists (received mail, sent log, members,
 * documents): `?page=` for the first pages, `?cursor=` (the previous page's
 * `next`) for any depth, and a total that is exact up to COUNT_LIMIT
 * (SEARCH_COUNT_LIMIT for a search).
 */
export function listQuery(order: readonly { type: KeyType }[]) {
  return pageQuery.extend({
    // Not expressible as a bound of one parameter: the document says it in words, and a deeper page is a 422 naming query.page.
    page: pageQuery.shape.page.openapi({ description: `1-based page number; (page − 1) × pageSize may not exceed ${MAX_OFFSET} (deeper: follow \`next\` with \`cursor\`; else 422 PAGE_TOO_DEEP)` }),
    cursor: z.string().max(CURSOR_MAX_LENGTH).regex(cursorPattern(order), fieldReasonText('NOT_A_CURSOR')).optional().openapi({
      description: `the \`next\` value of the previous page; pages at any depth cost the same (\`page\` is ignored when a cursor is given; page numbers reach row ${MAX_OFFSET})`,
    }),
  });
}

export function listSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().int().nullable().openapi({ description: 'the page number asked for; null when the page was reached by cursor' }),
    pageSize: z.number().int(),
    total: z.number().int().openapi({ description: `matching items, counted up to ${COUNT_LIMIT} (${SEARCH_COUNT_LIMIT} for a search, \`q\`)` }),
    totalIsLowerBound: z.boolean().openapi({ description: `true when more items match than were counted (${COUNT_LIMIT}, or ${SEARCH_COUNT_LIMIT} for a search): \`total\` is then a lower bound` }),
    next: z.string().nullable().openapi({ description: 'cursor of the following page (`?cursor=`), null on the last page' }),
  });
}

export interface Listed<T> {
  items: T[];
  page: number | null;
  pageSize: number;
  total: number;
  totalIsLowerBound: boolean;
  next: string | null;
}
