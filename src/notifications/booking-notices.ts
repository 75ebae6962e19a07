import type { Config } from '../config';
import type { Booking, Member, MemberEmail, Organization, PrismaClient, Resource } from '../generated/prisma/client';
import { parseAddress } from '../mail/addresses';
import type { Storage } from '../storage';
import { bookingIcs, formatLocal } from './ics';
import { subscribedManagers, type NotifyInput } from './notify';

export type BookingNoticeKind = 'confirmation' | 'waitlisted' | 'reminder' | 'modification' | 'promoted' | 'cancellation';
export type PreviousSlot = { startAt: string; endAt: string; resourceName: string };

/** A booking with what its mails show. */
export type NoticeBooking = Booking & { resource: Resource; member: Member & { emails: MemberEmail[] }; organization: Organization };
export const noticeBookingInclude = { resource: true, organization: true, member: { include: { emails: { orderBy: { position: 'asc' as const } } } } };

const LABELS: Record<BookingNoticeKind, string> = { confirmation: 'confirmée', waitlisted: 'liste d’attente', reminder: 'rappel', modification: 'modifiée', promoted: 'confirmée depuis la liste d’attente', cancellation: 'annulée' };

interface Deps {
  prisma: PrismaClient;
  storage: Storage;
  config: Config;
}

/** Subscribed managers of a structure, read once per (organisation, structure) for a group of bookings. */
export function managersOnce(prisma: PrismaClient) {
  const memo = new Map<string, Promise<string[]>>();
  return (organizationId: string, structureId: string | null) => {
    const key = `${organizationId}\n${structureId ?? ''}`;
    if (!memo.has(key)) memo.set(key, subscribedManagers(prisma, organizationId, structureId, 'subscribeBookings'));
    return memo.get(key)!;
  };
}

/**
 * The mails one booking event makes: the member's, with its calendar part
 * (except on the waiting list), and a copy for each manager subscribed to the
 * structure's bookings (not for reminders). Each has its idempotency key
 * `booking:<id>:<kind>:<sequence>[:manager:<id>]`, so it is never queued twice.
 * `kept` receives the calendar parts' bytes by storage key.
 */
export async function bookingNoticeMails(deps: Deps, b: NoticeBooking, kind: BookingNoticeKind, previous?: PreviousSlot, managers = managersOnce(deps.prisma), kept?: Map<string, Buffer>): Promise<NotifyInput[]> {
  const tz = b.organization.timeZone;
  const data = {
    ressource: b.resource.name, debut: formatLocal(b.startAt, tz), fin: formatLocal(b.endAt, tz), organisation: b.organization.name,
    ...(previous ? { ancienDebut: formatLocal(new Date(previous.startAt), tz), ancienFin: formatLocal(new Date(previous.endAt), tz), ancienneRessource: previous.resourceName } : {}),
  };
  const memberEmail = b.member.emails.find((e) => !e.invalidAt)?.address;
  const organizerAddress = parseAddress(deps.config.MAIL_FROM)?.address ?? 'no-reply@mailroom.localhost';
  const attachments = [];
  if (kind !== 'waitlisted' && memberEmail) {
    const method = kind === 'cancellation' ? 'CANCEL' : 'REQUEST';
    const ics = bookingIcs({
      bookingId: b.id, domain: deps.config.MESSAGE_ID_DOMAIN, sequence: b.sequence, method, start: b.startAt, end: b.endAt,
      summary: `${b.resource.name} — ${b.organization.name}`, organizer: { name: b.organization.name, email: organizerAddress }, attendee: { name: `${b.member.firstName} ${b.member.lastName}`, email: memberEmail },
    });
    const bytes = Buffer.from(ics, 'utf8');
    const stored = await deps.storage.put(bytes);
    // A caller that sends at once composes from these bytes instead of reading them back.
    kept?.set(stored.key, bytes);
    // The MIME method= parameter must equal the iCalendar METHOD (RFC 6047 §2.4) or Outlook ignores the invitation.
    attachments.push({ storageKey: stored.key, filename: 'invitation.ics', contentType: 'text/calendar', size: stored.size, contentTypeParams: { method, charset: 'utf-8' } });
  }
  const mails: NotifyInput[] = [{
    organizationId: b.organizationId, memberId: b.memberId, kind: kind === 'reminder' ? 'reminders' : 'bookings', templateKey: `booking.${kind}`, data,
    idempotencyKey: `booking:${b.id}:${kind}:${b.sequence}`, attachments, relatedType: 'booking', relatedId: b.id,
  }];
  if (kind === 'reminder') return mails;
  for (const managerId of await managers(b.organizationId, b.structureId)) {
    if (managerId === b.memberId) continue;
    mails.push({
      organizationId: b.organizationId, memberId: managerId, kind: 'bookings', templateKey: 'booking.manager', data: { ...data, membre: `${b.member.firstName} ${b.member.lastName}`, evenement: LABELS[kind] },
      idempotencyKey: `booking:${b.id}:${kind}:${b.sequence}:manager:${managerId}`, relatedType: 'booking', relatedId: b.id,
    });
  }
  return mails;
}
