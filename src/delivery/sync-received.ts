import type { AlertDeps } from '../alerts/raise-alert';
import type { Storage } from '../storage';
import { applyDeliveryReport, type AppliedReport } from './apply-report';

/**
 * Delivery reports that arrived in the organisation's main mailbox: reception
 * set them aside (category `report`); each is applied once, keyed by the
 * received mail's id. Only reports without a DeliveryReport row are read, so a
 * sync costs what is new, not the whole history.
 */
export async function syncReceivedReports(deps: AlertDeps & { storage: Storage }, organizationId: string, limit = 200): Promise<{ processed: number; outcomes: Record<string, number> }> {
  const pending = await deps.prisma.$queryRaw<{ id: string; rawStorageKey: string }[]>`
    SELECT r."id", r."rawStorageKey" FROM "ReceivedMail" r
     WHERE r."organizationId" = ${organizationId} AND r."category" = 'report'
       AND NOT EXISTS (SELECT 1 FROM "DeliveryReport" d WHERE d."organizationId" = r."organizationId"
                          AND d."sourceKey" IN ('received:' || r."id", 'received:' || r."id" || '#0'))
     ORDER BY r."receivedAt" LIMIT ${limit}`;
  const outcomes: Record<string, number> = {};
  for (const mail of pending) {
    const applied: AppliedReport = await applyDeliveryReport(deps, organizationId, `received:${mail.id}`, await deps.storage.read(mail.rawStorageKey));
    outcomes[applied.kind] = (outcomes[applied.kind] ?? 0) + 1;
  }
  return { processed: pending.length, outcomes };
}
