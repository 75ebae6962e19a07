import type { PrismaClient } from '../generated/prisma/client';
import { addressReasonCode } from './reasons';

/** What happened to the organisation's mail over a period, and which addresses are known bad. */
export async function deliveryStats(prisma: PrismaClient, organizationId: string, range: { from?: Date; to?: Date }) {
  const where = { organizationId, ...(range.from || range.to ? { queuedAt: { gte: range.from, lt: range.to } } : {}) };
  const groups = await prisma.sentEmail.groupBy({ by: ['status', 'templateKey'], where, _count: { _all: true } });
  const byStatus: Record<string, number> = {};
  const templates = new Map<string, { template: string; total: number; byStatus: Record<string, number> }>();
  let total = 0;
  for (const g of groups) {
    const n = g._count._all;
    total += n;
    byStatus[g.status] = (byStatus[g.status] ?? 0) + n;
    const key = g.templateKey ?? '(none)';
    const t = templates.get(key) ?? { template: key, total: 0, byStatus: {} };
    t.total += n;
    t.byStatus[g.status] = (t.byStatus[g.status] ?? 0) + n;
    templates.set(key, t);
  }
  const reasons = await prisma.sentEmail.groupBy({ by: ['bounceReason'], where: { ...where, bounceReason: { not: null } }, _count: { _all: true } });
  const byReason: Record<string, number> = {};
  for (const r of reasons) byReason[r.bounceReason!] = r._count._all;
  const delivered = (byStatus.sent ?? 0) + (byStatus.bounced ?? 0);
  const invalid = await prisma.memberEmail.findMany({ where: { organizationId, invalidAt: { not: null } }, include: { member: true }, orderBy: { invalidAt: 'desc' }, take: 500 });
  return {
    from: range.from?.toISOString() ?? null,
    to: range.to?.toISOString() ?? null,
    total,
    byStatus,
    byTemplate: [...templates.values()].sort((a, b) => b.total - a.total),
    /** Bounced messages by reason (src/delivery/reasons.ts). */
    byReason,
    // Bounced among the messages that left: what providers watch for sender reputation.
    bounceRate: delivered ? Math.round(((byStatus.bounced ?? 0) / delivered) * 10_000) / 10_000 : 0,
    invalidAddresses: invalid.map((e) => ({ memberId: e.memberId, name: `${e.member.lastName.toUpperCase()} ${e.member.firstName}`, address: e.address, reason: e.invalidReason, because: addressReasonCode(e.invalidReason), since: e.invalidAt!.toISOString() })),
  };
}
