import { notFound } from '../shared/errors';
import { formatAmount } from '../invoices/format';
import { notifyMember, type NotifyDeps } from './notify';

/**
 * A new balance: crossing below the threshold sends one alert; no new alert
 * until the balance has gone back to the threshold or above.
 */
export async function setBalance(deps: NotifyDeps, organizationId: string, memberId: string, input: { balance: number; threshold?: number | null; currency?: string }) {
  const { prisma } = deps;
  const m = await prisma.member.findFirst({ where: { id: memberId, organizationId } });
  if (!m) throw notFound(`Member ${memberId}`);
  const balanceCents = Math.round(input.balance * 100);
  const thresholdCents = input.threshold === undefined ? m.lowBalanceThresholdCents : input.threshold === null ? null : Math.round(input.threshold * 100);
  const below = thresholdCents !== null && balanceCents < thresholdCents;
  let alerted = false;
  let alertedAt = m.lowBalanceAlertedAt;
  if (below && !m.lowBalanceAlertedAt) {
    alertedAt = new Date();
    // Claim the crossing first: two concurrent updates send one alert.
    const { count } = await prisma.member.updateMany({ where: { id: m.id, lowBalanceAlertedAt: null }, data: { lowBalanceAlertedAt: alertedAt } });
    if (count) {
      const currency = input.currency ?? 'EUR';
      await notifyMember(deps, {
        organizationId, memberId: m.id, kind: 'balance', templateKey: 'balance.low',
        data: { solde: formatAmount(balanceCents, currency), seuil: formatAmount(thresholdCents!, currency) },
        idempotencyKey: `balance:${m.id}:${alertedAt.toISOString()}`, relatedType: 'member', relatedId: m.id,
      });
      alerted = true;
    }
  } else if (!below) {
    alertedAt = null;
  }
  const updated = await prisma.member.update({ where: { id: m.id }, data: { balanceCents, lowBalanceThresholdCents: thresholdCents, lowBalanceAlertedAt: alertedAt } });
  return { balance: balanceCents / 100, threshold: thresholdCents === null ? null : thresholdCents / 100, below, alerted, alertedAt: updated.lowBalanceAlertedAt?.toISOString() ?? null };
}
