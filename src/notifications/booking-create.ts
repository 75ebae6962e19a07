import { v7 as uuidv7 } from 'uuid';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Booking, PrismaClient } from '../generated/prisma/client';
import { type FieldError, invalid } from '../shared/errors';
import { fieldError } from '../shared/field-reasons';
import { newNoticesWorkflowId, startFirstNotices, takeNoticePlace } from './booking-start';

interface Deps {
  prisma: PrismaClient;
  temporal: Client;
  config: Config;
}

export interface NewBooking {
  memberId: string;
  resourceId: string;
  startAt: Date;
  endAt: Date;
  externalId?: string;
}

type Slot = { startAt: Date; endAt: Date };
const overlaps = (a: Slot, b: Slot) => a.startAt < b.endAt && a.endAt > b.startAt;

/** Most bookings one request may create (the bulk route's limit). */
export const MAX_BULK_BOOKINGS = 1000;

/**
 * Creates bookings, all or none: every item is checked first (member and
 * resource of this organisation, end after start, no external id twice) and
 * any fault refuses the whole request, each named by its field (`at(i)`).
 * Each booking is confirmed when its slot is free — of confirmed bookings
 * already recorded and of the items before it — and waitlisted otherwise. An
 * item whose `externalId` exists already creates nothing and returns the
 * recorded booking (`created: false`), as a repeated single call does.
 *
 * Then, before answering, one `booking-notices` workflow is started for the new
 * ones (shared with other single creations of the moment), under the id saved
 * with them: it sends their first notices together, then starts each booking's
 * workflow delayed to its reminder and marks it started.
 */
export async function createBookings(deps: Deps, organizationId: string, items: NewBooking[], at: (i: number) => string = (i) => `body.bookings.${i}`): Promise<{ booking: Booking; created: boolean }[]> {
  const { prisma } = deps;
  const externalIds = items.flatMap((it) => (it.externalId ? [it.externalId] : []));
  const [members, resources, existing] = await Promise.all([
    prisma.member.findMany({ where: { organizationId, id: { in: [...new Set(items.map((i) => i.memberId))] } }, select: { id: true, structureId: true } }),
    prisma.resource.findMany({ where: { organizationId, id: { in: [...new Set(items.map((i) => i.resourceId))] } }, select: { id: true } }),
    externalIds.length ? prisma.booking.findMany({ where: { organizationId, externalId: { in: externalIds } } }) : Promise.resolve([]),
  ]);
  const memberOf = new Map(members.map((m) => [m.id, m]));
  const resourceIds = new Set(resources.map((r) => r.id));
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  items.forEach((it, i) => {
    if (it.endAt <= it.startAt) errors.push(fieldError(`${at(i)}.end`, 'END_BEFORE_START'));
    if (!memberOf.has(it.memberId)) errors.push(fieldError(`${at(i)}.memberId`, 'NO_SUCH_MEMBER'));
    if (!resourceIds.has(it.resourceId)) errors.push(fieldError(`${at(i)}.resourceId`, 'NO_SUCH_RESOURCE'));
    if (it.externalId) {
      if (seen.has(it.externalId)) errors.push(fieldError(`${at(i)}.externalId`, 'SAME_AS_ITEM', { item: seen.get(it.externalId)! }));
      else seen.set(it.externalId, i);
    }
  });
  if (errors.length) {
    const shown = errors.slice(0, 5).map((e) => `${e.field.replace(/^body\./, '')}: ${e.reason}`).join('; ');
    throw invalid(errors, errors.length > 5 ? `${shown}; and ${errors.length - 5} more` : shown);
  }

  const known = new Map(existing.map((b) => [b.externalId!, b]));
  const fresh = items.flatMap((it, i) => (it.externalId && known.has(it.externalId) ? [] : [i]));
  // The notices workflow's id is chosen first and saved with the bookings (an outbox): a creation
  // that dies before starting it leaves bookings the sweep finds and starts (booking-sweep.ts).
  // A single booking joins the group of the other single creations of the moment.
  const place = items.length === 1 && fresh.length === 1 ? takeNoticePlace(deps, organizationId) : undefined;
  const workflowId = place?.workflowId ?? newNoticesWorkflowId();
  let results: { booking: Booking; created: boolean }[];
  try {
    const inserted = fresh.length ? await insertBookings(prisma, organizationId, fresh.map((i) => items[i]!), memberOf, workflowId) : [];
    const slot = new Map(fresh.map((i, j) => [i, inserted[j]]));
    // A row that lost a race with an identical request (same externalId) is read back instead.
    const lost = fresh.filter((i) => !slot.get(i)).map((i) => items[i]!.externalId!);
    if (lost.length) for (const b of await prisma.booking.findMany({ where: { organizationId, externalId: { in: lost } } })) known.set(b.externalId!, b);
    results = items.map((it, i) => {
      const booking = slot.get(i);
      return booking ? { booking, created: true } : { booking: known.get(it.externalId!)!, created: false };
    });
  } catch (err) {
    void place?.fill(null);
    throw err;
  }

  // The new ones' notices and workflows go to one `booking-notices` workflow; the creation
  // answers once it is started. A repeated call's bookings stay with the creation that made them.
  const made = results.filter((r) => r.created).map((r) => r.booking.id);
  if (place) await place.fill(made[0] ?? null);
  else await startFirstNotices(deps, organizationId, made, workflowId);
  return results;
}

/** One transaction: the confirmed bookings the new ones may clash with, then one insert. Returned in the items' order (undefined: lost a race on its externalId). */
async function insertBookings(prisma: PrismaClient, organizationId: string, items: NewBooking[], memberOf: Map<string, { structureId: string | null }>, noticesWorkflowId: string): Promise<(Booking | undefined)[]> {
  const from = new Date(Math.min(...items.map((i) => i.startAt.getTime())));
  const to = new Date(Math.max(...items.map((i) => i.endAt.getTime())));
  return prisma.$transaction(async (tx) => {
    const taken = new Map<string, Slot[]>();
    const confirmed = await tx.booking.findMany({ where: { resourceId: { in: [...new Set(items.map((i) => i.resourceId))] }, status: 'confirmed', startAt: { lt: to }, endAt: { gt: from } }, select: { resourceId: true, startAt: true, endAt: true } });
    const slotsOf = (resourceId: string) => taken.get(resourceId) ?? taken.set(resourceId, []).get(resourceId)!;
    for (const c of confirmed) slotsOf(c.resourceId).push(c);
    const rows = items.map((it) => {
      const slots = slotsOf(it.resourceId);
      const free = !slots.some((s) => overlaps(s, it));
      if (free) slots.push(it);
      return { id: uuidv7(), organizationId, structureId: memberOf.get(it.memberId)!.structureId, memberId: it.memberId, resourceId: it.resourceId, startAt: it.startAt, endAt: it.endAt, status: free ? 'confirmed' : 'waitlisted', externalId: it.externalId ?? null, noticesWorkflowId };
    });
    const created = await tx.booking.createManyAndReturn({ data: rows, skipDuplicates: true });
    const byId = new Map(created.map((b) => [b.id, b]));
    return rows.map((r) => byId.get(r.id));
  });
}
