import type { Prisma, PrismaClient, SentEmailStatus } from '../generated/prisma/client';
import { invalid } from '../shared/errors';
import { fieldError } from '../shared/field-reasons';

/** What a purge may remove: messages still on their way are never purged from under their workflow. */
export const PURGEABLE_STATUSES = ['sent', 'failed', 'bounced', 'cancelled'] as const satisfies readonly SentEmailStatus[];
const purgeable = (status: SentEmailStatus): boolean => (PURGEABLE_STATUSES as readonly string[]).includes(status);

/**
 * Which log entries a bulk purge removes: queued before `before`, of one status
 * or of every finished status. Messages still on their way are never purged
 * from under their workflow.
 */
export function purgeWhere(organizationId: string, before: Date, status?: SentEmailStatus): Prisma.SentEmailWhereInput {
  if (status && !purgeable(status)) throw invalid([fieldError('query.status', 'PURGE_IN_FLIGHT')], 'messages still being sent cannot be purged');
  return { organizationId, queuedAt: { lt: before }, ...(status ? { status } : { status: { in: [...PURGEABLE_STATUSES] } }) };
}

/** How many entries a purge with these criteria would remove (shown before staff confirm). */
export async function countPurge(prisma: PrismaClient, organizationId: string, before: Date, status?: SentEmailStatus): Promise<number> {
  return prisma.sentEmail.count({ where: purgeWhere(organizationId, before, status) });
}
