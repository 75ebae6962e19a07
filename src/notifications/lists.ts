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
