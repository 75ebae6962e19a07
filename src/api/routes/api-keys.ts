import { createApiKey, revokeApiKey } from '../../auth/api-keys';
import type { ApiKey } from '../../generated/prisma/client';
import { USER_ROLES } from '../../shared/auth';
import { notFound } from '../../shared/errors';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { idParam, pagedSchema, pageQuery, paging, z } from '../zod';

const apiKeySchema = z
  .object({ id: z.string(), name: z.string(), prefix: z.string().openapi({ description: 'First characters of the key, to tell keys apart' }), role: z.enum(USER_ROLES), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() })
  .openapi('ApiKey');

const present = (k: ApiKey) => ({ id: k.id, name: k.name, prefix: k.prefix, role: k.role, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null });

/** The organisation's API keys for integrators: listed by prefix, shown once at creation, revoked. */
export function registerApiKeyRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['api keys'];
  const { prisma } = ctx;
  // Member self-service keys are the members' own business, not the integrators' list.
  const where = (organizationId: string) => ({ organizationId, memberId: null });

  r.add({
    method: 'get', path: '/api-keys', role: 'admin', tags, query: pageQuery, response: pagedSchema(apiKeySchema), summary: 'API keys, newest first (the keys themselves are never shown again)',
    handler: async ({ auth, query }) => {
      const [rows, total] = await Promise.all([prisma.apiKey.findMany({ where: where(auth.organizationId), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...paging(query) }), prisma.apiKey.count({ where: where(auth.organizationId) })]);
      return { items: rows.map(present), page: query.page, pageSize: query.pageSize, total };
    },
  });

  r.add({
    method: 'post', path: '/api-keys', role: 'admin', tags, status: 201, summary: 'Create a key: the answer is the only time it is shown',
    body: z.object({ name: z.string().trim().min(1).max(200), role: z.enum(USER_ROLES) }),
    response: apiKeySchema.omit({ lastUsedAt: true, revokedAt: true }).extend({ key: z.string() }),
    handler: async ({ auth, body }) => {
      const { key, record } = await createApiKey(prisma, { organizationId: auth.organizationId, role: body.role, name: body.name });
      const { lastUsedAt: _u, revokedAt: _r, ...rest } = present(record);
      return { ...rest, key };
    },
  });

  r.add({
    method: 'delete', path: '/api-keys/:id', role: 'admin', tags, params: idParam, summary: 'Revoke a key (it stops working at once)',
    handler: async ({ auth, params }) => {
      const key = await prisma.apiKey.findFirst({ where: { id: params.id, ...where(auth.organizationId) } });
      if (!key) throw notFound('API key');
      if (!key.revokedAt) await revokeApiKey(prisma, auth.organizationId, key.id);
    },
  });
}
