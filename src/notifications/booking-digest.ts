import { formatLocal } from './ics';
import { notifyMember, type NotifyDeps } from './notify';

/**
 * Managers who asked for the structure's bookings as a daily digest get one
 * mail listing the bookings created, moved or cancelled in the last day.
 */
export async function sendBookingDigests(deps: NotifyDeps, now: Date): Promise<{ digests: number }> {
  const { prisma } = deps;
  const since = new Date(now.getTime() - 24 * 3600 * 1000);
  const managers = await prisma.notificationPreference.findMany({ where: { subscribeBookings: 'digest' }, include: { member: true, organization: true } });
  let digests = 0;
  for (const p of managers) {
    const bookings = await prisma.booking.findMany({
      where: { organizationId: p.organizationId, updatedAt: { gte: since, lt: now }, ...(p.member.structureId ? { structureId: p.member.structureId } : {}), memberId: { not: p.memberId } },
      include: { member: true, resource: true },
      orderBy: { startAt: 'asc' },
    });
    if (!bookings.length) continue;
    const tz = p.organization.timeZone;
    const status: Record<string, string> = { confirmed: 'confirmée', waitlisted: 'liste d’attente', cancelled: 'annulée' };
    const lines = bookings.map((b) => `- ${b.member.firstName} ${b.member.lastName} · ${b.resource.name} · ${formatLocal(b.startAt, tz)} · ${status[b.status] ?? b.status}`);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(now);
    const sent = await notifyMember(deps, {
      organizationId: p.organizationId, memberId: p.memberId, kind: 'bookings', templateKey: 'booking.digest',
      data: { liste: lines.join('\n'), nombre: bookings.length }, idempotencyKey: `booking-digest:${p.memberId}:${day}`, relatedType: 'booking-digest', relatedId: p.memberId,
    });
    if (sent) digests += 1;
  }
  return { digests };
}
