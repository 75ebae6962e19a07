import { Context } from '@temporalio/activity';
import { startSendWorkflow } from '../mail/start-send';
import { bookingNoticeMails, managersOnce, noticeBookingInclude, type BookingNoticeKind, type PreviousSlot } from '../notifications/booking-notices';
import { markWorkflowsStarted, reminderTimes, startBookingWorkflows } from '../notifications/booking-start';
import { startLostBookingNotices } from '../notifications/booking-sweep';
import { notifyMember, queueNotices } from '../notifications/notify';
import { sendBookingDigests } from '../notifications/booking-digest';
import { scanValidities } from '../notifications/validities';
import type { SentEmail } from '../generated/prisma/client';
import type { BookingNoticesResult } from '../shared/booking';
import type { ActivityDeps } from './deps';
import { createDelivery } from './mail';

export type { BookingNoticeKind };

// Messages of one group sent at the same time (connections of the transport's pool).
const FIRST_NOTICE_CONCURRENCY = 5;
// Groups a worker works on at once, whatever the number of imports under way: each holds its
// hundred messages in memory, and PGlite answers one query at a time anyway.
const GROUPS_AT_ONCE = 2;

/** At most `n` at a time; those waiting keep heartbeating so they are not taken for dead. */
function limiter(n: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  const run = async <T>(run: () => Promise<T>): Promise<T> => {
    if (running >= n) {
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat(), Math.max(200, (ctx.info.heartbeatTimeoutMs ?? 30_000) / 4));
      await new Promise<void>((resolve) => waiting.push(resolve)).finally(() => clearInterval(beat));
    } else running += 1;
    try {
      return await run();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
  return Object.assign(run, { busy: () => running > 0 || waiting.length > 0 });
}

/** Waits (heartbeating) while `busy()`: workflow starts give way to confirmations, which members wait for. */
async function giveWay(busy: () => boolean): Promise<void> {
  if (!busy()) return;
  const ctx = Context.current();
  while (busy()) {
    ctx.heartbeat();
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function createNotificationActivities(deps: ActivityDeps) {
  const notifyDeps = { ...deps, messageIdDomain: deps.config.MESSAGE_ID_DOMAIN };
  const { deliverMany, markEmailFailed } = createDelivery(deps);
  const noticeSlots = limiter(GROUPS_AT_ONCE);
  const startSlots = limiter(GROUPS_AT_ONCE);

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
    return noticeSlots(() => sendFirstNoticesNow(bookingIds));
  }

  async function sendFirstNoticesNow(bookingIds: string[]): Promise<BookingNoticesResult> {
    const ctx = Context.current();
    // Beat while preparing too: an attempt taken for dead while it still runs would be retried
    // beside it, and both would send the same messages.
    const beat = setInterval(() => ctx.heartbeat(), Math.max(200, (ctx.info.heartbeatTimeoutMs ?? 30_000) / 4));
    let mine: SentEmail[];
    let errors: Awaited<ReturnType<typeof queueNotices>>['errors'];
    const calendars = new Map<string, Buffer>();
    try {
      const bookings = await deps.prisma.booking.findMany({ where: { id: { in: bookingIds }, sequence: 0, status: { in: ['confirmed', 'waitlisted'] } }, include: noticeBookingInclude });
      const managers = managersOnce(deps.prisma);
      const mails = (await Promise.all(bookings.map((b) => bookingNoticeMails(deps, b, b.status === 'confirmed' ? 'confirmation' : 'waitlisted', undefined, managers, calendars)))).flat();
      const recorded = await queueNotices(notifyDeps, mails);
      errors = recorded.errors;
      // A message already handed to its own send workflow (an earlier try's refusal) is that workflow's.
      mine = recorded.queued.filter((r) => !r.workflowId);
    } finally {
      clearInterval(beat);
    }
    for (const e of errors) deps.logger.error({ err: e.error, idempotencyKey: e.idempotencyKey }, 'booking notice could not be recorded');
    // This attempt was given up (it missed its heartbeats): another one sends these.
    if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? new Error('cancelled');
    const results = await deliverMany(mine.map((r) => r.id), FIRST_NOTICE_CONCURRENCY, mine, undefined, calendars);
    const outcome: BookingNoticesResult = { sent: 0, deferred: 0, failed: errors.length };
    for (const r of results) {
      if (r.ok) outcome.sent += 1;
      else if (r.failure.retryable && deps.temporal) {
        // Refused for now (4xx, connection): the send workflow retries it with backoff.
        await startSendWorkflow({ temporal: deps.temporal, prisma: deps.prisma, config: deps.config }, mine.find((m) => m.id === r.id)!);
        outcome.deferred += 1;
      } else {
        await markEmailFailed(r.id, r.failure.message, r.failure);
        outcome.failed += 1;
      }
    }
    return outcome;
  }

  /**
   * Each booking's own workflow, delayed to its reminder (cancelled ones need none; one already
   * started is left); then every booking of the group is marked, so the sweep passes it by.
   */
  async function startBookingWorkflowsFor(bookingIds: string[]): Promise<{ started: number }> {
    const temporal = needTemporal('startBookingWorkflowsFor');
    return startSlots(async () => {
      await giveWay(noticeSlots.busy);
      const bookings = await deps.prisma.booking.findMany({ where: { id: { in: bookingIds }, status: { not: 'cancelled' } } });
      await startBookingWorkflows({ prisma: deps.prisma, temporal, config: deps.config }, bookings, undefined, () => Context.current().heartbeat());
      await markWorkflowsStarted(deps.prisma, bookingIds);
      return { started: bookings.length };
    });
  }

  /** The sweep: bookings saved by a creation that died before starting their notices workflow. */
  async function startLostBookingNoticesNow(): Promise<{ groups: number; bookings: number }> {
    return startLostBookingNotices({ prisma: deps.prisma, temporal: needTemporal('startLostBookingNotices'), config: deps.config });
  }

  function needTemporal(activity: string) {
    if (!deps.temporal) throw new Error(`${activity} needs a Temporal client`);
    return deps.temporal;
  }

  async function scanValidityAlerts(): Promise<{ alerts: number; digests: number }> {
    return scanValidities(notifyDeps, new Date());
  }

  async function sendDailyBookingDigests(): Promise<{ digests: number }> {
    return sendBookingDigests(notifyDeps, new Date());
  }

  return { loadBookingForWorkflow, sendBookingNotice, sendFirstBookingNotices, startBookingWorkflowsFor, startLostBookingNotices: startLostBookingNoticesNow, scanValidityAlerts, sendDailyBookingDigests };
}
