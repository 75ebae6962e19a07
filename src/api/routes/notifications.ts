import type { Booking } from '../../generated/prisma/client';
import { setBalance } from '../../notifications/balance';
import { createBookings, MAX_BULK_BOOKINGS } from '../../notifications/booking-create';
import { cancelBooking, createBooking, getBooking, updateBooking } from '../../notifications/bookings';
import { declareMaintenance } from '../../notifications/maintenance';
import { DEFAULT_PREFERENCES } from '../../notifications/notify';
import { consumePasswordReset, requestPasswordReset } from '../../notifications/password-reset';
import { AppError, notFound, validationError } from '../../shared/errors';
import { workflowIds } from '../../shared/names';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { currency, idParam, isoDateTime, money, z, uuid } from '../zod';

const when = isoDateTime();
const bookingSchema = z.object({ id: z.string(), memberId: z.string(), resourceId: z.string(), start: z.string(), end: z.string(), status: z.string(), sequence: z.number(), workflowId: z.string() }).openapi('Booking');
const newBooking = z.object({ memberId: uuid(), resourceId: uuid(), start: when, end: when, externalId: z.string().max(200).optional().openapi({ description: "the host application's id: repeating the call creates nothing" }) }).openapi('NewBooking');
const presentBooking = (b: Booking) => ({ id: b.id, memberId: b.memberId, resourceId: b.resourceId, start: b.startAt.toISOString(), end: b.endAt.toISOString(), status: b.status, sequence: b.sequence, workflowId: workflowIds.booking(b.id) });

const prefsBody = z.object({
  bookings: z.boolean().optional(), reminders: z.boolean().optional(), maintenance: z.boolean().optional(), validity: z.boolean().optional(), balance: z.boolean().optional(),
  reminderLeadMinutes: z.number().int().min(0).max(30 * 24 * 60).nullable().optional(),
  subscribeBookings: z.enum(['none', 'immediate', 'digest']).optional(),
  subscribeMaintenance: z.boolean().optional(),
  subscribeValidities: z.enum(['none', 'immediate', 'digest']).optional(),
}).openapi('NotificationPreferences');

