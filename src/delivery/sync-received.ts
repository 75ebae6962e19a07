import type { AlertDeps } from '../alerts/raise-alert';
import type { Storage } from '../storage';
import { applyDeliveryReport, type AppliedReport } from './apply-report';

/**
 * Delivery reports that arrived in the organisation's main mailbox: reception
 * set them aside (category `report`); each is applied once, keyed by the
 * received mail's id.
 */
export async function syncReceivedReports(deps: AlertDeps & { storage: Storage }, organizationId: string, limit = 200): Promise<{ processed: number; outcomes: Record<string, number> }> {
  const { prisma } = deps;
  const candidates = await prisma.receivedMail.findMany({ where: { organizationId, category: 'report' }, orderBy: { receivedAt: 'asc' }, select: { id: true, rawStorageKey: true }, take: 5000 });
  const keys = candidates.map((c) => `received:${c.id}`);
  const done = new Set(
    (await prisma.deliveryReport.findMany({ where: { organizationId, sourceKey: { in: [...keys, ...keys.map((k) => `${k}#0`)] } }, select: { sourceKey: true } })).map((r) => r.sourceKey.replace(/#\d+$/, '')),
  );
  const outcomes: Record<string, number> = {};
  let processed = 0;
  for (const c of candidates) {
    if (processed >= limit) break;
    const key = `received:${c.id}`;
    if (done.has(key)) continue;
    const applied: AppliedReport = await applyDeliveryReport(deps, organizationId, key, await deps.storage.read(c.rawStorageKey));
    outcomes[applied.kind] = (outcomes[applied.kind] ?? 0) + 1;
    processed += 1;
  }
  return { processed, outcomes };
}
