import type { PrismaClient } from '../generated/prisma/client';
import type { Storage } from '../storage';
import { storedMessageKeys } from '../mail/stored-message';

/**
 * Deletes sent-log entries older than each organisation's retention period
 * (and their stored files), in batches. Documents are left alone: they belong
 * to members, not to the log.
 */
export async function purgeExpiredSentEmails(
  deps: { prisma: PrismaClient; storage: Storage },
  opts: { now?: Date; batchSize?: number; heartbeat?: (deleted: number) => void } = {},
): Promise<{ deleted: number; organizations: number }> {
  const now = opts.now ?? new Date();
  const batchSize = opts.batchSize ?? 500;
  let deleted = 0;
  const orgs = await deps.prisma.organization.findMany({ select: { id: true, retentionDays: true } });
  for (const org of orgs) {
    const before = new Date(now.getTime() - org.retentionDays * 24 * 3600 * 1000);
    for (;;) {
      const rows = await deps.prisma.sentEmail.findMany({
        where: { organizationId: org.id, queuedAt: { lt: before }, status: { notIn: ['queued', 'sending'] } },
        select: { id: true, messageKey: true },
        take: batchSize,
      });
      if (!rows.length) break;
      const ids = rows.map((r) => r.id);
      const res = await deps.prisma.sentEmail.deleteMany({ where: { id: { in: ids } } });
      await Promise.all(rows.flatMap((row) => storedMessageKeys(row).map((key) => deps.storage.remove(key))));
      deleted += res.count;
      opts.heartbeat?.(deleted);
    }
  }
  return { deleted, organizations: orgs.length };
}
