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

/**
 * One `booking-notices` workflow for the first notices of bookings created
 * together, under the id the bookings recorded when they were saved. Started
 * once: a second start (the sweep, a repeated call) changes nothing.
 */
export async function startFirstNotices(deps: Deps, organizationId: string, bookingIds: string[], workflowId: string): Promise<void> {
  if (!bookingIds.length) return;
  try {
    await deps.temporal.workflow.start('bookingNoticesWorkflow', {
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [{ organizationId, bookingIds, heartbeatSeconds: deps.config.SEND_HEARTBEAT_SECONDS } satisfies BookingNoticesInput],
      typedSearchAttributes: startAttributes(deps.config, organizationId),
      staticSummary: `First notices of ${bookingIds.length} booking(s)`,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
  }
}

/** A new group's workflow id. */
export const newNoticesWorkflowId = () => workflowIds.bookingNotices(uuidv7());

/**
 * Single creations arriving together share one notices workflow. A creation
 * takes a place in the group being filled before it saves its booking (the
 * booking records the group's workflow id), then fills the place with its
 * booking, or gives it back (`null`) when it made none. The group's workflow
 * is started after a few milliseconds (or once full) when every place taken is
 * settled; a creation answers once that start is recorded.
 */
const GATHER_MS = 15;
const GATHER_MAX = 200;
interface Group {
  workflowId: string;
  ids: string[];
  taken: number;
  wake?: () => void;
  started: Promise<void>;
}
const gatherers = new WeakMap<Client, Map<string, Group>>();

export interface NoticePlace {
  workflowId: string;
  fill(bookingId: string | null): Promise<void>;
}

export function takeNoticePlace(deps: Deps, organizationId: string): NoticePlace {
  let open = gatherers.get(deps.temporal);
  if (!open) gatherers.set(deps.temporal, (open = new Map()));
  const key = `${deps.config.TEMPORAL_TASK_QUEUE}\n${organizationId}`;
  let group = open.get(key);
  if (!group || group.taken + group.ids.length >= GATHER_MAX) {
    const g: Group = { workflowId: newNoticesWorkflowId(), ids: [], taken: 0, started: Promise.resolve() };
    g.started = (async () => {
      await new Promise((r) => setTimeout(r, GATHER_MS));
      if (open.get(key) === g) open.delete(key);
      // Creations still saving their booking belong to this group: wait for them.
      while (g.taken > 0) await new Promise<void>((r) => (g.wake = r));
      await startFirstNotices(deps, organizationId, g.ids, g.workflowId);
    })();
    // Each filler awaits it; one that gave its place back does not, and must not see it reject.
    g.started.catch(() => undefined);
    open.set(key, (group = g));
  }
  const g = group;
  g.taken += 1;
  let settled = false;
  return {
    workflowId: g.workflowId,
    fill(bookingId) {
      if (settled) return bookingId ? g.started : Promise.resolve();
      settled = true;
      if (bookingId) g.ids.push(bookingId);
      g.taken -= 1;
      if (g.taken === 0) g.wake?.();
      return bookingId ? g.started : Promise.resolve();
    },
  };
}

/** Bookings whose `booking:<id>` workflow is started (or was, or needs none): the sweep passes them by. */
export async function markWorkflowsStarted(prisma: PrismaClient, bookingIds: string[], at = new Date()): Promise<void> {
  if (bookingIds.length) await prisma.booking.updateMany({ where: { id: { in: bookingIds }, workflowStartedAt: null }, data: { workflowStartedAt: at } });
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
