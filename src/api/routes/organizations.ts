import type { ApiKey, Organization } from '../../generated/prisma/client';
import { createOrganizationKey, onboardOrganization, requireOrganization, revokeOrganizationKey, updateOrganization } from '../../operators/organizations';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { emailAddress, idParam, pagedSchema, pageQuery, paging, timeZone, z, uuid } from '../zod';

/**
 * The platform operators' API: organisations (tenants) and their keys, behind
 * the operator's credential only (role `operator`), mounted ahead of the
 * organisations' authentication in app.ts.
 */

export const organizationSchema = z
  .object({ id: z.string(), name: z.string(), timeZone: z.string(), locale: z.string(), suspended: z.boolean(), suspendedAt: z.string().nullable(), createdAt: z.string(), updatedAt: z.string() })
  .openapi('Organization');

const present = (o: Organization) => ({
  id: o.id, name: o.name, timeZone: o.timeZone, locale: o.locale, suspended: o.suspendedAt !== null, suspendedAt: o.suspendedAt?.toISOString() ?? null,
  createdAt: o.createdAt.toISOString(), updatedAt: o.updatedAt.toISOString(),
});

const keySchema = z.object({ id: z.string(), name: z.string(), prefix: z.string(), role: z.enum(['admin', 'staff']), memberId: z.string().nullable(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() }).openapi('OrganizationApiKey');
const presentKey = (k: ApiKey) => ({ id: k.id, name: k.name, prefix: k.prefix, role: k.role, memberId: k.memberId, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null });

export function registerOrganizationRoutes(r: ApiRouter, ctx: AppContext): void {
  r.registry.registerComponent('securitySchemes', 'operatorAuth', { type: 'http', scheme: 'bearer', description: "The platform operator's token (MAILROOM_OPERATOR_TOKEN, or `operatorToken` in the embedded data directory's credentials.json)" });
  const tags = ['operators'];
  const role = 'operator' as const;
  const deps = { ...ctx, messageIdDomain: ctx.config.MESSAGE_ID_DOMAIN };

  r.add({
    method: 'post', path: '/organizations', summary: "Onboard an organisation: create it, its first admin API key (shown once) and its first admin's console invitation", tags, role, status: 201,
    description: 'With `adminEmail` the invitation is mailed to that address (an address that already has an account answers 409); without it, `adminInvitationUrl` is a setup link: whoever opens it first gives their email and becomes the admin.',
    body: z.object({
      name: z.string().trim().min(1).max(200), timeZone: timeZone().optional(), locale: z.enum(['fr', 'en']).optional(),
      adminEmail: emailAddress().optional(), adminName: z.string().trim().min(1).max(200).optional(),
    }).openapi('OrganizationInput'),
    response: z.object({ organization: organizationSchema, adminApiKey: z.object({ id: z.string(), key: z.string().openapi({ description: 'shown once' }) }), adminInvitationUrl: z.string() }),
    handler: async ({ body }) => {
      const { organization, adminApiKey, adminApiKeyId, adminInvitationUrl } = await onboardOrganization(deps, body);
      return { organization: present(organization), adminApiKey: { id: adminApiKeyId, key: adminApiKey }, adminInvitationUrl };
    },
  });
  r.add({
    method: 'get', path: '/organizations', summary: 'List organisations, oldest first', tags, role,
    query: pageQuery.extend({ q: z.string().max(200).optional().openapi({ description: 'part of the name' }) }), response: pagedSchema(organizationSchema),
    handler: async ({ query }) => {
      const where = query.q ? { name: { contains: query.q, mode: 'insensitive' as const } } : {};
      const [items, total] = await Promise.all([
        ctx.prisma.organization.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], ...paging(query) }),
        ctx.prisma.organization.count({ where }),
      ]);
      return { items: items.map(present), page: query.page, pageSize: query.pageSize, total };
    },
  });
  r.add({
    method: 'get', path: '/organizations/:id', summary: 'One organisation', tags, role, params: idParam, response: organizationSchema,
    handler: async ({ params }) => present(await requireOrganization(ctx.prisma, params.id)),
  });
  r.add({
    method: 'patch', path: '/organizations/:id', summary: 'Rename, or suspend / unsuspend (suspended: keys and sessions refused, schedules and mailbox polling paused)', tags, role, params: idParam,
    body: z.object({ name: z.string().trim().min(1).max(200).optional(), timeZone: timeZone().optional(), suspended: z.boolean().optional() }).openapi('OrganizationPatch'),
    response: organizationSchema,
    handler: async ({ params, body }) => present(await updateOrganization(deps, params.id, body)),
  });

  const keyParams = z.object({ id: uuid(), keyId: uuid() });
  r.add({
    method: 'post', path: '/organizations/:id/api-keys', summary: "Create an organisation's API key (shown once)", tags, role, params: idParam, status: 201,
    body: z.object({ name: z.string().trim().min(1).max(200), role: z.enum(['admin', 'staff']), memberId: uuid().optional().openapi({ description: "a member's own key (self-service routes only)" }) }),
    response: keySchema.extend({ key: z.string() }),
    handler: async ({ params, body }) => {
      const { key, record } = await createOrganizationKey(deps, params.id, body);
      return { ...presentKey(record), key };
    },
  });
  r.add({
    method: 'get', path: '/organizations/:id/api-keys', summary: "An organisation's API keys (never the keys themselves)", tags, role, params: idParam, query: pageQuery, response: pagedSchema(keySchema),
    handler: async ({ params, query }) => {
      await requireOrganization(ctx.prisma, params.id);
      const where = { organizationId: params.id };
      const [items, total] = await Promise.all([
        ctx.prisma.apiKey.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], ...paging(query) }),
        ctx.prisma.apiKey.count({ where }),
      ]);
      return { items: items.map(presentKey), page: query.page, pageSize: query.pageSize, total };
    },
  });
  r.add({
    method: 'delete', path: '/organizations/:id/api-keys/:keyId', summary: "Revoke an organisation's API key", tags, role, params: keyParams,
    handler: async ({ params }) => revokeOrganizationKey(deps, params.id, params.keyId),
  });
}
