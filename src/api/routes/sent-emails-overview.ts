import { countPurge } from '../../delivery/purge';
import { deliveryTimeline, timelineRange } from '../../delivery/timeline';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { isoDateTime, z } from '../zod';
import { purgeQuery } from './sent-emails';

/** What the sent-mail screen needs besides the log: the purge count before confirming, and a chart over time. */
export function registerSentEmailOverviewRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['sent log'];
  r.add({
    method: 'get', path: '/sent-emails/purge-count', summary: 'How many entries DELETE /sent-emails with the same criteria would remove', tags, role: 'admin',
    query: purgeQuery,
    response: z.object({ count: z.number().int() }).openapi('PurgeCount'),
    handler: async ({ auth, query }) => ({ count: await countPurge(ctx.prisma, auth.organizationId, query.before, query.status) }),
  });

  r.add({
    method: 'get', path: '/sent-emails/stats/timeline', summary: 'Messages per day and status (days in the organisation’s time zone; last 30 days by default, at most 366)', tags: ['delivery tracking'],
    query: z.object({ from: isoDateTime().optional(), to: isoDateTime().optional() }),
    response: z.object({
      from: z.string(), to: z.string(), timeZone: z.string(),
      days: z.array(z.object({ day: z.string(), total: z.number().int(), byStatus: z.record(z.string(), z.number().int()) })),
    }).openapi('DeliveryTimeline'),
    handler: async ({ auth, query }) => {
      const org = await ctx.prisma.organization.findUniqueOrThrow({ where: { id: auth.organizationId }, select: { timeZone: true } });
      const range = timelineRange(query.from, query.to);
      const days = await deliveryTimeline(ctx.sql, auth.organizationId, { ...range, timeZone: org.timeZone });
      return { from: range.from.toISOString(), to: range.to.toISOString(), timeZone: org.timeZone, days };
    },
  });
}
