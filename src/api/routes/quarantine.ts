import { discardQuarantined, retryQuarantined } from '../../reception/quarantine';
import { problem } from '../../shared/errors';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { idParam, z } from '../zod';
import { listQuery, listSchema } from '../list';
import { DUPLICATE_ORDER, listDuplicates } from '../../reception/list-duplicates';

const retrySchema = z
  .object({
    id: z.string().openapi({ description: "the mail's id now (a new one when it could be stored)" }),
    outcome: z.enum(['filed', 'unassigned', 'report', 'quarantined', 'duplicate', 'reread']),
    reason: z.string().nullable(),
    twinId: z.string().nullable().openapi({ description: 'the mail already stored that this one duplicates' }),
  })
  .openapi('QuarantineRetry');

const duplicateSchema = z
  .object({
    id: z.string(), uid: z.string(), uidValidity: z.string(), messageId: z.string().nullable(), subject: z.string().nullable(), seenAt: z.string(),
    twinId: z.string(), twinUrl: z.string().openapi({ description: 'the mail already stored with the same Message-ID and content' }),
  })
  .openapi('ReceivedDuplicate');

/** What staff do with mail reception could not file on its own: quarantined mail retried or discarded, duplicates skipped listed. */
export function registerQuarantineRoutes(r: ApiRouter, ctx: AppContext): void {
  r.add({
    method: 'post', path: '/received-mails/:id/retry', summary: 'Read a quarantined mail again from its raw bytes and store it (or keep it quarantined with the new reason)', tags: ['received'], params: idParam,
    response: retrySchema,
    handler: ({ auth, params }) => retryQuarantined(ctx, auth.organizationId, params.id),
  });
  r.add({
    method: 'delete', path: '/received-mails/:id', summary: 'Discard a quarantined mail (only quarantined mail can be discarded)', tags: ['received'], params: idParam, status: 204,
    handler: async ({ auth, params }) => {
      await discardQuarantined(ctx.prisma, auth.organizationId, params.id);
    },
  });
  r.add({
    method: 'get', path: '/mailbox/duplicates', summary: 'Messages skipped because the same mail (Message-ID and content) is already stored, each with its twin', tags: ['mailbox'],
    query: listQuery(DUPLICATE_ORDER), response: listSchema(duplicateSchema),
    handler: async ({ auth, query }) => {
      const box = await ctx.prisma.mailboxAccount.findUnique({ where: { organizationId: auth.organizationId }, select: { id: true } });
      if (!box) throw problem('NOT_FOUND', 'NO_MAILBOX');
      const { items, total, totalIsLowerBound, next } = await listDuplicates(ctx, box.id, query);
      return {
        items: items.map((d) => ({
          id: d.id, uid: d.uid.toString(), uidValidity: d.uidValidity.toString(), messageId: d.messageId, subject: d.subject, seenAt: d.seenAt.toISOString(),
          twinId: d.twinId, twinUrl: `/api/v1/received-mails/${d.twinId}`,
        })),
        page: query.cursor ? null : query.page, pageSize: query.pageSize, total, totalIsLowerBound, next,
      };
    },
  });
}
