import type { Config } from '../config';
import type { PrismaClient } from '../generated/prisma/client';
import { problem, validationError } from '../shared/errors';
import { attemptKeys, attemptSucceeded, beginAttempt, sweepAttempts } from './login-limit';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords';
import { createSession, revokeUserSessions, sweepSessions } from './sessions';
import { normalizeEmail, sessionInfo, type SessionInfo } from './users';

export type AuthConfig = Pick<
  Config,
  'SESSION_IDLE_SECONDS' | 'SESSION_ABSOLUTE_SECONDS' | 'LOGIN_MAX_FAILURES_PER_ACCOUNT' | 'LOGIN_MAX_FAILURES_PER_IP' | 'LOGIN_FAILURE_WINDOW_SECONDS' | 'PASSWORD_SCRYPT_N'
>;

export const sessionTimes = (c: AuthConfig) => ({ idleSeconds: c.SESSION_IDLE_SECONDS, absoluteSeconds: c.SESSION_ABSOLUTE_SECONDS });


/**
 * Email + password → a new session. Unknown email and wrong password get the
 * same answer and take as long (a dummy hash is checked). Attempts are limited
 * per account and per client IP (`login-limit.ts`), before any hash is computed.
 */
export async function signIn(
  prisma: PrismaClient,
  config: AuthConfig,
  input: { email: string; password: string; ip: string; userAgent?: string },
): Promise<{ token: string; info: SessionInfo }> {
  const email = normalizeEmail(input.email);
  await housekeeping(prisma, config);
  const keys = attemptKeys(email, input.ip);
  const checks = [{ key: keys.account, limit: config.LOGIN_MAX_FAILURES_PER_ACCOUNT }, { key: keys.ip, limit: config.LOGIN_MAX_FAILURES_PER_IP }];
  const ids = await beginAttempt(prisma, checks, config.LOGIN_FAILURE_WINDOW_SECONDS, 'TOO_MANY_SIGN_INS');
  const user = await prisma.user.findUnique({ where: { email } });
  const ok = user?.passwordHash ? await verifyPassword(input.password, user.passwordHash) : await verifyAgainstDummy(input.password, config.PASSWORD_SCRYPT_N);
  if (!user || !ok) throw problem('UNAUTHENTICATED', 'WRONG_CREDENTIALS');
  await attemptSucceeded(prisma, keys, ids);
  return startSession(prisma, config, user.id, input);
}

let lastHousekeeping = 0;
/** At most once a minute per process, on a sign-in: old failures and dead sessions are deleted. */
async function housekeeping(prisma: PrismaClient, config: AuthConfig): Promise<void> {
  if (Date.now() - lastHousekeeping < 60_000) return;
  lastHousekeeping = Date.now();
  await sweepAttempts(prisma, config.LOGIN_FAILURE_WINDOW_SECONDS);
  await sweepSessions(prisma, sessionTimes(config));
}

/** Opens a session for a user who just proved who they are (sign-in, accepted invitation). */
export async function startSession(prisma: PrismaClient, config: AuthConfig, userId: string, client: { ip?: string; userAgent?: string }): Promise<{ token: string; info: SessionInfo }> {
  const { organization } = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { organization: { select: { suspendedAt: true } } } });
  if (organization.suspendedAt) throw problem('FORBIDDEN', 'ORGANIZATION_SUSPENDED');
  const user = await prisma.user.update({ where: { id: userId }, data: { lastLoginAt: new Date() }, include: { organization: true } });
  const { token, session } = await createSession(prisma, { organizationId: user.organizationId, userId: user.id, ip: client.ip, userAgent: client.userAgent }, sessionTimes(config));
  return { token, info: sessionInfo(user, user.organization, session.csrfToken) };
}

/** Changes the password after checking the current one; every other session of the user ends. */
export async function changePassword(prisma: PrismaClient, config: AuthConfig, input: { userId: string; sessionId: string | null; currentPassword: string; newPassword: string }): Promise<void> {
  const user = await prisma.user.findUnique({ where: { id: input.userId } });
  if (!user?.passwordHash || !(await verifyPassword(input.currentPassword, user.passwordHash))) throw validationError('body.currentPassword', 'WRONG_PASSWORD');
  await setPassword(prisma, config, user.id, input.newPassword, input.sessionId ?? undefined);
}

/** Stores a new password hash and ends the user's sessions (but `keepSession`). */
export async function setPassword(prisma: PrismaClient, config: AuthConfig, userId: string, password: string, keepSession?: string): Promise<void> {
  await prisma.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(password, config.PASSWORD_SCRYPT_N) } });
  await revokeUserSessions(prisma, userId, keepSession);
}
