import type { PrismaClient, Session } from '../generated/prisma/client';
import { hashToken, newToken } from './tokens';

export interface SessionTimes {
  idleSeconds: number;
  absoluteSeconds: number;
}

/**
 * Server-side sessions. The browser holds a random token in an HttpOnly cookie;
 * the database holds its sha256, so a leaked table signs nobody in. A session
 * ends after `idleSeconds` without use and `absoluteSeconds` after sign-in.
 */
export async function createSession(
  prisma: PrismaClient,
  input: { organizationId: string; userId: string; userAgent?: string; ip?: string },
  times: SessionTimes,
): Promise<{ token: string; session: Session }> {
  const token = newToken();
  const now = new Date();
  const session = await prisma.session.create({
    data: {
      organizationId: input.organizationId,
      userId: input.userId,
      tokenHash: hashToken(token),
      csrfToken: newToken(),
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + times.absoluteSeconds * 1000),
      userAgent: input.userAgent?.slice(0, 300),
      ip: input.ip,
    },
  });
  return { token, session };
}

/**
 * The live session of a cookie token with its user and the organisation's
 * suspension, in one query; null when unknown, idle too long or past its end
 * (then deleted).
 */
export async function findSession(prisma: PrismaClient, token: string, times: SessionTimes, now = new Date()) {
  if (token.length > 200) return null;
  const session = await prisma.session.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: { include: { organization: { select: { suspendedAt: true } } } } } });
  if (!session) return null;
  const idleEnd = session.lastSeenAt.getTime() + times.idleSeconds * 1000;
  if (session.expiresAt <= now || idleEnd <= now.getTime()) {
    await prisma.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  // Touch at most every minute (or a quarter of the idle time, if shorter): one write, not one per request.
  if (now.getTime() - session.lastSeenAt.getTime() >= Math.min(60_000, (times.idleSeconds * 1000) / 4)) {
    await prisma.session.updateMany({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return session;
}

/** Deletes sessions past their end or idle too long (those never presented again would stay otherwise). */
export async function sweepSessions(prisma: PrismaClient, times: SessionTimes, now = Date.now()): Promise<void> {
  await prisma.session.deleteMany({ where: { OR: [{ expiresAt: { lt: new Date(now) } }, { lastSeenAt: { lt: new Date(now - times.idleSeconds * 1000) } }] } });
}

export async function deleteSession(prisma: PrismaClient, id: string): Promise<void> {
  await prisma.session.deleteMany({ where: { id } });
}

/** Signs a user out everywhere (password change keeps the current session: `except`). */
export async function revokeUserSessions(prisma: PrismaClient, userId: string, except?: string): Promise<number> {
  const { count } = await prisma.session.deleteMany({ where: { userId, ...(except ? { id: { not: except } } : {}) } });
  return count;
}
