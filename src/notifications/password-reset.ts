import crypto from 'node:crypto';
import { normalizeAddress } from '../mail/addresses';
import { problem } from '../shared/errors';
import { notifyMember, type NotifyDeps } from './notify';

const HOUR = 3600 * 1000;
const PER_ADDRESS_PER_HOUR = 3;
const PER_CLIENT_PER_HOUR = 10;
const clients = new Map<string, number[]>();

/**
 * Mails a single-use link (random token, stored hashed, valid one hour). The
 * answer never says whether the address exists; requests are limited per
 * address (durably, in the database) and per client (in this process).
 */
export async function requestPasswordReset(deps: NotifyDeps, organizationId: string, email: string, client: string): Promise<void> {
  const now = Date.now();
  const recent = (clients.get(client) ?? []).filter((t) => t > now - HOUR);
  if (recent.length >= PER_CLIENT_PER_HOUR) throw problem('RATE_LIMITED', 'TOO_MANY_RESETS');
  clients.set(client, [...recent, now]);
  const row = await deps.prisma.memberEmail.findFirst({ where: { organizationId, normalized: normalizeAddress(email) }, orderBy: { createdAt: 'asc' } });
  if (!row) return;
  const lastHour = await deps.prisma.passwordResetToken.count({ where: { memberId: row.memberId, createdAt: { gt: new Date(now - HOUR) } } });
  if (lastHour >= PER_ADDRESS_PER_HOUR) return; // silently: the answer must not differ
  const token = crypto.randomBytes(32).toString('base64url');
  const saved = await deps.prisma.passwordResetToken.create({ data: { organizationId, memberId: row.memberId, tokenHash: crypto.createHash('sha256').update(token).digest('hex'), expiresAt: new Date(now + HOUR) } });
  const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: organizationId } });
  const base = org.passwordResetUrl ?? deps.config.PASSWORD_RESET_URL;
  const link = `${base}${base.includes('?') ? '&' : '?'}token=${token}`;
  await notifyMember(deps, { organizationId, memberId: row.memberId, kind: 'password', templateKey: 'password.reset', data: { lien: link }, idempotencyKey: `password-reset:${saved.id}`, relatedType: 'password-reset', relatedId: saved.id, secrets: [token] });
}

/** Uses a token once: answers the member it belongs to, or refuses it (unknown, used or expired). */
export async function consumePasswordReset(deps: Pick<NotifyDeps, 'prisma'>, organizationId: string, token: string): Promise<{ memberId: string }> {
  const tokenHash = crypto.createHash('sha256').update(token).digest('hex');
  const row = await deps.prisma.passwordResetToken.findUnique({ where: { tokenHash } });
  if (!row || row.organizationId !== organizationId || row.expiresAt < new Date()) throw problem('BAD_REQUEST', 'LINK_EXPIRED');
  const { count } = await deps.prisma.passwordResetToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
  if (!count) throw problem('BAD_REQUEST', 'LINK_USED');
  return { memberId: row.memberId };
}
