import { bookingIcs, formatLocal } from '../notifications/ics';
import { notifyMember, preferencesOf, subscribedManagers } from '../notifications/notify';
import { sendBookingDigests } from '../notifications/booking-digest';
import { scanValidities } from '../notifications/validities';
import { parseAddress } from '../mail/addresses';
import type { ActivityDeps } from './deps';

export type BookingNoticeKind = 'confirmation' | 'waitlisted' | 'reminder' | 'modification' | 'promoted' | 'cancellation';

export function createNotificationActivities(deps: ActivityDeps) {
  const notifyDeps = { ...deps, messageIdDomain: deps.config.MESSAGE_ID_DOMAIN };

  /** What the booking workflow needs to decide (ids and instants only). */
  async function loadBookingForWorkflow(bookingId: string): Promise<{ status: string; startAt: string; endAt: string; sequence: number; reminderAt: string | null }> {
    const b = await deps.prisma.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { organization: true } });
    const prefs = await preferencesOf(deps.prisma, b.memberId);
    const lead = prefs.reminderLeadMinutes ?? b.organization.reminderLeadMinutes;
    const reminderAt = prefs.reminders ? new Date(b.startAt.getTime() - lead * 60_000).toISOString() : null;
    return { status: b.status, startAt: b.startAt.toISOString(), endAt: b.endAt.toISOString(), sequence: b.sequence, reminderAt };
  }

  /** One booking mail with its calendar part, to the member and to subscribed managers; never twice for one (kind, sequence). */
  async function sendBookingNotice(bookingId: string, kind: BookingNoticeKind, previous?: { startAt: string; endAt: string; resourceName: string }): Promise<{ sent: number }> {
    const b = await deps.prisma.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { resource: true, member: true, organization: true } });
    const tz = b.organization.timeZone;
    const data = {
      ressource: b.resource.name, debut: formatLocal(b.startAt, tz), fin: formatLocal(b.endAt, tz), organisation: b.organization.name,
      ...(previous ? { ancienDebut: formatLocal(new Date(previous.startAt), tz), ancienFin: formatLocal(new Date(previous.endAt), tz), ancienneRessource: previous.resourceName } : {}),
    };
    const memberEmail = (await deps.prisma.memberEmail.findFirst({ where: { memberId: b.memberId, invalidAt: null }, orderBy: { position: 'asc' } }))?.address;
    const organizerAddress = parseAddress(deps.config.MAIL_FROM)?.address ?? 'no-reply@mailroom.localhost';
    const attachments = [];
    if (kind !== 'waitlisted' && memberEmail) {
      const method = kind === 'cancellation' ? 'CANCEL' : 'REQUEST';
      const ics = bookingIcs({
        bookingId: b.id, domain: deps.config.MESSAGE_ID_DOMAIN, sequence: b.sequence, method, start: b.startAt, end: b.endAt,
        summary: `${b.resource.name} — ${b.organization.name}`, organizer: { name: b.organization.name, email: organizerAddress }, attendee: { name: `${b.member.firstName} ${b.member.lastName}`, email: memberEmail },
      });
      const stored = await deps.storage.put(Buffer.from(ics, 'utf8'));
      // The MIME method= parameter must equal the iCalendar METHOD (RFC 6047 §2.4) or Outlook ignores the invitation.
      attachments.push({ storageKey: stored.key, filename: 'invitation.ics', contentType: 'text/calendar', size: stored.size, contentTypeParams: { method, charset: 'utf-8' } });
    }
    const templateKey = `booking.${kind}`;
    const sent = await notifyMember(notifyDeps, {
      organizationId: b.organizationId, memberId: b.memberId, kind: kind === 'reminder' ? 'reminders' : 'bookings', templateKey, data,
      idempotencyKey: `booking:${b.id}:${kind}:${b.sequence}`, attachments, relatedType: 'booking', relatedId: b.id,
    });
    let count = sent ? 1 : 0;
    if (kind !== 'reminder') {
      const labels: Record<BookingNoticeKind, string> = { confirmation: 'confirmée', waitlisted: 'liste d’attente', reminder: 'rappel', modification: 'modifiée', promoted: 'confirmée depuis la liste d’attente', cancellation: 'annulée' };
      for (const managerId of await subscribedManagers(deps.prisma, b.organizationId, b.structureId, 'subscribeBookings')) {
        if (managerId === b.memberId) continue;
        const copy = await notifyMember(notifyDeps, {
          organizationId: b.organizationId, memberId: managerId, kind: 'bookings', templateKey: 'booking.manager', data: { ...data, membre: `${b.member.firstName} ${b.member.lastName}`, evenement: labels[kind] },
          idempotencyKey: `booking:${b.id}:${kind}:${b.sequence}:manager:${managerId}`, relatedType: 'booking', relatedId: b.id,
        });
        if (copy) count += 1;
      }
    }
    return { sent: count };
  }

  async function scanValidityAlerts(): Promise<{ alerts: number; digests: number }> {
    return scanValidities(notifyDeps, new Date());
  }

  async function sendDailyBookingDigests(): Promise<{ digests: number }> {
    return sendBookingDigests(notifyDeps, new Date());
  }

  return { loadBookingForWorkflow, sendBookingNotice, scanValidityAlerts, sendDailyBookingDigests };
}
