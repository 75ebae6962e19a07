import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { addressReasonCode } from '../delivery/reasons';
import { normalizeAddress, parseAddress } from '../mail/addresses';
import { invalid, notFound, validationError } from '../shared/errors';
import { fieldError } from '../shared/field-reasons';

export interface MemberEmailInput {
  address: string;
  label?: string | null;
}

export interface MemberInput {
  firstName: string;
  lastName: string;
  licenceNumber?: string | null;
  structureId?: string | null;
  roles?: string[];
  emails?: MemberEmailInput[];
}

export const memberInclude = { emails: { orderBy: { position: 'asc' } } } as const satisfies Prisma.MemberInclude;
export type MemberWithEmails = Prisma.MemberGetPayload<{ include: typeof memberInclude }>;

/** What a member's answer shows (the list reads it by SQL, the other routes through Prisma). */
export type MemberView = Pick<MemberWithEmails, 'id' | 'firstName' | 'lastName' | 'licenceNumber' | 'structureId' | 'roles' | 'createdAt' | 'updatedAt'> & {
  emails: (Pick<MemberWithEmails['emails'][number], 'address' | 'label' | 'position' | 'invalidReason'> & { invalidAt: Date | string | null })[];
};

export function presentMember(m: MemberView) {
  return {
    id: m.id,
    firstName: m.firstName,
    lastName: m.lastName,
    licenceNumber: m.licenceNumber,
    structureId: m.structureId,
    roles: m.roles,
    emails: m.emails.map((e) => ({
      address: e.address,
      label: e.label,
      position: e.position,
      invalid: e.invalidAt !== null,
      invalidReason: e.invalidReason,
      invalidBecause: addressReasonCode(e.invalidReason),
    })),
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

function checkEmails(emails: MemberEmailInput[]): { address: string; normalized: string; label: string | null; position: number }[] {
  const seen = new Set<string>();
  return emails.map((e, position) => {
    const parsed = parseAddress(e.address);
    if (!parsed) throw validationError(`body.emails.${position}.address`, 'EMAIL');
    const normalized = normalizeAddress(parsed.address);
    if (seen.has(normalized)) throw invalid([fieldError(`body.emails.${position}.address`, 'ADDRESS_TWICE')], `body.emails.${position}.address: listed twice`);
    seen.add(normalized);
    return { address: parsed.address, normalized, label: e.label ?? null, position };
  });
}

async function checkStructure(prisma: PrismaClient, organizationId: string, structureId?: string | null) {
  if (!structureId) return;
  const found = await prisma.structure.findFirst({ where: { id: structureId, organizationId }, select: { id: true } });
  if (!found) throw invalid([fieldError('body.structureId', 'NO_SUCH_STRUCTURE')], 'body.structureId: no such structure');
}

export async function createMember(prisma: PrismaClient, organizationId: string, input: MemberInput): Promise<MemberWithEmails> {
  await checkStructure(prisma, organizationId, input.structureId);
  const emails = checkEmails(input.emails ?? []);
  return prisma.member.create({
    data: {
      organizationId,
      firstName: input.firstName,
      lastName: input.lastName,
      licenceNumber: input.licenceNumber ?? null,
      structureId: input.structureId ?? null,
      roles: input.roles ?? [],
      emails: { create: emails.map((e) => ({ ...e, organizationId })) },
    },
    include: memberInclude,
  });
}

export async function getMember(prisma: PrismaClient, organizationId: string, id: string): Promise<MemberWithEmails> {
  const member = await prisma.member.findFirst({ where: { id, organizationId }, include: memberInclude });
  if (!member) throw notFound(`Member ${id}`);
  return member;
}

/** Updates the given fields; `emails`, when given, replaces the list (bounce flags kept for addresses that stay). */
export async function updateMember(prisma: PrismaClient, organizationId: string, id: string, input: Partial<MemberInput>): Promise<MemberWithEmails> {
  const current = await getMember(prisma, organizationId, id);
  if (input.structureId !== undefined) await checkStructure(prisma, organizationId, input.structureId);
  const emails = input.emails ? checkEmails(input.emails) : undefined;
  return prisma.$transaction(async (tx) => {
    if (emails) {
      const keep = new Map(current.emails.map((e) => [e.normalized, e]));
      await tx.memberEmail.deleteMany({ where: { memberId: id, normalized: { notIn: emails.map((e) => e.normalized) } } });
      for (const e of emails) {
        if (keep.has(e.normalized)) {
          await tx.memberEmail.update({ where: { id: keep.get(e.normalized)!.id }, data: { address: e.address, label: e.label, position: e.position } });
        } else {
          await tx.memberEmail.create({ data: { ...e, organizationId, memberId: id } });
        }
      }
    }
    return tx.member.update({
      where: { id },
      data: {
        firstName: input.firstName,
        lastName: input.lastName,
        licenceNumber: input.licenceNumber,
        structureId: input.structureId,
        roles: input.roles,
      },
      include: memberInclude,
    });
  });
}

export async function deleteMember(prisma: PrismaClient, organizationId: string, id: string): Promise<void> {
  const { count } = await prisma.member.deleteMany({ where: { id, organizationId } });
  if (!count) throw notFound(`Member ${id}`);
}
