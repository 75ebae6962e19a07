import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { PrismaClient } from '../generated/prisma/client';
import { newNoticesWorkflowId, startFirstNotices } from './booking-start';

interface Deps {
  prisma: PrismaClient;
  temporal: Client;
  config: Config;
}

/** A booking this recent may still be with the creation that saved it, about to start its group. */
const GRACE_MS = 60_000;
/** Bookings taken per sweep; the rest wait for the next one. */
const SWEEP_LIMIT = 5_000;

/**
 * Bookings saved whose workflow was never started: the creation saved them,
 * with the id of the `booking-notices` workflow that was to confirm them, and
 * died before starting it (or that workflow ended without marking them). The
 * bookings are the outbox, the workflow id its idempotency key:
 *
 * - a group whose workflow never started is started now, under its own id;
 * - one still running is left to finish (starting it again is refused);
 * - one that ended without marking some of its bookings (they joined after
 *   its start, or it failed) hands them to a new group, recorded on the
 *   bookings first.
 *
 * Their mails keep their idempotency keys, so a booking confirmed before the
 * crash is not confirmed twice.
 */
export async function startLostBookingNotices(deps: Deps, now = new Date()): Promise<{ groups: number; bookings: number }> {
  const lost = await deps.prisma.booking.findMany({
    where: { workflowStartedAt: null, createdAt: { lt: new Date(now.getTime() - GRACE_MS) } },
    select: { id: true, organizationId: true, noticesWorkflowId: true },
    orderBy: { createdAt: 'asc' },
    take: SWEEP_LIMIT,
  });
  const groups = new Map<string, { organizationId: string; workflowId: string | null; ids: string[] }>();
  for (const b of lost) {
    const key = `${b.organizationId}\n${b.noticesWorkflowId ?? ''}`;
    if (!groups.has(key)) groups.set(key, { organizationId: b.organizationId, workflowId: b.noticesWorkflowId, ids: [] });
    groups.get(key)!.ids.push(b.id);
  }
  let started = 0;
  for (const g of groups.values()) {
    const run = g.workflowId ? await describe(deps.temporal, g.workflowId) : null;
    if (g.workflowId && !run) {
      // Never started: under the id its bookings recorded (a start racing this one changes nothing).
      await startFirstNotices(deps, g.organizationId, g.ids, g.workflowId);
      started += 1;
      continue;
    }
    if (run?.status.name === 'RUNNING') continue;
    const workflowId = newNoticesWorkflowId();
    const moved = await deps.prisma.booking.updateMany({ where: { id: { in: g.ids }, workflowStartedAt: null, noticesWorkflowId: g.workflowId }, data: { noticesWorkflowId: workflowId } });
    if (!moved.count) continue;
    const ids = (await deps.prisma.booking.findMany({ where: { noticesWorkflowId: workflowId }, select: { id: true } })).map((b) => b.id);
    await startFirstNotices(deps, g.organizationId, ids, workflowId);
    started += 1;
  }
  return { groups: started, bookings: lost.length };
}

async function describe(temporal: Client, workflowId: string) {
  try {
    return await temporal.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return null;
    throw err;
  }
}
