import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { personName } from '../invoices/format';
import { notFound } from '../shared/errors';

/** Lists behind the console's notification screens; every one scoped by organisation and paged. */
export interface Page {
  page: number;
  pageSize: number;
}
const paging = (q: Page) => ({ skip: (q.page - 1) * q.pageSize, take: q.pageSize });
const paged = <T>(items: T[], total: number, q: Page) => ({ items, page: q.page, pageSize: q.pageSize, total });
const memberRef = (m: { id: string; firstName: string; lastName: string }) => ({ id: m.id, name: personName(m) });

export async function listResources(prisma: PrismaClient, organizationId: string, q: Page & { q?: string }) {
  const where: Prisma.ResourceWhereInput = { organizationId, ...(q.q ? { name: { contains: q.q, mode: 'insensitive' } } : {}) };
  const [rows, total] = await Promise.all([prisma.resource.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }], ...paging(q) }), prisma.resource.count({ where })]);
  return paged(rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, structureId: r.structureId, createdAt: r.createdAt.toISOString() })), total, q);
}

export interface BookingQuery extends Page {
  resourceId?: string;
  memberId?: string;
  status?: 'confirmed' | 'waitlisted' | 'cancelled';
  /** Bookings still running at or after this instant (default: all). */
  from?: Date;
  to?: Date;
}

/** Bookings by start time; the waiting list is `status=waitlisted`, in the order it moves up (oldest request first). */
export async function listBookings(prisma: PrismaClient, organizationId: string, q: BookingQuery) {
  const where: Prisma.BookingWhereInput = {
    organizationId,
    ...(q.resourceId ? { resourceId: q.resourceId } : {}),
    ...(q.memberId ? { memberId: q.memberId } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.from ? { endAt: { gt: q.from } } : {}),
    ...(q.to ? { startAt: { lt: q.to } } : {}),
  };
  const orderBy: Prisma.BookingOrderByWithRelationInput[] = q.status === 'waitlisted' ? [{ createdAt: 'asc' }, { id: 'asc' }] : [{ startAt: 'asc' }, { id: 'asc' }];
  const [rows, total] = await Promise.all([
    prisma.booking.findMany({ where, include: { member: true, resource: true }, orderBy, ...paging(q) }),
    prisma.booking.count({ where }),
  ]);
  return paged(
    rows.map((b) => ({
      id: b.id, member: memberRef(b.member), resource: { id: b.resource.id, name: b.resource.name }, start: b.startAt.toISOString(), end: b.endAt.toISOString(),
      status: b.status, sequence: b.sequence, createdAt: b.createdAt.toISOString(),
    })),
    total,
    q,
  );
}

export async function listMaintenance(prisma: PrismaClient, organizationId: string, q: Page & { resourceId?: string; from?: Date }) {
  const where: Prisma.MaintenancePeriodWhereInput = { organizationId, ...(q.resourceId ? { resourceId: q.resourceId } : {}), ...(q.from ? { endAt: { gt: q.from } } : {}) };
  const [rows, total] = await Promise.all([
    prisma.maintenancePeriod.findMany({ where, include: { resource: true }, orderBy: [{ startAt: 'desc' }, { id: 'asc' }], ...paging(q) }),
    prisma.maintenancePeriod.count({ where }),
  ]);
  return paged(rows.map((m) => ({ id: m.id, resource: { id: m.resource.id, name: m.resource.name }, start: m.startAt.toISOString(), end: m.endAt.toISOString(), reason: m.reason })), total, q);
}

/** Validities soonest to expire first, with the alert stages already sent. */
export async function listValidities(prisma: PrismaClient, organizationId: string, q: Page & { memberId?: string; expiresBefore?: Date }) {
  const where: Prisma.ValidityWhereInput = { organizationId, ...(q.memberId ? { memberId: q.memberId } : {}), ...(q.expiresBefore ? { expiresAt: { lt: q.expiresBefore } } : {}) };
  const [rows, total] = await Promise.all([
    prisma.validity.findMany({ where, include: { member: true, alerts: { orderBy: { stage: 'desc' } } }, orderBy: [{ expiresAt: 'asc' }, { id: 'asc' }], ...paging(q) }),
    prisma.validity.count({ where }),
  ]);
  return paged(
    rows.map((v) => ({ id: v.id, member: memberRef(v.member), kind: v.kind, expiresAt: v.expiresAt.toISOString(), alertsSent: v.alerts.map((a) => ({ stage: a.stage, sentAt: a.sentAt.toISOString() })) })),
    total,
    q,
  );
}

/** Managers: members subscribed to everything of their structure (bookings, maintenance or validities). */
export async function listManagers(prisma: PrismaClient, organizationId: string, q: Page) {
  const where: Prisma.NotificationPreferenceWhereInput = { organizationId, OR: [{ subscribeBookings: { not: 'none' } }, { subscribeMaintenance: true }, { subscribeValidities: { not: 'none' } }] };
  const [rows, total] = await Promise.all([
    prisma.notificationPreference.findMany({ where, include: { member: { include: { structure: { select: { name: true } } } } }, orderBy: [{ member: { lastName: 'asc' } }, { id: 'asc' }], ...paging(q) }),
    prisma.notificationPreference.count({ where }),
  ]);
  return paged(
    rows.map((p) => ({
      member: memberRef(p.member), structureName: p.member.structure?.name ?? null,
      subscribeBookings: p.subscribeBookings, subscribeMaintenance: p.subscribeMaintenance, subscribeValidities: p.subscribeValidities,
    })),
    total,
    q,
  );
}

/** The member's balance and low-balance threshold, in currency units (stored in cents). */
export async function getBalance(prisma: PrismaClient, organizationId: string, memberId: string) {
  const m = await prisma.member.findFirst({ where: { id: memberId, organizationId }, select: { balanceCents: true, lowBalanceThresholdCents: true, lowBalanceAlertedAt: true } });
  if (!m) throw notFound(`Member ${memberId}`);
  const balance = m.balanceCents === null ? null : m.balanceCents / 100;
  const threshold = m.lowBalanceThresholdCents === null ? null : m.lowBalanceThresholdCents / 100;
  return { balance, threshold, below: balance !== null && threshold !== null && balance < threshold, alertedAt: m.lowBalanceAlertedAt?.toISOString() ?? null };
}
