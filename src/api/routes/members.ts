import { MEMBER_ORDER, listMembers } from '../../members/list-members';
import { createMember, deleteMember, getMember, presentMember, updateMember } from '../../members/members';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { listQuery, listSchema } from '../list';
import { idParam, z, uuid } from '../zod';
import { ADDRESS_REASON_CODES, REASON_KEYS } from '../../delivery/reasons';

const emailInput = z.object({
  address: z.string().min(3).max(320).openapi({ format: 'email', example: 'jeanne.martin@example.org' }),
  label: z.string().max(100).nullish().openapi({ example: 'personal' }),
});

const memberBody = z
  .object({
    firstName: z.string().trim().min(1).max(200),
    lastName: z.string().trim().min(1).max(200),
    licenceNumber: z.string().max(100).nullish(),
    structureId: uuid().nullish(),
    roles: z.array(z.string().min(1).max(50)).max(20).optional().openapi({ description: 'e.g. manager, secretary, resident, guardian' }),
    emails: z.array(emailInput).max(10).optional().openapi({ description: 'in order of preference' }),
  })
  .openapi('MemberInput');

/** `invalidReason` as a stable code and its values, for the console to word in the reader's language. */
export const addressReasonSchema = z
  .object({
    code: z.enum(ADDRESS_REASON_CODES).openapi({ description: 'BOUNCE: a bounce proving the address dead; SOFT_BOUNCES: `count` soft bounces in a row over `days` days; OTHER: only `details`' }),
    params: z.object({
      reason: z.enum(REASON_KEYS).optional().openapi({ description: 'the bounce reason (reasons table), the last one for SOFT_BOUNCES' }),
      count: z.number().int().optional(),
      days: z.number().int().optional(),
      details: z.string().optional().openapi({ description: 'the receiving server’s own words, as they came' }),
    }),
  })
  .openapi('AddressInvalidReason');

export const memberSchema = z
  .object({
    id: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    licenceNumber: z.string().nullable(),
    structureId: z.string().nullable(),
    roles: z.array(z.string()),
    emails: z.array(
      z.object({ address: z.string(), label: z.string().nullable(), position: z.number(), invalid: z.boolean(), invalidReason: z.string().nullable(), invalidBecause: addressReasonSchema.nullable() }),
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Member');

export function registerMemberRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['members'];
  r.add({
    method: 'post', path: '/members', summary: 'Create a member', tags, body: memberBody, response: memberSchema, status: 201,
    handler: async ({ auth, body }) => presentMember(await createMember(ctx.prisma, auth.organizationId, body)),
  });
  r.add({
    method: 'get', path: '/members', summary: 'List members', tags,
    query: listQuery(MEMBER_ORDER).extend({
      q: z.string().max(200).optional().openapi({ description: 'any part of the names, licence number or an address; case- and accent-insensitive, `%` and `_` match themselves' }),
      structureId: uuid().optional(),
    }),
    response: listSchema(memberSchema),
    handler: async ({ auth, query }) => {
      const { items, total, totalIsLowerBound, next } = await listMembers(ctx, auth.organizationId, query, query);
      return { items: items.map(presentMember), page: query.cursor ? null : query.page, pageSize: query.pageSize, total, totalIsLowerBound, next };
    },
  });
  r.add({
    method: 'get', path: '/members/:id', summary: 'Get a member', tags, params: idParam, response: memberSchema,
    handler: async ({ auth, params }) => presentMember(await getMember(ctx.prisma, auth.organizationId, params.id)),
  });
  r.add({
    method: 'patch', path: '/members/:id', summary: 'Update a member (emails, when given, replace the list)', tags,
    params: idParam, body: memberBody.partial(), response: memberSchema,
    handler: async ({ auth, params, body }) => presentMember(await updateMember(ctx.prisma, auth.organizationId, params.id, body)),
  });
  r.add({
    method: 'delete', path: '/members/:id', summary: 'Delete a member', tags, params: idParam,
    handler: async ({ auth, params }) => deleteMember(ctx.prisma, auth.organizationId, params.id),
  });
}
