import type { PrismaClient } from '../generated/prisma/client';
import { normalizeAddress } from '../mail/addresses';
import { reasonText } from './reasons';

export interface SenderMatch {
  category: 'filed' | 'unassigned';
  memberId: string | null;
  candidates: string[];
  reason: string | null;
}

/**
 * The sender address (case-insensitive, display name ignored) among the
 * organisation's member addresses: one member → filed on them; several → left
 * for staff with the candidates; none → left for staff with the reason.
 */
export async function matchSender(prisma: PrismaClient, organizationId: string, from: string | null): Promise<SenderMatch> {
  if (!from) return decide(from, []);
  const rows = await prisma.memberEmail.findMany({ where: { organizationId, normalized: normalizeAddress(from) }, select: { memberId: true } });
  return decide(from, rows.map((r) => r.memberId));
}

/**
 * The same decision for a whole batch from one query: the organisation's
 * addresses are loaded once per poll instead of once per mail.
 */
export async function batchMatcher(prisma: PrismaClient, organizationId: string): Promise<(from: string | null) => Promise<SenderMatch>> {
  const byAddress = new Map<string, string[]>();
  for (const row of await prisma.memberEmail.findMany({ where: { organizationId }, select: { normalized: true, memberId: true } })) {
    byAddress.set(row.normalized, [...(byAddress.get(row.normalized) ?? []), row.memberId]);
  }
  return async (from) => decide(from, from ? (byAddress.get(normalizeAddress(from)) ?? []) : []);
}

function decide(from: string | null, memberIds: string[]): SenderMatch {
  if (!from) return { category: 'unassigned', memberId: null, candidates: [], reason: reasonText('NO_SENDER', undefined) };
  const members = [...new Set(memberIds)];
  if (members.length === 1) return { category: 'filed', memberId: members[0]!, candidates: [], reason: null };
  if (members.length > 1) return { category: 'unassigned', memberId: null, candidates: members, reason: reasonText('SHARED_ADDRESS', { from, count: members.length }) };
  return { category: 'unassigned', memberId: null, candidates: [], reason: reasonText('UNKNOWN_SENDER', { from }) };
}