export function registerNotificationRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['notifications'];
  const deps = { ...ctx, messageIdDomain: ctx.config.MESSAGE_ID_DOMAIN };

  r.add({
    method: 'post', path: '/resources', summary: 'A bookable resource (aircraft, room, instructor…)', tags, status: 201,
    body: z.object({ name: z.string().min(1).max(200), kind: z.string().max(50).default('aircraft'), structureId: uuid().optional() }),
    response: z.object({ id: z.string(), name: z.string(), kind: z.string(), structureId: z.string().nullable() }),
    handler: async ({ auth, body }) => {
      if (body.structureId && !(await ctx.prisma.structure.findFirst({ where: { id: body.structureId, organizationId: auth.organizationId } }))) throw validationError('body.structureId', 'NO_SUCH_STRUCTURE');
      const res = await ctx.prisma.resource.create({ data: { organizationId: auth.organizationId, name: body.name, kind: body.kind, structureId: body.structureId ?? null } });
      return { id: res.id, name: res.name, kind: res.kind, structureId: res.structureId };
    },
  });

  r.add({
    method: 'post', path: '/bookings', summary: 'A booking: confirmation (or waiting list) now, reminder before it, calendar invitation attached', tags, status: 201,
    body: newBooking, response: bookingSchema.extend({ created: z.boolean() }),
    handler: async ({ auth, body }) => {
      const { booking, created } = await createBooking(deps, auth.organizationId, { memberId: body.memberId, resourceId: body.resourceId, startAt: body.start, endAt: body.end, externalId: body.externalId });
      return { ...presentBooking(booking), created };
    },
  });
  r.add({
    method: 'post', path: '/bookings/bulk', summary: `Up to ${MAX_BULK_BOOKINGS} bookings at once (imports): all or none`, tags, status: 201,
    description: 'Every item is checked before any is recorded: one fault refuses the whole request (422) and `errors` names each, e.g. `body.bookings.3.memberId`. '
      + 'Items are confirmed or waitlisted in order (an item may take the slot of an earlier one). An item whose `externalId` is already recorded creates nothing and comes back with `created: false`. '
      + 'The confirmations go out together in the following seconds; each booking\'s workflow waits, not yet started, for its reminder.',
    body: z.object({ bookings: z.array(newBooking).min(1).max(MAX_BULK_BOOKINGS) }),
    response: z.object({ created: z.number().int().openapi({ description: 'how many of the items were new' }), bookings: z.array(bookingSchema.extend({ created: z.boolean() })) }).openapi('BookingBulkResult'),
    handler: async ({ auth, body }) => {
      const results = await createBookings(deps, auth.organizationId, body.bookings.map((b) => ({ memberId: b.memberId, resourceId: b.resourceId, startAt: b.start, endAt: b.end, externalId: b.externalId })));
      return { created: results.filter((r) => r.created).length, bookings: results.map(({ booking, created }) => ({ ...presentBooking(booking), created })) };
    },
  });
  r.add({ method: 'get', path: '/bookings/:id', summary: 'A booking', tags, params: idParam, response: bookingSchema, handler: async ({ auth, params }) => presentBooking(await getBooking(ctx.prisma, auth.organizationId, params.id)) });
  r.add({
    method: 'patch', path: '/bookings/:id', summary: 'Move or change a booking (modification mail, SEQUENCE + 1, reminder moved)', tags, params: idParam,
    body: z.object({ start: when.optional(), end: when.optional(), resourceId: uuid().optional() }), response: bookingSchema,
    handler: async ({ auth, params, body }) => presentBooking(await updateBooking(deps, auth.organizationId, params.id, { startAt: body.start, endAt: body.end, resourceId: body.resourceId })),
  });
  r.add({
    method: 'post', path: '/bookings/:id/cancel', summary: 'Cancel (METHOD:CANCEL mail; the waiting list moves up)', tags, params: idParam, response: bookingSchema,
    handler: async ({ auth, params }) => presentBooking(await cancelBooking(deps, auth.organizationId, params.id)),
  });

  r.add({
    method: 'post', path: '/resources/:id/maintenance', summary: 'Declare a maintenance period: affected members and subscribed managers are told', tags, params: idParam, status: 201,
    body: z.object({ start: when, end: when, reason: z.string().min(1).max(500) }),
    response: z.object({ id: z.string(), affectedBookings: z.array(z.string()), notifiedMembers: z.array(z.string()) }),
    handler: ({ auth, params, body }) => declareMaintenance(deps, auth.organizationId, params.id, { startAt: body.start, endAt: body.end, reason: body.reason }),
  });

  r.add({
    method: 'post', path: '/validities', summary: 'A validity (medical visit, licence…) and its expiry date', tags, status: 201,
    body: z.object({ memberId: uuid(), kind: z.string().min(1).max(100), expiresAt: when }),
    response: z.object({ id: z.string(), memberId: z.string(), kind: z.string(), expiresAt: z.string() }),
    handler: async ({ auth, body }) => {
      if (!(await ctx.prisma.member.findFirst({ where: { id: body.memberId, organizationId: auth.organizationId } }))) throw validationError('body.memberId', 'NO_SUCH_MEMBER');
      const v = await ctx.prisma.validity.create({ data: { organizationId: auth.organizationId, memberId: body.memberId, kind: body.kind, expiresAt: body.expiresAt } });
      return { id: v.id, memberId: v.memberId, kind: v.kind, expiresAt: v.expiresAt.toISOString() };
    },
  });

  r.add({
    method: 'put', path: '/members/:id/balance', summary: 'The member’s balance (one alert when it crosses below the threshold)', tags, params: idParam,
    body: z.object({ balance: money(), threshold: money().nullable().optional(), currency: currency().optional() }),
    response: z.object({ balance: z.number(), threshold: z.number().nullable(), below: z.boolean(), alerted: z.boolean(), alertedAt: z.string().nullable() }),
    handler: ({ auth, params, body }) => setBalance(deps, auth.organizationId, params.id, body),
  });

  const ownOrStaff = async (auth: { organizationId: string; memberId: string | null }, memberId: string) => {
    if (auth.memberId && auth.memberId !== memberId) throw new AppError('FORBIDDEN', 'A member key can only change its own preferences');
    const m = await ctx.prisma.member.findFirst({ where: { id: memberId, organizationId: auth.organizationId }, select: { id: true } });
    if (!m) throw notFound(`Member ${memberId}`);
  };
  const presentPrefs = async (memberId: string) => {
    const p = (await ctx.prisma.notificationPreference.findUnique({ where: { memberId } })) ?? DEFAULT_PREFERENCES;
    return { bookings: p.bookings, reminders: p.reminders, maintenance: p.maintenance, validity: p.validity, balance: p.balance, passwordReset: true as const, reminderLeadMinutes: p.reminderLeadMinutes, subscribeBookings: p.subscribeBookings, subscribeMaintenance: p.subscribeMaintenance, subscribeValidities: p.subscribeValidities };
  };
  const prefsOut = z.object({ bookings: z.boolean(), reminders: z.boolean(), maintenance: z.boolean(), validity: z.boolean(), balance: z.boolean(), passwordReset: z.literal(true), reminderLeadMinutes: z.number().nullable(), subscribeBookings: z.string(), subscribeMaintenance: z.boolean(), subscribeValidities: z.string() });
  r.add({ method: 'get', path: '/members/:id/notification-preferences', summary: 'What the member receives (member keys: their own only)', tags, role: 'member', params: idParam, response: prefsOut, handler: async ({ auth, params }) => { await ownOrStaff(auth, params.id); return presentPrefs(params.id); } });
  r.add({
    method: 'put', path: '/members/:id/notification-preferences', summary: 'Switch kinds on or off, reminder lead, manager subscriptions (password resets cannot be switched off)', tags, role: 'member', params: idParam, body: prefsBody, response: prefsOut,
    handler: async ({ auth, params, body }) => {
      await ownOrStaff(auth, params.id);
      await ctx.prisma.notificationPreference.upsert({ where: { memberId: params.id }, create: { organizationId: auth.organizationId, memberId: params.id, ...body }, update: body });
      return presentPrefs(params.id);
    },
  });

  r.add({
    method: 'post', path: '/password-resets', summary: 'Mail a single-use reset link (same answer whether or not the address exists)', tags, status: 202,
    body: z.object({ email: z.string().min(3).max(320) }), response: z.object({ status: z.literal('accepted') }),
    handler: async ({ auth, body, req }) => {
      await requestPasswordReset(deps, auth.organizationId, body.email, `${auth.keyId}:${req.ip}`);
      return { status: 'accepted' as const };
    },
  });
  r.add({
    method: 'post', path: '/password-resets/consume', summary: 'Use a reset token (once)', tags,
    body: z.object({ token: z.string().min(10).max(200) }), response: z.object({ memberId: z.string() }),
    handler: ({ auth, body }) => consumePasswordReset(ctx, auth.organizationId, body.token),
  });
}
