
/**
 * The calendar part of a booking mail (RFC 5545; iTIP RFC 5546): the UID stays
 * the booking's for its whole life, SEQUENCE rises with every change so
 * calendars update the event, and a cancellation is METHOD:CANCEL with
 * STATUS:CANCELLED for the same UID.
 */
export interface BookingIcsInput {
  bookingId: string;
  domain: string;
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  start: Date;
  end: Date;
  summary: string;
  description?: string;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
}

export const bookingUid = (bookingId: string, domain: string) => `booking-${bookingId}@${domain}`;

export function bookingIcs(b: BookingIcsInput): string {
  // Loaded with the first invitation, not at start (memory at rest, issue #16).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createEvent } = require('ics') as typeof import('ics');
  const { error, value } = createEvent({
    uid: bookingUid(b.bookingId, b.domain),
    sequence: b.sequence,
    method: b.method,
    start: b.start.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: b.end.getTime(),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: b.summary,
    description: b.description,
    status: b.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    organizer: { name: b.organizer.name, email: b.organizer.email },
    attendees: [{ name: b.attendee.name, email: b.attendee.email, rsvp: false, role: 'REQ-PARTICIPANT', partstat: 'ACCEPTED' }],
    productId: 'mailroom/bookings',
  });
  if (error || !value) throw error ?? new Error('could not build the calendar event');
  return value;
}

// Building an Intl.DateTimeFormat loads its locale data each time (~0.1 ms, a tenth of a
// confirmation's CPU in a large import): one per time zone, kept.
const localFormats = new Map<string, Intl.DateTimeFormat>();

export function formatLocal(d: Date, timeZone: string): string {
  let format = localFormats.get(timeZone);
  if (!format) localFormats.set(timeZone, (format = new Intl.DateTimeFormat('fr-FR', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' })));
  return format.format(d);
}
