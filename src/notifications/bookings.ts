import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Booking, PrismaClient } from '../generated/prisma/client';
import { Prisma } from '../generated/prisma/client';
import { notFound, problem, validationError } from '../shared/errors';
import type { BookingChange } from '../shared/booking';
import { createBookings, type NewBooking } from './booking-create';
import { signalBooking } from './booking-start';

interface Deps {
  prisma: PrismaClient;
  temporal: Client;
  config: Config;
}

/** Is the slot taken by another confirmed booking of the same resource? */
async function slotTaken(prisma: PrismaClient | Prisma.TransactionClient, b: { id?: string; resourceId: string; startAt: Date; endAt: Date }): Promise<boolean> {
  const clash = await prisma.booking.findFirst({ where: { resourceId: b.resourceId, status: 'confirmed', id: b.id ? { not: b.id } : undefined, startAt: { lt: b.endAt }, endAt: { gt: b.startAt } }, select: { id: true } });
  return Boolean(clash);
}

async function signal(deps: Deps, b: Pick<Booking, 'id' | 'organizationId'>, change: BookingChange) {
  await signalBooking(deps, b, change);
}

/** A new booking: confirmed if the slot is free, waitlisted if not. Repeating the host's call (same externalId) creates nothing. */
export async function createBooking(deps: Deps, organizationId: string, input: NewBooking): Promise<{ booking: Booking; created: boolean }> {
  const [result] = await createBookings(deps, organizationId, [input], () => 'body');
  return result!;
}

export async function getBooking(prisma: PrismaClient, organizationId: string, id: string) {
  const b = await prisma.booking.findFirst({ where: { id, organizationId }, include: { resource: true } });
  if (!b) throw notFound(`Booking ${id}`);
  return b;
}

/** New times or resource: SEQUENCE + 1, the member is told old and new, the reminder moves; a freed slot may promote a waiting booking. */
export async function updateBooking(deps: Deps, organizationId: string, id: string, input: { startAt?: Date; endAt?: Date; resourceId?: string }): Promise<Booking> {
  const before = await getBooking(deps.prisma, organizationId, id);
  if (before.status === 'cancelled') throw problem('CONFLICT', 'BOOKING_CANCELLED');
  if (input.resourceId && !(await deps.prisma.resource.findFirst({ where: { id: input.resourceId, organizationId } }))) throw validationError('body.resourceId', 'NO_SUCH_RESOURCE');
  const next = { resourceId: input.resourceId ?? before.resourceId, startAt: input.startAt ?? before.startAt, endAt: input.endAt ?? before.endAt };
  if (next.endAt <= next.startAt) throw validationError('body.end', 'END_BEFORE_START');
  if (next.resourceId === before.resourceId && +next.startAt === +before.startAt && +next.endAt === +before.endAt) return before;
  const status = before.status === 'confirmed' && (await slotTaken(deps.prisma, { id, ...next })) ? 'waitlisted' : before.status;
  const updated = await deps.prisma.booking.update({ where: { id }, data: { ...next, status, sequence: { increment: 1 } } });
  await signal(deps, updated, { kind: 'modified', previous: { startAt: before.startAt.toISOString(), endAt: before.endAt.toISOString(), resourceName: before.resource.name } });
  if (before.status === 'confirmed') await promoteWaitlist(deps, before.resourceId);
  if (updated.status === 'waitlisted') await promoteWaitlist(deps, updated.resourceId);
  return updated;
}

export async function cancelBooking(deps: Deps, organizationId: string, id: string): Promise<Booking> {
  const before = await getBooking(deps.prisma, organizationId, id);
  if (before.status === 'cancelled') return before; // a repeated call changes nothing
  const updated = await deps.prisma.booking.update({ where: { id }, data: { status: 'cancelled', sequence: { increment: 1 } } });
  await signal(deps, updated, { kind: 'cancelled' });
  if (before.status === 'confirmed') await promoteWaitlist(deps, before.resourceId);
  return updated;
}

/** The earliest waiting booking whose slot is now free is confirmed and its member told. */
export async function promoteWaitlist(deps: Deps, resourceId: string): Promise<void> {
  const waiting = await deps.prisma.booking.findMany({ where: { resourceId, status: 'waitlisted', endAt: { gt: new Date() } }, orderBy: { createdAt: 'asc' } });
  for (const w of waiting) {
    if (await slotTaken(deps.prisma, w)) continue;
    const { count } = await deps.prisma.booking.updateMany({ where: { id: w.id, status: 'waitlisted' }, data: { status: 'confirmed', sequence: { increment: 1 } } });
    if (count) await signal(deps, w, { kind: 'promoted' });
  }
}
