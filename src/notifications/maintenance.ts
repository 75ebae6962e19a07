import { notFound, validationError } from '../shared/errors';
import { formatLocal } from './ics';
import { notifyMember, subscribedManagers, type NotifyDeps } from './notify';

/** Tells the members whose bookings overlap the maintenance, and the managers subscribed to maintenance notices. */
export async function declareMaintenance(deps: NotifyDeps, organizationId: string, resourceId: string, input: { startAt: Date; endAt: Date; reason: string }) {
  const { prisma } = deps;
  if (input.endAt <= input.startAt) throw validationError('body.end', 'END_BEFORE_START');
  const resource = await prisma.resource.findFirst({ where: { id: resourceId, organizationId }, include: { organization: true } });
  if (!resource) throw notFound(`Resource ${resourceId}`);
  const period = await prisma.maintenancePeriod.create({ data: { organizationId, resourceId, startAt: input.startAt, endAt: input.endAt, reason: input.reason } });
  const tz = resource.organization.timeZone;
  const data = { ressource: resource.name, debut: formatLocal(input.startAt, tz), fin: formatLocal(input.endAt, tz), raison: input.reason };
  const bookings = await prisma.booking.findMany({ where: { resourceId, status: { in: ['confirmed', 'waitlisted'] }, startAt: { lt: input.endAt }, endAt: { gt: input.startAt } } });
  const notified = new Set<string>();
  for (const memberId of new Set(bookings.map((b) => b.memberId))) {
    if (await notifyMember(deps, { organizationId, memberId, kind: 'maintenance', templateKey: 'maintenance.notice', data, idempotencyKey: `maintenance:${period.id}:${memberId}`, relatedType: 'maintenance', relatedId: period.id })) notified.add(memberId);
  }
  for (const managerId of await subscribedManagers(prisma, organizationId, resource.structureId, 'subscribeMaintenance')) {
    if (notified.has(managerId)) continue;
    if (await notifyMember(deps, { organizationId, memberId: managerId, kind: 'maintenance', templateKey: 'maintenance.notice', data, idempotencyKey: `maintenance:${period.id}:${managerId}`, relatedType: 'maintenance', relatedId: period.id })) notified.add(managerId);
  }
  return { id: period.id, affectedBookings: bookings.map((b) => b.id), notifiedMembers: [...notified] };
}
