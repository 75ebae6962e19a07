import type { Organization, PrismaClient, User } from '../generated/prisma/client';
import type { UserRole } from '../generated/prisma/enums';
import { notFound, problem } from '../shared/errors';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export interface SessionInfo {
  user: { id: string; email: string; name: string | null; role: UserRole; language: 'fr' | 'en' | null };
  organization: { id: string; name: string; language: string; timeZone: string };
  csrfToken: string;
}

export function sessionInfo(user: User, org: Organization, csrfToken: string): SessionInfo {
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role, language: user.language === 'fr' || user.language === 'en' ? user.language : null },
    organization: { id: org.id, name: org.name, language: org.locale, timeZone: org.timeZone },
    csrfToken,
  };
}

export const userStatus = (u: Pick<User, 'passwordHash'>) => (u.passwordHash ? ('active' as const) : ('invited' as const));

export function presentUser(u: User) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt.toISOString(), lastLoginAt: u.lastLoginAt?.toISOString() ?? null, status: userStatus(u) };
}

export async function findUser(prisma: PrismaClient, organizationId: string, id: string): Promise<User> {
  const user = await prisma.user.findFirst({ where: { id, organizationId } });
  if (!user) throw notFound('User');
  return user;
}

/**
 * Changes a user's role or name. The organisation must keep at least one
 * active admin: demoting the last one is refused (409). The check and the
 * change run in one serializable transaction so two admins demoting each
 * other at once cannot both succeed.
 */
export async function updateUser(prisma: PrismaClient, organizationId: string, id: string, patch: { role?: UserRole; name?: string | null }): Promise<User> {
  return prisma.$transaction(
    async (tx) => {
      const user = await tx.user.findFirst({ where: { id, organizationId } });
      if (!user) throw notFound('User');
      if (patch.role === 'staff' && user.role === 'admin') await keepAnAdmin(tx as unknown as PrismaClient, organizationId, id, 'demote');
      return tx.user.update({ where: { id }, data: patch });
    },
    { isolationLevel: 'Serializable' },
  );
}

/** Removes a user (their sessions and invitations go with them, by cascade); never the last admin. */
export async function removeUser(prisma: PrismaClient, organizationId: string, id: string): Promise<void> {
  await prisma.$transaction(
    async (tx) => {
      const user = await tx.user.findFirst({ where: { id, organizationId } });
      if (!user) throw notFound('User');
      if (user.role === 'admin') await keepAnAdmin(tx as unknown as PrismaClient, organizationId, id, 'remove');
      await tx.user.delete({ where: { id } });
    },
    { isolationLevel: 'Serializable' },
  );
}

async function keepAnAdmin(tx: PrismaClient, organizationId: string, exceptId: string, action: 'demote' | 'remove'): Promise<void> {
  const others = await tx.user.count({ where: { organizationId, role: 'admin', id: { not: exceptId }, passwordHash: { not: null } } });
  if (others === 0) throw problem('CONFLICT', action === 'demote' ? 'LAST_ADMIN_DEMOTE' : 'LAST_ADMIN_REMOVE');
}
