import type { PrismaClient } from '../generated/prisma/client';
import { normalizeAddress } from '../mail/addresses';
import { invalid, notFound, problem } from '../shared/errors';
import { fieldError } from '../shared/field-reasons';

/**
 * Files a received mail (and its attachments) on a member by hand; assigning
 * again moves them. Optionally adds the sender's address to the member so the
 * next mail from it files itself.
 */
export async function assignReceivedMail(prisma: PrismaClient, input: { organizationId: string; mailId: string; memberId: string; addAddress?: boolean; byKeyId: string }) {
  const mail = await prisma.receivedMail.findFirst({ where: { id: input.mailId, organizationId: input.organizationId }, include: { attachments: true } });
  if (!mail) throw notFound(`Received mail ${input.mailId}`);
  const member = await prisma.member.findFirst({ where: { id: input.memberId, organizationId: input.organizationId }, include: { emails: true } });
  if (!member) throw invalid([fieldError('body.memberId', 'NO_SUCH_MEMBER')], 'memberId: no such member');
  if (mail.category === 'quarantined') throw problem('CONFLICT', 'QUARANTINED_NOT_FILED');
  return prisma.$transaction(async (tx) => {
    await tx.document.updateMany({ where: { id: { in: mail.attachments.map((a) => a.documentId) }, organizationId: input.organizationId }, data: { memberId: member.id } });
    let addressAdded = false;
    if (input.addAddress && mail.fromAddress) {
      const normalized = normalizeAddress(mail.fromAddress);
      if (!member.emails.some((e) => e.normalized === normalized)) {
        await tx.memberEmail.create({ data: { organizationId: input.organizationId, memberId: member.id, address: mail.fromAddress, normalized, label: 'added from a received mail', position: member.emails.length } });
        addressAdded = true;
      }
    }
    const updated = await tx.receivedMail.update({
      where: { id: mail.id },
      data: { memberId: member.id, category: 'filed', reason: null, candidates: [], assignedByKeyId: input.byKeyId, assignedAt: new Date() },
    });
    return { mail: updated, addressAdded };
  });
}
