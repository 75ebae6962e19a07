import type { Client } from '@temporalio/client';
import { v7 as uuidv7 } from 'uuid';
import type { Config } from '../config';
import type { Booking, PrismaClient } from '../generated/prisma/client';
import { bookingChangedSignal, type BookingChange, type BookingNoticesInput, type BookingWorkflowInput } from '../shared/booking';
import { workflowIds } from '../shared/names';
import { startAttributes } from '../temporal/search-attributes';

interface Deps {
  prisma: PrismaClient;
  temporal: Client;
  config: Config;
}

type Timed = Pick<Booking, 'id' | 'organizationId' | 'memberId' | 'startAt'>;

/** When each booking's reminder is due: start minus the member's lead (else the organisation's); null when the member switched reminders off. */
export async function reminderTimes(prisma: PrismaClient, bookings: Timed[]): Promise<Map<string, Date | null>> {
  const [orgs, prefs] = await Promise.all([
    prisma.organization.findMany({ where: { id: { in: [...new Set(bookings.map((b) => b.organizationId))] } }, select: { id: true, reminderLeadMinutes: true } }),
    prisma.notificationPreference.findMany({ where: { memberId: { in: [...new Set(bookings.map((b) => b.memberId))] } }, select: { memberId: true, reminders: true, reminderLeadMinutes: true } }),
  ]);
  const orgLead = new Map(orgs.map((o) => [o.id, o.reminderLeadMinutes]));
  const prefOf = new Map(prefs.map((p) => [p.memberId, p]));
  return new Map(bookings.map((b) => {
    const p = prefOf.get(b.memberId);
    if (p && !p.reminders) return [b.id, null];
    const lead = p?.reminderLeadMinutes ?? orgLead.get(b.organizationId) ?? 1440;
    return [b.id, new Date(b.startAt.getTime() - lead * 60_000)];
  }));
}

// Workflow starts in flight at once: each is one round trip to Temporal.
const START_CONCURRENCY = 32;

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/**
 * Starts each booking's `booking:<id>` with `startDelay` up to its reminder
 * (up to its start when there is none): until then Temporal holds it as a
 * row, and no worker has it in memory or replays it. Starting one that
 * exists or existed (a repeated import, a change that woke it) changes nothing.
 * Called by the `booking-notices` workflow after the confirmations, not by the
 * creation: a start costs the dev server ~10 ms of CPU, too much for 300 a second.
 */
export async function startBookingWorkflows(deps: Deps, bookings: Booking[], now = new Date(), progress?: () => void): Promise<void> {
  const reminders = await reminderTimes(deps.prisma, bookings);
  await eachLimited(bookings, START_CONCURRENCY, async (b) => {
    progress?.();
    const madeAt = b.createdAt;
    const reminderAt = reminders.get(b.id) ?? null;
    const wake = b.status === 'confirmed' && reminderAt && reminderAt > madeAt ? reminderAt : b.startAt;
    try {
      await deps.temporal.workflow.start('bookingWorkflow', {
        taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
        workflowId: workflowIds.booking(b.id),
        args: [{ bookingId: b.id, organizationId: b.organizationId, firstNoticeSent: true, madeAt: madeAt.toISOString() } satisfies BookingWorkflowInput],
        typedSearchAttributes: startAttributes(deps.config, b.organizationId),
        startDelay: Math.max(0, wake.getTime() - now.getTime()),
        // A booking's workflow that ran already (woken by a change, perhaps ended) is not run again.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
    }
  });
}

/** One `booking-notices` workflow for the first notices of bookings created together. */
export async function startFirstNotices(deps: Deps, organizationId: string, bookingIds: string[]): Promise<void> {
  if (!bookingIds.length) return;
  try {
    await deps.temporal.workflow.start('bookingNoticesWorkflow', {
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      workflowId: workflowIds.bookingNotices(uuidv7()),
      args: [{ organizationId, bookingIds, heartbeatSeconds: deps.config.SEND_HEARTBEAT_SECONDS } satisfies BookingNoticesInput],
      typedSearchAttributes: startAttributes(deps.config, organizationId),
      staticSummary: `First notices of ${bookingIds.length} booking(s)`,
    });
  } catch (err) {
    if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
  }
}

/**
 * Single creations arriving together share one notices workflow: a booking
 * joins the group being filled, which is started after a few milliseconds
 * (or when full), and its creation answers once that start is recorded.
 */
const GATHER_MS = 15;
const GATHER_MAX = 200;
const gatherers = new WeakMap<Client, Map<string, { ids: string[]; started: Promise<void> }>>();

export function noticeWithOthers(deps: Deps, organizationId: string, bookingId: string): Promise<void> {
  let open = gatherers.get(deps.temporal);
  if (!open) gatherers.set(deps.temporal, (open = new Map()));
  const key = `${deps.config.TEMPORAL_TASK_QUEUE}\n${organizationId}`;
  const group = open.get(key);
  if (group && group.ids.length < GATHER_MAX) {
    group.ids.push(bookingId);
    return group.started;
  }
  const ids = [bookingId];
  const started = new Promise<void>((resolve) => setTimeout(resolve, GATHER_MS)).then(() => {
    if (open.get(key)?.ids === ids) open.delete(key);
    return startFirstNotices(deps, organizationId, ids);
  });
  open.set(key, { ids, started });
  return started;
}

/**
 * Tells `booking:<id>` about a change by signal-with-start: a workflow still
 * waiting for its delayed start ignores a plain signal, and one that ended
 * (its booking started) is run again to tell the member.
 */
export async function signalBooking(deps: Deps, b: Pick<Booking, 'id' | 'organizationId'>, change: BookingChange): Promise<void> {
  await deps.temporal.workflow.signalWithStart('bookingWorkflow', {
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    workflowId: workflowIds.booking(b.id),
    args: [{ bookingId: b.id, organizationId: b.organizationId, firstNoticeSent: true, madeAt: new Date().toISOString() } satisfies BookingWorkflowInput],
    typedSearchAttributes: startAttributes(deps.config, b.organizationId),
    signal: bookingChangedSignal,
    signalArgs: [change],
  });
}
