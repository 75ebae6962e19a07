import { inviteUser } from '../../auth/invitations';
import { findUser, presentUser, removeUser, updateUser } from '../../auth/users';
import { USER_ROLES } from '../../shared/auth';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { emailAddress, idParam, pagedSchema, pageQuery, paging, z } from '../zod';

export const userSchema = z
  .object({
    id: z.string(), email: z.string(), name: z.string().nullable(), role: z.enum(USER_ROLES),
    createdAt: z.string(), lastLoginAt: z.string().nullable(),
    status: z.enum(['active', 'invited']).openapi({ description: '`invited` until the invitation link has been used' }),
  })
  .openapi('User');

/** The organisation's staff users, managed by its admins (sessions or admin keys). */
export function registerUserRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['users'];
  const { prisma } = ctx;
  const deps = { ...ctx, messageIdDomain: ctx.config.MESSAGE_ID_DOMAIN };

  r.add({
    method: 'get', path: '/users', role: 'admin', tags, query: pageQuery, response: pagedSchema(userSchema), summary: 'Staff users of the organisation, invited ones included',
    handler: async ({ auth, query }) => {
      const where = { organizationId: auth.organizationId };
      const [rows, total] = await Promise.all([prisma.user.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], ...paging(query) }), prisma.user.count({ where })]);
      return { items: rows.map(presentUser), page: query.page, pageSize: query.pageSize, total };
    },
  });

  r.add({
    method: 'post', path: '/users/invitations', role: 'admin', tags, status: 201, summary: 'Invite someone by email: the link (also mailed to them) lets them set their password',
    description: 'Emails are unique across the platform (they sign in): an address that already has an account answers 409. Inviting an invited user again sends a fresh link.',
    body: z.object({ email: emailAddress(), role: z.enum(USER_ROLES), name: z.string().trim().min(1).max(200).optional() }),
    response: z.object({ user: userSchema, invitationUrl: z.string() }),
    handler: async ({ auth, body }) => {
      const { user, invitationUrl } = await inviteUser(deps, { organizationId: auth.organizationId, email: body.email, role: body.role, name: body.name });
      return { user: presentUser(user), invitationUrl };
    },
  });

  r.add({
    method: 'patch', path: '/users/:id', role: 'admin', tags, params: idParam, response: userSchema, summary: 'Change a user’s role or name (the last admin cannot be demoted: 409)',
    body: z.object({ role: z.enum(USER_ROLES).optional(), name: z.string().trim().min(1).max(200).nullable().optional() }),
    handler: async ({ auth, params, body }) => presentUser(await updateUser(prisma, auth.organizationId, params.id, body)),
  });

  r.add({
    method: 'delete', path: '/users/:id', role: 'admin', tags, params: idParam, summary: 'Remove a user; their sessions end (the last admin cannot be removed: 409)',
    handler: async ({ auth, params }) => {
      await findUser(prisma, auth.organizationId, params.id);
      await removeUser(prisma, auth.organizationId, params.id);
    },
  });
}
