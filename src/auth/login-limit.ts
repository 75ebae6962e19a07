import type { PrismaClient } from '../generated/prisma/client';
import { problem } from '../shared/errors';

/** A counter and how many attempts it allows within the window. */
export interface AttemptCheck {
  key: string;
  limit: number;
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
export async function beginAttempt(prisma: PrismaClient, checks: AttemptCheck[], windowSeconds: number, refusal: 'TOO_MANY_SIGN_INS' | 'TOO_MANY_FROM_ADDRESS', now = new Date()): Promise<string[]> {
  const since = new Date(now.getTime() - windowSeconds * 1000);
  const rows = await prisma.loginAttempt.createManyAndReturn({ data: checks.map((c) => ({ key: c.key, createdAt: now })), select: { id: true } });
  const ids = rows.map((r) => r.id);
  const counts = await Promise.all(checks.map((c) => prisma.loginAttempt.count({ where: { key: c.key, createdAt: { gt: since } } })));
  const over = checks.find((c, i) => counts[i]! > c.limit);
  if (!over) return ids;
  await prisma.loginAttempt.deleteMany({ where: { id: { in: ids } } });
  const oldest = await prisma.loginAttempt.findFirst({ where: { key: over.key, createdAt: { gt: since } }, orderBy: { createdAt: 'asc' } });
  const retryAfter = Math.max(1, Math.ceil(((oldest?.createdAt.getTime() ?? now.getTime()) + windowSeconds * 1000 - now.getTime()) / 1000));
  throw problem('RATE_LIMITED', refusal, {}, { extra: { retryAfter } });
}

/** A successful sign-in: the account's failures are forgotten, and this attempt was no failure. */
export async function attemptSucceeded(prisma: PrismaClient, keys: { account: string }, ids: string[]): Promise<void> {
  await prisma.loginAttempt.deleteMany({ where: { OR: [{ key: keys.account }, { id: { in: ids } }] } });
}

/** Forgets failures older than the window. */
export async function sweepAttempts(prisma: PrismaClient, windowSeconds: number, now = Date.now()): Promise<void> {
  await prisma.loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(now - windowSeconds * 1000) } } });
}
