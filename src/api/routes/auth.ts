import { describeInvitation, acceptInvitation } from '../../auth/invitations';
import { deleteSession } from '../../auth/sessions';
import { changePassword, signIn, startSession } from '../../auth/sign-in';
import { confirmStaffPasswordReset, requestStaffPasswordReset } from '../../auth/staff-password-reset';
import { sessionInfo } from '../../auth/users';
import { PASSWORD_MIN_LENGTH, USER_LANGUAGES, USER_ROLES } from '../../shared/auth';
import { problem } from '../../shared/errors';
import { requireUser } from '../auth';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { clearSessionCookie, setSessionCookie } from '../session-cookie';
import { emailAddress, z } from '../zod';

const password = z.string().min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`).max(200);
const email = emailAddress();
const tokenParam = z.object({ token: z.string().min(10).max(200) });

export const sessionInfoSchema = z
  .object({
    user: z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.enum(USER_ROLES), language: z.enum(USER_LANGUAGES).nullable() }),
    organization: z.object({ id: z.string(), name: z.string(), language: z.string(), timeZone: z.string() }),
    csrfToken: z.string().openapi({ description: 'Send it back in the X-CSRF-Token header on every cookie-authenticated write' }),
  })
  .openapi('SessionInfo');

/** Staff sign-in: session cookie, CSRF token, password, invitations (AUTH-CONTRACT.md). */
export function registerAuthRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['staff sign-in'];
  const { prisma, config } = ctx;
  const deps = { ...ctx, messageIdDomain: config.MESSAGE_ID_DOMAIN };
  const client = (req: { ip?: string; get(name: string): string | undefined }) => ({ ip: req.ip ?? 'unknown', userAgent: req.get('user-agent') });

  r.add({
    method: 'post', path: '/auth/login', role: 'public', tags, response: sessionInfoSchema,
    summary: 'Sign in with email and password (sets the session cookie)',
    description: 'Wrong email and wrong password get the same 401. Failed attempts are limited per account and per client IP: 429 with Retry-After.',
    body: z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(200) }),
    handler: async ({ body, req, res }) => {
      const { token, info } = await signIn(prisma, config, { email: body.email, password: body.password, ...client(req) });
      setSessionCookie(req, res, token, config.SESSION_ABSOLUTE_SECONDS);
      return info;
    },
  });

  r.add({
    method: 'post', path: '/auth/logout', tags, summary: 'Sign out: the session is deleted and the cookie cleared',
    handler: async ({ auth, req, res }) => {
      const user = requireUser(auth);
      if (user.sessionId) await deleteSession(prisma, user.sessionId);
      clearSessionCookie(req, res);
    },
  });

  const currentInfo = async (userId: string, sessionId: string | null) => {
    const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, include: { organization: true } });
    const session = sessionId ? await prisma.session.findUnique({ where: { id: sessionId } }) : null;
    if (!session) throw problem('UNAUTHENTICATED', 'NOT_SIGNED_IN');
    return sessionInfo(user, user.organization, session.csrfToken);
  };

  r.add({
    method: 'get', path: '/auth/session', tags, response: sessionInfoSchema, summary: 'Who is signed in, and the CSRF token (401 when not signed in)',
    handler: ({ auth }) => {
      if (!auth.userId) throw problem('UNAUTHENTICATED', 'NO_SESSION_FOR_KEYS');
      return currentInfo(auth.userId, auth.sessionId);
    },
  });

  r.add({
    method: 'patch', path: '/auth/me', tags, response: sessionInfoSchema, summary: 'Change your own name or language (null = follow the browser)',
    body: z.object({ name: z.string().trim().min(1).max(200).optional(), language: z.enum(USER_LANGUAGES).nullable().optional() }),
    handler: async ({ auth, body }) => {
      const user = requireUser(auth);
      await prisma.user.update({ where: { id: user.userId }, data: body });
      return currentInfo(user.userId, user.sessionId);
    },
  });

  r.add({
    method: 'put', path: '/auth/password', tags, summary: 'Change your password; every other session of yours is signed out',
    body: z.object({ currentPassword: z.string().min(1).max(200), newPassword: password }),
    handler: async ({ auth, body }) => {
      const user = requireUser(auth);
      await changePassword(prisma, config, { userId: user.userId, sessionId: user.sessionId, currentPassword: body.currentPassword, newPassword: body.newPassword });
    },
  });

  r.add({
    method: 'post', path: '/auth/password-reset', role: 'public', tags, status: 202, summary: 'Mail a single-use reset link (same answer whether or not the address has an account)',
    body: z.object({ email }), response: z.object({ status: z.literal('accepted') }),
    handler: async ({ body, req }) => {
      await requestStaffPasswordReset(deps, body.email, client(req).ip);
      return { status: 'accepted' as const };
    },
  });

  r.add({
    method: 'post', path: '/auth/password-reset/confirm', role: 'public', tags, summary: 'Set a new password with a reset token (once); every session of the user is signed out',
    body: z.object({ token: z.string().min(10).max(200), password }),
    handler: async ({ body }) => {
      await confirmStaffPasswordReset(ctx, body.token, body.password);
    },
  });

  r.add({
    method: 'get', path: '/auth/invitations/:token', role: 'public', tags, params: tokenParam, summary: 'What an invitation (or the first-start setup link) is for; 404 when unknown, used or expired',
    response: z.object({ email: z.string().nullable(), role: z.enum(USER_ROLES), organizationName: z.string() }).openapi('InvitationInfo'),
    handler: ({ params }) => describeInvitation(prisma, params.token),
  });

  r.add({
    method: 'post', path: '/auth/invitations/:token/accept', role: 'public', tags, params: tokenParam, response: sessionInfoSchema,
    summary: 'Accept an invitation: set the password and sign in (email required for the first-start setup link)',
    body: z.object({ password, name: z.string().trim().min(1).max(200).optional(), email: email.optional() }),
    handler: async ({ params, body, req, res }) => {
      const user = await acceptInvitation(prisma, config, params.token, body);
      const { token, info } = await startSession(prisma, config, user.id, client(req));
      setSessionCookie(req, res, token, config.SESSION_ABSOLUTE_SECONDS);
      return info;
    },
  });
}
