import { publicUrl } from '../config';
import { consolePaths } from '../shared/auth';
import { problem } from '../shared/errors';
import { attemptKeys, beginAttempt } from './login-limit';
import { setPassword, type AuthConfig } from './sign-in';
import { mailStaff, type StaffDeps } from './staff-mail';
import { hashToken, newToken } from './tokens';
import { normalizeEmail } from './users';

const PER_USER_PER_HOUR = 3;
const HOUR = 3600_000;

type Deps = StaffDeps & { config: StaffDeps['config'] & AuthConfig };

/**
 * Staff "forgot password", on the members' reset mechanism: a random token
 * stored hashed, valid STAFF_PASSWORD_RESET_TTL_MINUTES, used once, mailed
 * through the sending path (sent log, `send:<id>` workflow). The answer never
 * says whether the address exists; at most 3 mails per user and hour, and
 * requests count against the client address's sign-in limit.
 */
export async function requestStaffPasswordReset(deps: Deps, email: string, ip: string): Promise<void> {
  // Each request counts against the client address like a failed sign-in, so one client cannot mail everyone.
  await beginAttempt(deps.prisma, [{ key: attemptKeys('', ip).ip, limit: deps.config.LOGIN_MAX_FAILURES_PER_IP }], deps.config.LOGIN_FAILURE_WINDOW_SECONDS, 'TOO_MANY_FROM_ADDRESS');
  const user = await deps.prisma.user.findUnique({ where: { email: normalizeEmail(email) }, include: { organization: true } });
  if (!user?.passwordHash || user.organization.suspendedAt) return;
  const now = Date.now();
  if ((await deps.prisma.userPasswordReset.count({ where: { userId: user.id, createdAt: { gt: new Date(now - HOUR) } } })) >= PER_USER_PER_HOUR) return;
  const token = newToken();
  const minutes = deps.config.STAFF_PASSWORD_RESET_TTL_MINUTES;
  const row = await deps.prisma.userPasswordReset.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(now + minutes * 60_000) } });
  await mailStaff(deps, {
    organizationId: user.organizationId,
    to: user.email,
    templateKey: 'staff.password-reset',
    data: { nom: user.name ?? user.email, organisation: user.organization.name, lien: publicUrl(deps.config) + consolePaths.passwordReset(token), minutes },
    idempotencyKey: `staff-password-reset:${row.id}`,
    relatedType: 'staff-password-reset',
    relatedId: row.id,
    secrets: [token],
  });
}

/** Uses a reset token once: sets the password and ends every session of the user. */
export async function confirmStaffPasswordReset(deps: Pick<Deps, 'prisma' | 'config'>, token: string, password: string): Promise<void> {
  const row = await deps.prisma.userPasswordReset.findUnique({ where: { tokenHash: hashToken(token) } });
  const invalid = problem('NOT_FOUND', 'LINK_INVALID');
  if (!row || row.expiresAt <= new Date()) throw invalid;
  const { count } = await deps.prisma.userPasswordReset.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
  if (!count) throw invalid;
  await setPassword(deps.prisma, deps.config, row.userId, password);
}
