import { v7 as uuidv7 } from 'uuid';
import type { PrismaClient } from '../generated/prisma/client';
import { normalizeAddress, parseAddress } from '../mail/addresses';
import type { Reason } from './reasons';

export type RecipientStatus = 'accepted' | 'rejected' | 'bounced' | 'delayed' | 'delivered';

// A later, weaker report never overrides a final outcome (a delay notice arriving after the bounce).
const RANK: Record<RecipientStatus, number> = { accepted: 0, delayed: 1, delivered: 2, rejected: 3, bounced: 3 };

/** Records what happened to one recipient of a sent message. */
export async function setRecipientStatus(prisma: PrismaClient, sentEmailId: string, address: string, status: RecipientStatus, reason?: string | null, bounceReason?: Reason | null): Promise<void> {
  const plain = parseAddress(address)?.address ?? address;
  const normalized = normalizeAddress(plain);
  const current = await prisma.sentEmailRecipient.findUnique({ where: { sentEmailId_normalized: { sentEmailId, normalized } } });
  if (current && RANK[current.status as RecipientStatus] > RANK[status]) return;
  await prisma.sentEmailRecipient.upsert({
    where: { sentEmailId_normalized: { sentEmailId, normalized } },
    create: { sentEmailId, address: plain, normalized, status, reason: reason ?? null, bounceReason: bounceReason ?? null },
    update: { status, reason: reason ?? null, bounceReason: bounceReason ?? null },
  });
}

/** A recipient row for an address the server accepted (every column, for a bulk insert). */
export function acceptedRecipient(sentEmailId: string, address: string, at: Date) {
  const plain = parseAddress(address)?.address ?? address;
  return { id: uuidv7(), sentEmailId, address: plain, normalized: normalizeAddress(plain), status: 'accepted', reason: null, bounceReason: null, updatedAt: at };
}

/**
 * A hard bounce or a 5xx at RCPT TO: the address does not work. Every member
 * address equal to it in the organisation is flagged, so staff see it on the
 * member and invoice batches leave it out.
 */
export async function flagInvalidAddress(prisma: PrismaClient, organizationId: string, address: string, reason: string): Promise<number> {
  const normalized = normalizeAddress(parseAddress(address)?.address ?? address);
  const { count } = await prisma.memberEmail.updateMany({ where: { organizationId, normalized }, data: { invalidAt: new Date(), invalidReason: reason.slice(0, 1000) } });
  return count;
}
