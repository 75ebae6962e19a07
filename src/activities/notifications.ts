import { Context } from '@temporalio/activity';
import { startSendWorkflow } from '../mail/start-send';
import { bookingNoticeMails, managersOnce, noticeBookingInclude, type BookingNoticeKind, type PreviousSlot } from '../notifications/booking-notices';
import { reminderTimes } from '../notifications/booking-start';
import { notifyMember, queueNotices } from '../notifications/notify';
import { sendBookingDigests } from '../notifications/booking-digest';
import { scanValidities } from '../notifications/validities';
import type { BookingNoticesResult } from '../shared/booking';
import type { ActivityDeps } from './deps';
import { createDelivery } from './mail';

export type { BookingNoticeKind };

// Messages of one group sent at the same time (connections of the transport's pool).
const FIRST_NOTICE_CONCURRENCY = 5;

export function createNotificationActivities(deps: ActivityDeps) {
  const notifyDeps = { ...deps, messageIdDomain: deps.config.MESSAGE_ID_DOMAIN };
  const { deliverMany, markEmailFailed } = createDelivery(deps);

  /** What the booking workflow needs to decide (ids and instants only). */
  async function loadBookingForWorkflow(bookingId: string): Promise<{ status: string; startAt: string; endAt: string; sequence: number; reminderAt: string | null }> {
    const b = await deps.prisma.booking.findUniqueOrThrow({ where: { id: bookingId } });
    const reminderAt = (await reminderTimes(deps.prisma, [b])).get(b.id) ?? null;
    return { status: b.status, startAt: b.startAt.toISOString(), endAt: b.endAt.toISOString(), sequence: b.sequence, reminderAt: reminderAt?.toISOString() ?? null };
  }

  /** One booking mail with its calendar part, to the member and to subscribed managers; never twice for one (kind, sequence). */
  async function sendBookingNotice(bookingId: string, kind: BookingNoticeKind, previous?: PreviousSlot): Promise<{ sent: number }> {
    const b = await deps.prisma.booking.findUniqueOrThrow({ where: { id: bookingId }, include: noticeBookingInclude });
    let count = 0;
    for (const mail of await bookingNoticeMails(deps, b, kind, previous)) if (await notifyMember(notifyDeps, mail)) count += 1;
    return { sent: count };
  }

  /**
   * The first notice of each booking of a group (confirmation, or waiting list),
   * recorded in one statement and sent here through the pool, not one send
   * workflow each. A booking already changed (sequence > 0) or cancelled is left
   * to its own workflow, which tells the member about the change. Run again
   * (a retry after a worker died), it finds the recorded messages by their keys
   * and sends only those not yet sent.
   */
  async function sendFirstBookingNotices(bookingIds: string[]): Promise<BookingNoticesResult> {
    const bookings = await deps.prisma.booking.findMany({ where: { id: { in: bookingIds }, sequence: 0, status: { in: ['confirmed', 'waitlisted'] } }, include: noticeBookingInclude });
    const managers = managersOnce(deps.prisma);
    const mails = (await Promise.all(bookings.map((b) => bookingNoticeMails(deps, b, b.status === 'confirmed' ? 'confirmation' : 'waitlisted', undefined, managers)))).flat();
    const { queued, errors } = await queueNotices(notifyDeps, mails);
    for (const e of errors) deps.logger.error({ err: e.error, idempotencyKey: e.idempotencyKey }, 'booking notice could not be recorded');
    // A message already handed to its own send workflow (an earlier try's refusal) is that workflow's.
    const mine = queued.filter((r) => !r.workflowId);
    Context.current().heartbeat();
    const results = await deliverMany(mine.map((r) => r.id), FIRST_NOTICE_CONCURRENCY, mine);
    const outcome: BookingNoticesResult = { sent: 0, deferred: 0, failed: errors.length };
    for (const r of results) {
      if (r.ok) outcome.sent += 1;
      else if (r.failure.retryable && deps.temporal) {
        // Refused for now (4xx, connection): the send workflow retries it with backoff.
        await startSendWorkflow({ temporal: deps.temporal, prisma: deps.prisma, config: deps.config }, mine.find((m) => m.id === r.id)!);
        outcome.deferred += 1;
      } else {
        await markEmailFailed(r.id, r.failure.message);
        outcome.failed += 1;
      }
    }
    return outcome;
  }

  async function scanValidityAlerts(): Promise<{ alerts: number; digests: number }> {
    return scanValidities(notifyDeps, new Date());
  }

  async function sendDailyBookingDigests(): Promise<{ digests: number }> {
    return sendBookingDigests(notifyDeps, new Date());
  }

  return { loadBookingForWorkflow, sendBookingNotice, sendFirstBookingNotices, scanValidityAlerts, sendDailyBookingDigests };
}
