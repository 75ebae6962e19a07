import type { PrismaClient } from '../generated/prisma/client';
import { normalizeAddress, parseAddress } from '../mail/addresses';
import { flagInvalidAddress } from './recipients';
import { bounceInvalidText, REASONS, softBouncesInvalidText, SOFT_BOUNCE_RULE, type Reason } from './reasons';

/**
 * What a delivery outcome does to the member's address, by reason:
 * - a dead address (user/host unknown, moved, null MX) is flagged invalid at once;
 * - a soft bounce of the kinds in SOFT_BOUNCE_RULE extends a streak; the
 *   address is flagged only when the streak reaches `count` bounces spread
 *   over at least `days` days (a mailbox full for weeks is abandoned), the way
 *   large senders turn repeated soft bounces into a hard one;
 * - a delivery ends the streak;
 * - blocks, spam refusals, policy and authentication failures leave the
 *   address alone: they are about our mail, not the member's address.
 */
const keyOf = (address: string) => normalizeAddress(parseAddress(address)?.address ?? address);

export async function applyAddressOutcome(prisma: PrismaClient, organizationId: string, address: string, reason: Reason, words: string, now = new Date()): Promise<'flagged' | 'streak' | 'reset' | 'none'> {
  const normalized = keyOf(address);
  if (REASONS[reason].deadAddress) {
    await flagInvalidAddress(prisma, organizationId, address, bounceInvalidText(reason, words));
    return 'flagged';
  }
  if (reason === 'delivered') {
    await prisma.memberEmail.updateMany({ where: { organizationId, normalized, softBounceCount: { gt: 0 } }, data: { softBounceCount: 0, softBounceSince: null } });
    return 'reset';
  }
  if (!SOFT_BOUNCE_RULE.reasons.includes(reason)) return 'none';
  const emails = await prisma.memberEmail.findMany({ where: { organizationId, normalized } });
  let flagged = false;
  for (const e of emails) {
    const since = e.softBounceSince ?? now;
    const count = e.softBounceCount + 1;
    await prisma.memberEmail.update({ where: { id: e.id }, data: { softBounceCount: count, softBounceSince: since } });
    const days = (now.getTime() - since.getTime()) / 86_400_000;
    if (!e.invalidAt && count >= SOFT_BOUNCE_RULE.count && days >= SOFT_BOUNCE_RULE.days) {
      await prisma.memberEmail.update({
        where: { id: e.id },
        data: { invalidAt: now, invalidReason: softBouncesInvalidText(count, Math.floor(days), reason, words) },
      });
      flagged = true;
    }
  }
  return flagged ? 'flagged' : emails.length ? 'streak' : 'none';
}

/**
 * RFC 5965 complaint: recorded on the address, and the member's non-essential
 * notifications (reminders, maintenance, validity, balance) are switched off.
 * Booking confirmations, invoices and password resets still go: they answer
 * something the member or staff did.
 */
export async function recordComplaint(prisma: PrismaClient, organizationId: string, address: string, now = new Date()): Promise<string[]> {
  const normalized = keyOf(address);
  const emails = await prisma.memberEmail.findMany({ where: { organizationId, normalized } });
  if (!emails.length) return [];
  await prisma.memberEmail.updateMany({ where: { id: { in: emails.map((e) => e.id) } }, data: { complainedAt: now } });
  const memberIds = [...new Set(emails.map((e) => e.memberId))];
  const off = { reminders: false, maintenance: false, validity: false, balance: false };
  for (const memberId of memberIds) {
    await prisma.notificationPreference.upsert({ where: { memberId }, create: { organizationId, memberId, ...off }, update: off });
  }
  return memberIds;
}
