import type { PrismaClient } from '../generated/prisma/client';
import { AppError } from '../shared/errors';

export interface LoginLimits {
  perAccount: number;
  perIp: number;
  windowSeconds: number;
}

export const attemptKeys = (email: string, ip: string) => ({ account: `account:${email}`, ip: `ip:${ip}` });

/**
 * Sign-in attempt limiting, in the database so every API process counts the
 * same attempts. An attempt is recorded *before* the password is checked and
 * counted with the others, so a burst of parallel guesses cannot slip past the
 * limit (each sees at least every row committed before its own). A refused
 * attempt removes its rows (it tested nothing) and answers 429 with the
 * seconds until the oldest failure leaves the window.
 */
export async function beginAttempt(prisma: PrismaClient, keys: { account: string; ip: string }, limits: LoginLimits, now = new Date()): Promise<string[]> {
  const since = new Date(now.getTime() - limits.windowSeconds * 1000);
  const rows = await prisma.loginAttempt.createManyAndReturn({ data: [{ key: keys.account, createdAt: now }, { key: keys.ip, createdAt: now }], select: { id: true } });
  const ids = rows.map((r) => r.id);
  const [account, ip] = await Promise.all([
    prisma.loginAttempt.count({ where: { key: keys.account, createdAt: { gt: since } } }),
    prisma.loginAttempt.count({ where: { key: keys.ip, createdAt: { gt: since } } }),
  ]);
  const over = account > limits.perAccount ? keys.account : ip > limits.perIp ? keys.ip : null;
  if (!over) return ids;
  await prisma.loginAttempt.deleteMany({ where: { id: { in: ids } } });
  const oldest = await prisma.loginAttempt.findFirst({ where: { key: over, createdAt: { gt: since } }, orderBy: { createdAt: 'asc' } });
  const retryAfter = Math.max(1, Math.ceil(((oldest?.createdAt.getTime() ?? now.getTime()) + limits.windowSeconds * 1000 - now.getTime()) / 1000));
  throw new AppError('RATE_LIMITED', 'Too many failed sign-in attempts; try again later', { extra: { retryAfter } });
}

/** A successful sign-in: the account's failures are forgotten, and this attempt was no failure. */
export async function attemptSucceeded(prisma: PrismaClient, keys: { account: string }, ids: string[]): Promise<void> {
  await prisma.loginAttempt.deleteMany({ where: { OR: [{ key: keys.account }, { id: { in: ids } }] } });
}

let lastSweep = 0;
/** Forgets failures older than the window, at most once a minute per process. */
export async function sweepAttempts(prisma: PrismaClient, windowSeconds: number, now = Date.now()): Promise<void> {
  if (now - lastSweep < 60_000) return;
  lastSweep = now;
  await prisma.loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(now - windowSeconds * 1000) } } });
}
