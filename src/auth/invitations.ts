import { publicUrl, type Config } from '../config';
import type { PrismaClient, User } from '../generated/prisma/client';
import type { UserRole } from '../generated/prisma/enums';
import { consolePaths } from '../shared/auth';
import { notFound, problem, validationError } from '../shared/errors';
import { fieldError } from '../shared/field-reasons';
import { hashPassword } from './passwords';
import type { AuthConfig } from './sign-in';
import { mailStaff, type StaffDeps } from './staff-mail';
import { hashToken, newToken } from './tokens';
import { normalizeEmail } from './users';

type LinkConfig = Pick<Config, 'PUBLIC_URL' | 'PORT' | 'INVITATION_TTL_HOURS'>;

/**
 * A single-use link that sets a password. Tied to an invited user, or — the
 * first-start setup link — to nobody yet: whoever opens it first gives the
 * email and becomes an admin. Issuing a new link for a user voids their older ones.
 */
export async function createInvitation(
  prisma: PrismaClient,
  config: LinkConfig,
  input: { organizationId: string; role: UserRole; userId?: string; email?: string },
): Promise<{ url: string; token: string; expiresAt: Date; id: string }> {
  const token = newToken();
  const expiresAt = new Date(Date.now() + config.INVITATION_TTL_HOURS * 3600_000);
  if (input.userId) await prisma.invitation.deleteMany({ where: { userId: input.userId, acceptedAt: null } });
  const row = await prisma.invitation.create({ data: { organizationId: input.organizationId, userId: input.userId, email: input.email, role: input.role, tokenHash: hashToken(token), expiresAt } });
  return { url: publicUrl(config) + consolePaths.invitation(token), token, expiresAt, id: row.id };
}

/**
 * An admin invites someone: the user exists at once (status `invited`) and the
 * link goes to their address. Inviting an invited user again sends a fresh
 * link; an address that already has an account (here or in another
 * organisation: emails sign in, so they are unique platform-wide) is refused.
 */
export async function inviteUser(
  deps: StaffDeps & { config: LinkConfig },
  input: { organizationId: string; email: string; role: UserRole; name?: string | null },
): Promise<{ user: User; invitationUrl: string }> {
  const email = normalizeEmail(input.email);
  const existing = await deps.prisma.user.findUnique({ where: { email } });
  if (existing && (existing.organizationId !== input.organizationId || existing.passwordHash)) {
    throw problem('CONFLICT', 'ADDRESS_HAS_ACCOUNT', {}, { errors: [fieldError('body.email', 'ALREADY_HAS_ACCOUNT')] });
  }
  const user = existing
    ? await deps.prisma.user.update({ where: { id: existing.id }, data: { role: input.role, ...(input.name !== undefined ? { name: input.name } : {}) } })
    : await deps.prisma.user.create({ data: { organizationId: input.organizationId, email, role: input.role, name: input.name ?? null } });
  const invitation = await createInvitation(deps.prisma, deps.config, { organizationId: input.organizationId, role: input.role, userId: user.id, email });
  const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: input.organizationId } });
  await mailStaff(deps, {
    organizationId: input.organizationId,
    to: email,
    templateKey: 'staff.invitation',
    data: { nom: user.name ?? email, organisation: org.name, lien: invitation.url, echeance: invitation.expiresAt.toLocaleDateString(org.locale === 'en' ? 'en-GB' : 'fr-FR', { timeZone: org.timeZone, dateStyle: 'long' }) },
    idempotencyKey: `staff-invitation:${invitation.id}`,
    relatedType: 'staff-invitation',
    relatedId: invitation.id,
    secrets: [invitation.token],
  });
  return { user, invitationUrl: invitation.url };
}

async function liveInvitation(prisma: PrismaClient, token: string) {
  const row = await prisma.invitation.findUnique({ where: { tokenHash: hashToken(token) }, include: { organization: true } });
  if (!row || row.acceptedAt || row.expiresAt <= new Date()) throw notFound('Invitation (unknown, used or expired)');
  return row;
}

export async function describeInvitation(prisma: PrismaClient, token: string) {
  const row = await liveInvitation(prisma, token);
  return { email: row.email, role: row.role, organizationName: row.organization.name };
}

/**
 * Accepts an invitation once: sets the password (and name), or for the setup
 * link creates the admin with the email given. Claiming the row and writing the
 * user happen in one transaction, so a link used twice at once works once.
 */
export async function acceptInvitation(
  prisma: PrismaClient,
  config: AuthConfig,
  token: string,
  input: { password: string; name?: string; email?: string },
): Promise<User> {
  const row = await liveInvitation(prisma, token);
  if (row.organization.suspendedAt) throw problem('FORBIDDEN', 'ORGANIZATION_SUSPENDED');
  if (!row.userId && !input.email) throw validationError('body.email', 'EMAIL_FOR_FIRST_ACCOUNT');
  const passwordHash = await hashPassword(input.password, config.PASSWORD_SCRYPT_N);
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.invitation.updateMany({ where: { id: row.id, acceptedAt: null }, data: { acceptedAt: new Date() } });
    if (!count) throw notFound('Invitation (unknown, used or expired)');
    if (row.userId) return tx.user.update({ where: { id: row.userId }, data: { passwordHash, ...(input.name ? { name: input.name } : {}) } });
    const email = normalizeEmail(input.email!);
    if (await tx.user.findUnique({ where: { email } })) throw problem('CONFLICT', 'ADDRESS_HAS_ACCOUNT', {}, { errors: [fieldError('body.email', 'ALREADY_HAS_ACCOUNT')] });
    return tx.user.create({ data: { organizationId: row.organizationId, email, role: row.role, name: input.name ?? null, passwordHash } });
  });
}
