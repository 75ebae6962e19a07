import { getBalance, listManagers, listResources } from '../../notifications/lists';
import { BOOKING_ORDER, listBookings, listMaintenance, listValidities, MAINTENANCE_ORDER, VALIDITY_ORDER } from '../../notifications/list-keyset';
import { listQuery, listSchema, type Listed } from '../list';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { idParam, isoDateTime, pagedSchema, pageQuery, z, uuid } from '../zod';

const ref = z.object({ id: z.string(), name: z.string() });
// ISO 8601 only, bounded to years the database holds (a bare number is no date).
const date = isoDateTime();

/** A keyset page as the API answers it: the page number only when it was asked by number. */
const listed = <T>(q: { page: number; pageSize: number; cursor?: string }, found: Omit<Listed<T>, 'page' | 'pageSize'>): Listed<T> => ({
  items: found.items, page: q.cursor ? null : q.page, pageSize: q.pageSize, total: found.total, totalIsLowerBound: found.totalIsLowerBound, next: found.next,
});

/** The lists the console's notification screens read: resources, bookings and the waiting list, maintenance, validities, managers, balance. */
export function registerNotificationListRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['notifications'];
  r.add({
    method: 'get', path: '/resources', summary: 'Bookable resources by name', tags, query: pageQuery.extend({ q: z.string().max(200).optional() }),
    response: pagedSchema(z.object({ id: z.string(), name: z.string(), kind: z.string(), structureId: z.string().nullable(), createdAt: z.string() }).openapi('Resource')),
    handler: ({ auth, query }) => listResources(ctx.prisma, auth.organizationId, query),
  });
  r.add({
    method: 'get', path: '/bookings', summary: 'Bookings by start time; status=waitlisted gives the waiting list in the order it moves up', tags,
    query: listQuery(BOOKING_ORDER).extend({
      resourceId: uuid().optional(), memberId: uuid().optional(), status: z.enum(['confirmed', 'waitlisted', 'cancelled']).optional(),
      from: date.optional().openapi({ description: 'bookings still running at or after this instant' }), to: date.optional().openapi({ description: 'bookings starting before this instant' }),
    }),
    response: listSchema(z.object({ id: z.string(), member: ref, resource: ref, start: z.string(), end: z.string(), status: z.string(), sequence: z.number().int(), createdAt: z.string() }).openapi('BookingListItem')),
    handler: async ({ auth, query }) => listed(query, await listBookings(ctx, auth.organizationId, query, query)),
  });
  r.add({
    method: 'get', path: '/maintenance-periods', summary: 'Maintenance periods, latest first', tags,
    query: listQuery(MAINTENANCE_ORDER).extend({ resourceId: uuid().optional(), from: date.optional().openapi({ description: 'periods ending after this instant' }) }),
    response: listSchema(z.object({ id: z.string(), resource: ref, start: z.string(), end: z.string(), reason: z.string() }).openapi('MaintenancePeriod')),
    handler: async ({ auth, query }) => listed(query, await listMaintenance(ctx, auth.organizationId, query, query)),
  });
  r.add({
    method: 'get', path: '/validities', summary: 'Validities, soonest to expire first, with the reminders already sent', tags,
    query: listQuery(VALIDITY_ORDER).extend({ memberId: uuid().optional(), expiresBefore: date.optional() }),
    response: listSchema(z.object({ id: z.string(), member: ref, kind: z.string(), expiresAt: z.string(), alertsSent: z.array(z.object({ stage: z.number().int(), sentAt: z.string() })) }).openapi('Validity')),
    handler: async ({ auth, query }) => listed(query, await listValidities(ctx, auth.organizationId, query, query)),
  });
  r.add({
    method: 'get', path: '/notification-managers', summary: 'Members who receive everything of their structure (bookings, maintenance, validities)', tags, query: pageQuery,
    response: pagedSchema(z.object({ member: ref, structureName: z.string().nullable(), subscribeBookings: z.string(), subscribeMaintenance: z.boolean(), subscribeValidities: z.string() }).openapi('NotificationManager')),
    handler: ({ auth, query }) => listManagers(ctx.prisma, auth.organizationId, query),
  });
  r.add({
    method: 'get', path: '/members/:id/balance', summary: 'The member’s balance and low-balance threshold', tags, params: idParam,
    response: z.object({ balance: z.number().nullable(), threshold: z.number().nullable(), below: z.boolean(), alertedAt: z.string().nullable() }).openapi('Balance'),
    handler: ({ auth, params }) => getBalance(ctx.prisma, auth.organizationId, params.id),
  });
}
