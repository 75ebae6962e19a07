import type { PrismaClient, SmtpAccount } from '../generated/prisma/client';
import { notFound, problem } from '../shared/errors';

/** The organisation's account (structureId null) or a structure's own; the caller's organisation only. */
export async function findAccount(prisma: PrismaClient, organizationId: string, structureId: string | null): Promise<SmtpAccount | null> {
  if (structureId) {
    const s = await prisma.structure.findFirst({ where: { id: structureId, organizationId }, select: { id: true } });
    if (!s) throw notFound(`Structure ${structureId}`);
  }
  return prisma.smtpAccount.findFirst({ where: { organizationId, structureId } });
}

export async function saveAccount(prisma: PrismaClient, organizationId: string, structureId: string | null, data: Partial<Omit<SmtpAccount, 'id' | 'organizationId' | 'structureId' | 'createdAt' | 'updatedAt'>> & { fromAddress: string }): Promise<SmtpAccount> {
  const existing = await findAccount(prisma, organizationId, structureId);
  // Unique (organizationId, structureId) does not stop two NULL structure rows in PostgreSQL, hence find-then-write.
  if (existing) return prisma.smtpAccount.update({ where: { id: existing.id }, data });
  return prisma.smtpAccount.create({ data: { organizationId, structureId, ...data } });
}

export function presentAccount(a: SmtpAccount) {
  return {
    id: a.id,
    structureId: a.structureId,
    provider: a.provider,
    host: a.host,
    port: a.port,
    security: a.security,
    username: a.username,
    fromAddress: a.fromAddress,
    fromName: a.fromName,
    replyTo: a.replyTo,
    // Secrets never leave: say only whether they are set.
    passwordSet: Boolean(a.passwordEnc),
    oauthConnected: Boolean(a.oauthRefreshTokenEnc),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export function requireAccount(a: SmtpAccount | null): SmtpAccount {
  if (!a) throw problem('NOT_FOUND', 'NO_SENDING_ACCOUNT');
  return a;
}
